/**
 * Stream state of a socket, <b>not API</b>: byte and fd queues, queued writes and the string
 * decoder, knowing nothing of epoll or descriptors' syscalls. Public only because
 * {@code io.usocket} is another package; left out of the published Javadoc and may change in
 * any release (docs/modules.md).
 */
package io.usocket.internal.stream;
