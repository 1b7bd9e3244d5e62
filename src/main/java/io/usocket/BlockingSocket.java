package io.usocket;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A blocking view of a {@link USocket} for threads outside its loop (a {@code main} thread, a
 * request handler, a virtual thread), modelled on Node's async iteration
 * ({@code for await (const chunk of socket)}) and promisified writes (decisions D54):
 *
 * <pre>{@code
 * try (BlockingSocket s = BlockingSocket.connect(loop, path)) {   // loop.start()ed elsewhere
 *     s.write("hello");                          // returns once the bytes are in the kernel
 *     s.end();
 *     for (Message m : s) { ... m.data() ... m.fds() ... }   // until the peer ends
 * }
 * }</pre>
 *
 * <p>Reading: each {@link Message} is one {@code 'data'} chunk with the fds that arrived with
 * it (an fd is always in the message holding the byte it was sent with, or with the end). Taken
 * messages and their fds are the caller's. At most about {@code maxBufferedBytes} wait between
 * the loop and the reader: past that the socket is paused (the peer is held back by the kernel)
 * and resumed once the reader has caught up halfway. Iteration ends at {@code 'end'}; an
 * {@code 'error'} is thrown (after the messages received before it); a close without either
 * throws {@code ERR_STREAM_PREMATURE_CLOSE}, as Node's iterator does. A {@code BlockingSocket}
 * owns its socket's reading side: add no {@code 'data'}, {@code 'fds'} or {@code 'readable'}
 * listeners of your own and do not call {@code setEncoding}; make the view before data arrives
 * (right after connecting or accepting): fds the socket queued before it stay in the socket's
 * queue (closed with the socket). As in Node, a socket without
 * {@code allowHalfOpen} ends its writable side at {@code 'end'}: to answer after reading to the
 * end, make it with {@code new SocketOptions().allowHalfOpen(true)}.
 *
 * <p>Threads: every method that waits throws {@link InvalidStateException}
 * {@code ERR_BLOCKING_ON_LOOP_THREAD} on the loop's thread, and while no thread runs the loop
 * (start it with {@link EventLoop#start()}). An interrupt ends a wait with
 * {@link USocketException} {@code ABORT_ERR} and keeps the thread's interrupt flag. A wait the
 * loop can no longer end fails promptly instead of hanging: {@code ERR_LOOP_CLOSED} when the
 * loop is closed (from any thread), {@code ERR_LOOP_STOPPED} when no thread runs it any more
 * (its {@code run()} returned, or an uncaught exception stopped it; decisions D55). Reading is for
 * one thread at a time; writes may come from several. {@link #close()} may be called from any
 * thread, the loop's included.
 *
 * <p>Node equivalent: {@code for await (const chunk of socket)}, {@code await promisify(socket.write)(data)}.
 */
public final class BlockingSocket implements Iterable<Message>, AutoCloseable {
    /** The default bound of bytes received and not yet read: 64 KiB, one receive's worth. */
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;

    private final USocket socket;
    private final EventLoop loop;
    private final MessageInbox inbox;

    private BlockingSocket(USocket socket, int maxBufferedBytes) {
        this.socket = socket;
        this.loop = socket.loop;
        this.inbox = new MessageInbox(socket, maxBufferedBytes);
        LoopThreads.runAndWait(loop, inbox::attach);
    }

    /**
     * A blocking view of {@code socket} with the default bound. May be called on any thread.
     *
     * <p>A socket that has already ended or closed gives a view that answers at once, as Node's
     * async iterator does for a finished stream (decisions D56): after {@code 'end'} the
     * iteration ends at once (reads return null); a socket destroyed with an error throws that
     * error on every read; one destroyed without an error before its end throws
     * {@code ERR_STREAM_PREMATURE_CLOSE}.
     *
     * @param socket the socket to read and write through
     * @return the blocking view
     */
    public static BlockingSocket of(USocket socket) {
        return of(socket, DEFAULT_MAX_BUFFERED_BYTES);
    }

    /**
     * A blocking view of {@code socket} that lets at most about {@code maxBufferedBytes} received
     * bytes wait for the reader before pausing the socket. May be called on any thread.
     *
     * @param socket the socket to read and write through
     * @param maxBufferedBytes the bound of received bytes not yet read, at least 1
     * @return the blocking view
     * @throws InvalidArgumentException {@code ERR_OUT_OF_RANGE} when the bound is below 1
     */
    public static BlockingSocket of(USocket socket, int maxBufferedBytes) {
        if (socket == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"socket\" argument must be a USocket. Received null");
        if (maxBufferedBytes < 1) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE", "The value of \"maxBufferedBytes\" is out of range. It must be >= 1. Received " + maxBufferedBytes);
        }
        return new BlockingSocket(socket, maxBufferedBytes);
    }

    /**
     * Connects a new socket on {@code loop} to {@code path} and returns its blocking view once
     * connected. Node equivalent: {@code await events.once(net.connect(path), 'connect')}.
     *
     * @param loop the loop the new socket runs on
     * @param path the path of the unix socket to connect to
     * @return the blocking view of the connected socket
     * @throws USocketException the connect error ({@code ENOENT}, {@code ECONNREFUSED}, ...)
     */
    public static BlockingSocket connect(EventLoop loop, String path) {
        LoopThreads.checkMayBlock(loop, "BlockingSocket.connect");
        USocket socket = new USocket(loop);
        BlockingSocket view = of(socket);   // before connecting: nothing received can slip past it
        try {
            LoopThreads.await(loop, Promises.connect(socket, path), "connect");
        } catch (RuntimeException e) {
            view.close(); // interrupted or failed: the socket is nobody's, so close it here
            throw e;
        }
        return view;
    }

    /**
     * The socket behind this view, for its events, state and non-blocking methods.
     *
     * @return the socket
     */
    public USocket socket() {
        return socket;
    }

    // ---- reading ----

    /**
     * The next message (bytes and the fds that came with them), waiting for it; null at the end.
     * Node equivalent: one step of {@code for await (const chunk of socket)}.
     *
     * @return the next message, or null once the peer has ended
     * @throws USocketException the socket's error, or {@code ERR_STREAM_PREMATURE_CLOSE}
     */
    public Message read() {
        LoopThreads.checkMayBlock(loop, "BlockingSocket.read");
        try {
            return inbox.take(-1, "BlockingSocket.read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new USocketException("ABORT_ERR", "The operation was aborted: BlockingSocket.read was interrupted", e);
        } catch (TimeoutException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /**
     * {@link #read()} waiting at most {@code timeout}: the next message, null at the end, or
     * {@link TimeoutException} if nothing came in time, as {@code Future.get(timeout, unit)};
     * the socket is then still open and a later read goes on where this one stopped. Node
     * equivalent: one step of the async iterator raced against {@code AbortSignal.timeout(ms)}.
     *
     * @param timeout the most to wait; zero or negative takes only what is already there
     * @return the next message, or null once the peer has ended
     * @throws TimeoutException nothing arrived within {@code timeout}
     * @throws USocketException the socket's error, {@code ERR_STREAM_PREMATURE_CLOSE},
     *                          {@code ERR_LOOP_CLOSED} / {@code ERR_LOOP_STOPPED} (decisions D55),
     *                          or {@code ABORT_ERR} on interrupt
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} for a null timeout
     */
    public Message read(Duration timeout) throws TimeoutException {
        if (timeout == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"timeout\" argument must be a Duration. Received null");
        LoopThreads.checkMayBlock(loop, "BlockingSocket.read");
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        try {
            return inbox.take(nanos, "BlockingSocket.read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new USocketException("ABORT_ERR", "The operation was aborted: BlockingSocket.read was interrupted", e);
        }
    }

    /**
     * The messages until the end, each waited for in {@code hasNext()}, which throws the socket's
     * error. Iterators share one stream: a second one goes on where the first stopped. Leaving a
     * loop early does not close the socket (Java has no iterator return()): use try-with-resources.
     */
    @Override
    public Iterator<Message> iterator() {
        return new Iterator<>() {
            private Message next;

            @Override
            public boolean hasNext() {
                if (next == null) next = read();
                return next != null;
            }

            @Override
            public Message next() {
                if (!hasNext()) throw new NoSuchElementException("the socket has ended");
                Message m = next;
                next = null;
                return m;
            }
        };
    }

    /**
     * Received bytes waiting for {@link #read()} (not counting those still in the socket).
     *
     * @return how many bytes are buffered
     */
    public int bufferedBytes() {
        return inbox.bytes();
    }

    // ---- writing ----

    /**
     * Writes {@code data} and returns once it is handed to the kernel (the write's callback).
     * Node equivalent: {@code await promisify(socket.write).call(socket, data)}.
     *
     * @param data the bytes to write
     * @throws USocketException the write's error ({@code EPIPE}, {@code ECONNRESET}, write after end, ...)
     */
    public void write(byte[] data) {
        LoopThreads.checkMayBlock(loop, "BlockingSocket.write");
        await(Promises.write(socket, data), "write");
    }

    /**
     * {@link #write(byte[])} of UTF-8 text.
     *
     * @param data the text to write
     */
    public void write(String data) {
        LoopThreads.checkMayBlock(loop, "BlockingSocket.write");
        await(Promises.write(socket, data), "write");
    }

    /**
     * {@link #write(byte[])} of bytes with fds; when it returns the fds are in the kernel and yours to close.
     *
     * @param msg the bytes and fds to write
     */
    public void write(Message msg) {
        LoopThreads.checkMayBlock(loop, "BlockingSocket.write");
        await(Promises.write(socket, msg), "write");
    }

    /**
     * Ends the writable side and returns at {@code 'finish'} (everything written is in the
     * kernel). Reading goes on until the peer ends. Node: {@code await promisify(socket.end).call(socket)}.
     */
    public void end() {
        LoopThreads.checkMayBlock(loop, "BlockingSocket.end");
        await(Promises.end(socket), "end");
    }

    // ---- closing ----

    /**
     * Destroys the socket (Node's {@code socket.destroy()}) and drops what was received and not
     * read, closing its fds; returns once the socket's descriptor is closed. Safe from any
     * thread, the loop's included (there it does not wait); a reader blocked in {@link #read()}
     * gets null. Never throws.
     */
    @Override
    public void close() {
        inbox.close();
        socket.close();
    }

    private void await(CompletableFuture<Void> f, String what) {
        LoopThreads.await(loop, f, what);
    }
}
