package io.usocket;

import io.usocket.internal.stream.WriteRequest;
import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.UnixAddress;
import io.usocket.internal.sys.UnixSockets;

import java.util.List;

/**
 * The connect state of a {@link USocket}: opening the fd, a non-blocking connect whose outcome
 * epoll reports (EPOLLOUT, then SO_ERROR), a short backoff while the listener's backlog is full,
 * and the error that destroys the socket when connecting fails (from the poll callback that
 * reports it, or, for a connect() that failed at once, from libuv's pending queue).
 *
 * <p>Thread rule (decisions D20): loop thread only.
 */
final class SocketConnector {
    private static final int MAX_RETRY_MS = 100;

    private final USocket socket;
    private int retryMs;
    /**
     * A connect is under way and its outcome comes with EPOLLOUT. False while a retry waits: an
     * unconnected socket polls writable too, and must not be taken for connected.
     */
    private boolean awaitingPoll;
    /** libuv's {@code handle->delayed_error}: the error a connect reports from the pending phase; a later connect() replaces it. */
    private USocketException delayedError;
    private boolean failQueued;
    /** The backoff timer of a full backlog: a second connect() takes over from it. */
    private Timer retry;
    /**
     * The write held while connecting (one request, or a writev's): Node's {@code _pendingData}.
     * As in Node, only the next write to the handle clears it, so a failed connect leaves it
     * counted in the socket's bytesWritten (node-semantics N48).
     */
    List<WriteRequest> pendingData;

    SocketConnector(USocket socket) {
        this.socket = socket;
    }

    /** The bytes of {@link #pendingData}. */
    long pendingLength() {
        long n = 0;
        List<WriteRequest> held = pendingData;
        if (held != null) for (WriteRequest r : held) n += r.length();
        return n;
    }

    /** Loop thread: opens the socket if needed and starts connecting to {@code socket.path()}. */
    void start() {
        if (socket.destroyed) return;
        // A second connect() (decisions D58) replaces the first as libuv's does: its error, if any, is the one reported.
        delayedError = null;
        if (retry != null) {
            retry.clear();
            retry = null;
        }
        UnixAddress addr = UnixAddress.of(socket.path());
        if (addr == null) {
            fail(Errno.EINVAL);
            return;
        }
        if (socket.fd < 0) {
            int fd = UnixSockets.open();
            if (fd < 0) {
                fail(-fd);
                return;
            }
            socket.attach(fd);
        }

        int errno = UnixSockets.connect(socket.fd, addr);
        awaitingPoll = errno == 0 || errno == Errno.EINPROGRESS;
        if (awaitingPoll) {
            // Even a connect that completed at once is reported from the poll (EPOLLOUT), as libuv
            // does: a server on this loop then accepts it ('connection') before 'connect' comes.
            socket.updateInterest();
        } else if (errno == Errno.EAGAIN) {
            // The listener's backlog is full: retry shortly rather than fail the way a bare connect would.
            retryMs = Math.min(MAX_RETRY_MS, Math.max(1, retryMs * 2));
            retry = socket.loop.setTimeout(() -> {
                retry = null;
                start();
            }, retryMs);
        } else {
            fail(errno);
        }
    }

    /** EPOLLOUT while connecting: the connect finished, one way or the other (libuv's uv__stream_connect). */
    void onWritable(int ops) {
        if (!awaitingPoll) return;
        awaitingPoll = false;
        // libuv's uv__stream_connect asks SO_ERROR even after an immediate connect: a server
        // that closed (even later in this poll batch) with us in its backlog resets us
        // (ECONNRESET, never 'connect').
        int errno = UnixSockets.pendingError(socket.fd);
        // Either way from this poll callback, as uv__stream_connect calls the connect request's
        // callback at once: only a failure inside connect() itself goes through the pending queue.
        if (errno != 0) socket.destroy(USocketException.system(errno, "connect", socket.path()));
        else socket.onConnect();
    }

    /** Whether the socket should watch for EPOLLOUT now. */
    boolean awaitingPoll() {
        return awaitingPoll;
    }

    /** libuv reports a failed connect from the pending phase (uv__io_feed), never inside connect(). */
    private void fail(int errno) {
        delayedError = USocketException.system(errno, "connect", socket.path());
        if (failQueued) return; // libuv's uv__io_feed queues the handle once: one callback, with the latest error
        failQueued = true;
        socket.loop.pending(() -> {
            failQueued = false;
            USocketException err = delayedError;
            delayedError = null;
            if (err != null) socket.destroy(err);
        });
    }
}
