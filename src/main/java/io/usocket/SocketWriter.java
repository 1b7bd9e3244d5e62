package io.usocket;

import io.usocket.internal.stream.WriteRequest;
import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.MsgIo;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixSockets;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The write side of a socket's handle: libuv's write queue ({@code uv_write_t}) and shutdown
 * request ({@code uv_shutdown_t}) for one unix stream socket (libuv {@code src/unix/stream.c}).
 * It knows nothing of Node's stream state: {@link USocket}'s {@code Writable} hands it one
 * request at a time ({@code _write}/{@code _writev}) and gets one completion back.
 *
 * <p>{@link #write} first tries to send everything at once (Node's {@code uv_try_write}): when
 * the kernel takes it all, the request completes synchronously. Otherwise the rest waits for
 * EPOLLOUT and the completion runs from the poll phase, as libuv's {@code uv__stream_io} does.
 * A shutdown with nothing queued is fed to the loop's pending queue (libuv's uv_shutdown +
 * {@code uv__io_feed}); otherwise it waits for the queue to drain on EPOLLOUT
 * ({@code uv__drain}). Either way {@code 'prefinish'}/{@code 'finish'} come after the
 * callback that called {@code end()}, as in Node.
 *
 * <p>Writes are coalesced into one sendmsg (native T8), except that a write with fds always
 * starts a message of its own, so its fds travel with its first bytes (decisions D10). More than
 * 253 fds are split over messages of one byte each (decisions D11); a message with fds always
 * carries at least one byte, since Linux drops fds sent with none.
 *
 * <p>Thread rule (decisions D20): loop thread only.
 */
final class SocketWriter {
    /** Writes at least this large, without fds, go to the kernel from their own array. */
    private static final int DIRECT_SEND_MIN = 32 * 1024;
    static final int DONE = 0;
    static final int PENDING = 1;

    private final USocket socket;
    // Small: most sockets have a write or two in flight at most. An idle connection holds none,
    // since the whole SocketWriter is made by its first write or end() (decisions D74).
    private final ArrayDeque<WriteRequest> queue = new ArrayDeque<>(2);
    /** The completion of the request in the queue (the Writable's onwrite). */
    private Consumer<Throwable> writeCb;
    /** Bytes handed to this handle (Node's {@code _bytesDispatched}). */
    long dispatched;
    /** The kernel's send buffer is full: waiting for EPOLLOUT. */
    boolean blocked;
    private Runnable shutdownCb;
    /** libuv's UV_HANDLE_SHUT: shutdown(SHUT_WR) was done on this connection. */
    boolean shut;
    /** A throw from the user's write(): set while its first sendmsg may refuse unchecked fds. */
    private boolean userCall;
    /**
     * net.js's {@code kLastWriteQueueSize}, kept beside the queue it describes: the bytes of a
     * write the kernel did not take at once, then the queue size the idle timeout last saw; 0
     * once that write completed ({@link IdleTimeout}).
     */
    private long lastWriteQueueSize;

    SocketWriter(USocket socket) {
        this.socket = socket;
    }

    /** Whether the handle waits for EPOLLOUT: a write to finish or a shutdown to run. */
    boolean wantsWritable() {
        return blocked || (shutdownCb != null && !queue.isEmpty());
    }

    /** Whether a request is in the queue (libuv: an active write request). */
    boolean busy() {
        return !queue.isEmpty();
    }

    /**
     * libuv's {@code uv_write} after Node's {@code uv_try_write}: {@link #DONE} when the kernel
     * took all of it now ({@code cb} is not called), {@link #PENDING} when {@code cb} will run
     * from the poll phase, or a negative errno when the send failed at once ({@code cb} is not
     * called). Throws {@code ERR_INVALID_FD} (nothing sent) when an unchecked fd is bad.
     */
    int write(WriteRequest req, List<WriteRequest> reqs, Consumer<Throwable> cb) {
        // libuv's uv__check_before_write: uv_shutdown took UV_HANDLE_WRITABLE away, so a handle
        // shut or shutting refuses the write with EPIPE and sends nothing. Only a write that
        // Node's stream let through after the end reaches here: initSocketHandle forgets an
        // end() given before connect(), while its deferred _final still shuts the socket down (N47).
        if (shut || shutdownCb != null) return -Errno.EPIPE;
        long bytes = 0;
        if (reqs != null) {
            for (WriteRequest r : reqs) {
                queue.add(r);
                bytes += r.remaining();
            }
        } else {
            queue.add(req);
            bytes = req.remaining();
        }
        dispatched += bytes;
        userCall = true;
        int status;
        try {
            status = flush();
        } catch (RuntimeException refused) {
            queue.clear();
            if (req != null) dispatched -= req.data.length;
            throw refused;
        } finally {
            userCall = false;
        }
        if (status == PENDING) {
            writeCb = cb;
            lastWriteQueueSize = bytes; // net.js _writeGeneric: req.async, so kLastWriteQueueSize = req.bytes
            socket.updateInterest();
        } else {
            if (status < 0) {
                // A write the kernel refused at once is left out of bytesWritten, as node 20
                // leaves out a string of up to 16 KiB (StreamBase::WriteString counts only what its
                // own try-write sent). Node counts a refused Buffer all the same (StreamBase::Write
                // counts before trying): a difference left open (differential seed 37500).
                dispatched -= queuedBytes();
            }
            queue.clear();
        }
        return status;
    }

    /**
     * net.js {@code _onTimeout}'s test: whether the write the kernel did not take at once has moved
     * since the idle timeout last looked (libuv's {@code write_queue_size} changed); it then
     * remembers the size it saw. False when no such write is under way.
     */
    boolean movedSinceLastLook() {
        if (lastWriteQueueSize <= 0) return false;
        long size = queuedBytes();
        if (size == lastWriteQueueSize) return false;
        lastWriteQueueSize = size;
        return true;
    }

    /** libuv's {@code write_queue_size}: the bytes of the queued requests not yet sent. */
    private long queuedBytes() {
        long n = 0;
        for (WriteRequest r : queue) n += r.remaining();
        return n;
    }

    /** libuv's {@code uv_shutdown}: {@code cb} runs once the write queue is empty (see the class comment). */
    void shutdown(Runnable cb) {
        // libuv's uv_shutdown gives UV_ENOTCONN when the handle is shut or shutting, and net.js's
        // _final then calls its callback at once: a second end() finishes synchronously.
        if (shut || shutdownCb != null) {
            cb.run();
            return;
        }
        shutdownCb = cb;
        // libuv's uv_shutdown: with nothing queued it is fed to the pending queue (uv__io_feed),
        // so it completes after this turn's poll; otherwise after the queue drains on EPOLLOUT.
        if (queue.isEmpty()) socket.loop.pending(this::drain);
        else socket.updateInterest();
    }

    /** The pending-queue run of libuv's uv__stream_io for a fed shutdown: uv__drain. */
    private void drain() {
        if (shutdownCb != null && queue.isEmpty() && !socket.destroyed && socket.fd >= 0) {
            Runnable cb = shutdownCb;
            shutdownCb = null;
            LibC.INSTANCE.shutdown(socket.fd, Sys.SHUT_WR);
            shut = true;
            cb.run();
            socket.updateInterest();
        }
    }

    /** EPOLLOUT (or HUP/ERR): libuv's {@code uv__write} + {@code uv__write_callbacks} + {@code uv__drain}. */
    void onWritable() {
        blocked = false;
        if (!queue.isEmpty()) {
            int status = flush();
            if (status == PENDING) return;
            Consumer<Throwable> cb = writeCb;
            writeCb = null;
            queue.clear();
            if (status == DONE) {
                // Node's onWriteComplete: the idle timeout starts over (kUpdateTimer) and the
                // write no longer counts as under way (kAfterAsyncWrite), before the callback.
                socket.touch();
                lastWriteQueueSize = 0;
            }
            if (cb != null) cb.accept(status == DONE ? null : USocketException.system(-status, "write", null));
            // Node runs the completion through MakeCallback, which drains the nextTick queue on
            // return: what it scheduled (a synchronous next write's callback) runs before
            // uv__drain shuts the socket down in this same callback ('prefinish').
            socket.loop.drainTicks();
            if (socket.destroyed) return;
        }
        // Node's afterShutdown ignores the status: ENOTCONN after the peer left is no error here.
        if (queue.isEmpty()) drain();
    }

    /**
     * The handle closed: the request still in the queue, if any, is returned (its callback runs
     * from the closing phase); a pending shutdown is dropped (Node ignores its ECANCELED).
     */
    Consumer<Throwable> close() {
        Consumer<Throwable> cb = writeCb;
        writeCb = null;
        queue.clear();
        shutdownCb = null;
        blocked = false;
        return cb;
    }

    /** Hands queued bytes to the kernel until it pushes back: DONE, PENDING or a negative errno. */
    private int flush() {
        MsgIo io = socket.loop.msgIo();
        while (!queue.isEmpty()) {
            WriteRequest head = queue.peek();
            if (head.remaining() == 0 && head.fdsLeft() == 0) {
                queue.poll();
                continue;
            }
            if (head.remaining() == 0) {
                // Fds with no byte left to carry them: Linux would drop them (native T6). The
                // split below never lets this happen; refuse rather than lose them silently.
                return -Errno.EINVAL;
            }
            int fdCount = Math.min(Sys.SCM_MAX_FD, head.fdsLeft());
            int total;
            long n;
            if (fdCount == 0 && head.remaining() >= DIRECT_SEND_MIN) {
                // A large write alone is sent from its own array: staging it would only add a copy.
                total = head.remaining();
                n = io.sendDirect(socket.fd, head.data, head.offset, total);
            } else {
                // More fds than one message holds: this message carries one byte and SCM_MAX_FD
                // fds (decisions D11), keeping a byte for each message still to come.
                int limit = head.fdsLeft() > Sys.SCM_MAX_FD ? 1 : MsgIo.SEND_SIZE;
                total = stage(io.sendBuffer(), head, limit);
                n = io.send(socket.fd, total, head.fds, head.fdsSent, fdCount);
            }
            if (n < 0) {
                int errno = (int) -n;
                if (errno == Errno.EINTR) continue;
                // Still inside the user's write(): its unchecked fds are checked now, before they
                // wait in the queue (EAGAIN) or take the socket down (EBADF).
                if (head.fdsUnchecked && userCall && (errno == Errno.EAGAIN || errno == Errno.EBADF)) {
                    head.fdsUnchecked = false;
                    USocket.checkOpenFds(head.fds);
                }
                head.fdsUnchecked = false;
                if (errno == Errno.EAGAIN) {
                    blocked = true;
                    return PENDING;
                }
                return -errno;
            }
            head.fdsUnchecked = false;
            if (n == 0 && total > 0) {
                blocked = true;
                return PENDING;
            }
            // Whatever part of the message left, its fds left with it (native T6).
            head.fdsSent += fdCount;
            consume(n);
            if (n < total) {
                blocked = true;
                return PENDING;
            }
        }
        return DONE;
    }

    /** Copies the bytes of one sendmsg: from {@code head}, then following writes without fds. */
    private int stage(ByteBuffer buf, WriteRequest head, int limit) {
        buf.clear();
        int total = 0;
        for (WriteRequest r : queue) {
            if (r != head && r.fdsLeft() > 0) break;
            int k = Math.min(r.remaining(), limit - total);
            buf.put(r.data, r.offset, k);
            total += k;
            if (total == limit) break;
        }
        return total;
    }

    private void consume(long n) {
        while (n > 0) {
            WriteRequest r = queue.peek();
            int k = (int) Math.min(n, r.remaining());
            r.offset += k;
            n -= k;
            if (r.remaining() == 0 && r.fdsLeft() == 0) queue.poll();
            else if (r.remaining() == 0) break;
        }
    }
}
