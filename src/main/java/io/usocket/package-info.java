/**
 * Unix-domain sockets for Java with Node's {@code net} semantics and file-descriptor passing
 * (SCM_RIGHTS): the Java port of the npm package {@code usocket}.
 *
 * <p>{@link io.usocket.UServer} and {@link io.usocket.USocket} stand for Node's
 * {@code net.Server} and {@code net.Socket} over unix sockets, and can send and receive open
 * descriptors along with bytes; they run on an {@link io.usocket.EventLoop}, a single-threaded
 * epoll loop modelled on libuv's. {@link io.usocket.EventEmitter} is Node's
 * {@code EventEmitter}; {@link io.usocket.Fds} opens, closes and converts raw descriptors;
 * errors carry Node's codes ({@link io.usocket.USocketException},
 * {@link io.usocket.CodedError}).
 *
 * <p>Linux only (x86_64, aarch64), Java 17 or newer. The behaviour contract (decisions D*, Node
 * semantics N*, native facts T*) is in the project's {@code docs/} directory.
 */
package io.usocket;
