/**
 * The native layer, <b>not API</b>: every syscall of the library, one errno convention, one path
 * encoding. The raw libc binding ({@code Native}) is package-private; other packages use
 * {@link io.usocket.internal.sys.LibC} (fd- and path-level calls, bounds-checked buffers),
 * {@link io.usocket.internal.sys.Epoll}, {@link io.usocket.internal.sys.MsgIo} and
 * {@link io.usocket.internal.sys.UnixSockets}.
 *
 * <p>The classes here are public only because {@code io.usocket} is another package; they are
 * left out of the published Javadoc and may change in any release (docs/modules.md).
 */
package io.usocket.internal.sys;
