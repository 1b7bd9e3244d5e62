package io.usocket;

import io.usocket.internal.stream.StringDecoder;
import io.usocket.internal.stream.WriteRequest;
import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.MsgIo;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixSockets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The writable side of a {@link USocket}: Node's {@code Writable} state machine (high-water
 * mark, {@code 'drain'}, cork, end → {@code 'prefinish'} → shutdown → {@code 'finish'}) over a
 * queue of writes that one sendmsg at a time hands to the kernel.
 *
 * <p>Queued writes are coalesced into one sendmsg (native T8), except that a write with
 * fds always starts a message of its own, so its fds travel with its first bytes (decisions D10).
 * Fd-only writes wait at the tail of the queue for the next bytes written.
 */
final class SocketWriter {
    /** Writes at least this large, without fds, go to the kernel from their own array. */
    private static final int DIRECT_SEND_MIN = 32 * 1024;

    private final USocket socket;
    // Small to start with: most sockets have a write or two in flight at most, and idle ones many.
    private final ArrayDeque<WriteRequest> queue = new ArrayDeque<>(2);
    private List<Consumer<Throwable>> finishCallbacks;
    int highWaterMark = 16 * 1024;
    /** Bytes accepted by write() and not yet handed to the kernel (Node's writableLength). */
    long length;
    long bytesWritten;
    boolean needDrain;
    int corked;
    /** end() was called (Node's writableEnded / ending). */
    boolean ending;
    boolean prefinished;
    boolean finished;
    /** The kernel's send buffer is full: waiting for EPOLLOUT. */
    boolean blocked;
    /** Inside a user's write()/end(): completions are then reported on the next tick (Node's state.sync). */
    private boolean sync;

    SocketWriter(USocket socket) {
        this.socket = socket;
    }

    boolean writable() {
        return !ending && !socket.destroyed;
    }

    boolean wantsWritable() {
        return blocked;
    }

    /** Node's {@code writable.write(chunk, cb)} with usocket's fds; arguments are already checked. */
    boolean write(byte[] data, int[] fds, Consumer<Throwable> cb, boolean fdsUnchecked) {
        if (socket.destroyed) {
            USocketException err = new USocketException("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
            if (cb != null) socket.loop.nextTick(() -> cb.accept(err));
            return false;
        }
        if (ending) {
            USocketException err = new USocketException("ERR_STREAM_WRITE_AFTER_END", "write after end");
            if (cb != null) socket.loop.nextTick(() -> cb.accept(err));
            socket.destroy(err);
            return false;
        }
        WriteRequest req = new WriteRequest(data, fds, cb);
        req.fdsUnchecked = fdsUnchecked;
        if (req.hasBytes()) mergeWaitingFds(req);
        queue.add(req);
        length += data.length;
        if (socket.connected && corked == 0) {
            sync = true;
            try {
                flush();
            } finally {
                sync = false;
            }
        }
        // Node 20 measures after the write attempt (bytes the kernel took at once don't count) and
        // returns false once the write errored the socket (node-semantics N12: node 20 returns true for a 16 KiB or 100 kB write the kernel takes at once).
        boolean ok = length < highWaterMark;
        if (!ok) needDrain = true;
        return ok && !socket.destroyed;
    }

    /**
     * Checks a write's fds at once (decisions D11, D12): each must be open, and the data must have a
     * byte for every message the fds need, counting fd-only writes the data will carry.
     */
    void checkFds(byte[] data, int[] fds) {
        checkFdNumbers(fds);
        for (int fd : fds) {
            if (!UnixSockets.isOpen(fd)) throw invalidFd(fd);
        }
        int total = fds.length + (data.length > 0 ? waitingFdCount() : 0);
        int messages = (total + Sys.SCM_MAX_FD - 1) / Sys.SCM_MAX_FD;
        if (messages > 1 && data.length < messages) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE", "Sending " + total + " fds needs at least "
                    + messages + " bytes of data (" + Sys.SCM_MAX_FD + " fds per message). Received " + data.length);
        }
    }

    /** The check that needs no syscall: fd numbers are never negative. */
    static void checkFdNumbers(int[] fds) {
        for (int fd : fds) if (fd < 0) throw invalidFd(fd);
    }

    private static InvalidArgumentException invalidFd(int fd) {
        return new InvalidArgumentException("ERR_INVALID_FD", "The \"fds\" argument must hold open file descriptors. Received " + fd);
    }

    /** Whether a write of these fds would go to sendmsg right away, in one message, on its own. */
    boolean sendsAtOnce(byte[] data, int[] fds) {
        return socket.connected && !socket.destroyed && !ending && corked == 0 && !blocked && queue.isEmpty()
                && data.length > 0 && fds.length <= Sys.SCM_MAX_FD;
    }

    static InvalidArgumentException nullChunk() {
        return new InvalidArgumentException("ERR_STREAM_NULL_VALUES", "May not write null values to stream");
    }

    /** A string chunk's bytes in a Node encoding (utf8 when null). */
    static byte[] encode(String data, String encoding) {
        if (data == null) throw nullChunk();
        if (encoding == null || "utf8".equalsIgnoreCase(encoding)) return data.getBytes(StandardCharsets.UTF_8);
        return StringDecoder.encode(data, encoding);
    }

    /** Fd-only writes waiting at the tail ride on {@code req}'s first bytes, ahead of its own fds. */
    private void mergeWaitingFds(WriteRequest req) {
        List<WriteRequest> waiting = null;
        while (!queue.isEmpty() && queue.peekLast().fdOnly()) {
            if (waiting == null) waiting = new ArrayList<>();
            waiting.add(0, queue.pollLast());
        }
        if (waiting != null) req.absorb(waiting);
    }

    /** Number of fds that fd-only writes have left waiting for bytes. */
    int waitingFdCount() {
        int n = 0;
        // Fd-only writes only ever wait at the tail: stop at the first write with bytes.
        for (var it = queue.descendingIterator(); it.hasNext(); ) {
            WriteRequest r = it.next();
            if (!r.fdOnly()) break;
            n += r.fds.length;
        }
        return n;
    }

    void cork() {
        corked++;
    }

    void uncork() {
        if (corked == 0) return;
        if (--corked == 0 && socket.connected) flushFromUser();
    }

    /** Node's {@code writable.end(cb)} after any final chunk was written. */
    void end(Consumer<Throwable> cb) {
        if (cb != null) {
            if (finished) socket.loop.nextTick(() -> cb.accept(null));
            else if (socket.destroyed) {
                socket.loop.nextTick(() -> cb.accept(new USocketException("ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed")));
            } else {
                if (finishCallbacks == null) finishCallbacks = new ArrayList<>(1);
                finishCallbacks.add(cb);
            }
        }
        if (ending || socket.destroyed) return;
        ending = true;
        corked = 0;
        if (failWaitingFds()) return;
        if (socket.connected) flushFromUser();
    }

    /** Fd-only writes that no bytes will ever carry fail with ERR_FDS_WITHOUT_DATA (decisions D10). */
    private boolean failWaitingFds() {
        if (queue.isEmpty() || !queue.peekLast().fdOnly()) return false;
        USocketException err = new USocketException("ERR_FDS_WITHOUT_DATA",
                "The socket ended while fds written without data were waiting for bytes to carry them");
        List<WriteRequest> failed = new ArrayList<>();
        while (!queue.isEmpty() && queue.peekLast().fdOnly()) failed.add(0, queue.pollLast());
        socket.loop.nextTick(() -> {
            for (WriteRequest r : failed) r.complete(err);
        });
        socket.destroy(err);
        return true;
    }

    private void flushFromUser() {
        sync = true;
        try {
            flush();
        } finally {
            sync = false;
        }
    }

    /** The socket became writable (connected, or EPOLLOUT after EAGAIN). */
    void onWritable() {
        blocked = false;
        if (corked == 0) flush();
    }

    /** Hands queued bytes to the kernel until it pushes back, then reports what completed. */
    void flush() {
        if (blocked || socket.destroyed) return;
        List<WriteRequest> done = null;
        MsgIo io = socket.loop.msgIo();
        while (!queue.isEmpty()) {
            WriteRequest head = queue.peek();
            if (head.fdOnly()) break;
            if (!head.hasBytes()) {
                queue.poll();
                done = add(done, head);
                continue;
            }
            int fdCount = Math.min(Sys.SCM_MAX_FD, head.fdsLeft());
            int total;
            long n;
            if (fdCount == 0 && head.remaining() >= DIRECT_SEND_MIN) {
                // A large write alone is sent from its own array: staging it would only add a copy.
                total = head.remaining();
                n = io.sendDirect(socket.fd, head.data, head.offset, total);
            } else {
                // More fds than one message holds: this message carries one byte and SCM_MAX_FD fds (decisions D11).
                int limit = head.fdsLeft() > Sys.SCM_MAX_FD ? 1 : MsgIo.SEND_SIZE;
                total = stage(io.sendBuffer(), head, limit);
                n = io.send(socket.fd, total, head.fds, head.fdsSent, fdCount);
            }
            if (n < 0) {
                int errno = (int) -n;
                if (errno == Errno.EINTR) continue;
                // Still inside the user's write(): its unchecked fds are checked now, before they
                // wait in the queue (EAGAIN) or take the socket down (EBADF).
                if (head.fdsUnchecked && (errno == Errno.EAGAIN || errno == Errno.EBADF)) refuseUncheckedFds(head);
                if (errno == Errno.EAGAIN) {
                    blocked = true;
                    break;
                }
                fail(errno, done);
                return;
            }
            head.fdsUnchecked = false;
            // Whatever part of the message left, its fds left with it (native T6).
            head.fdsSent += fdCount;
            bytesWritten += n;
            length -= n;
            socket.touch();
            done = consume(n, done);
            if (n < total) {
                blocked = true;
                break;
            }
        }
        socket.updateInterest();
        if (done != null || needDrain || ending) report(done);
    }

    /**
     * The first sendmsg of a write whose fds were not checked did not send it (EBADF or EAGAIN):
     * if one of its fds is bad, the write is taken back and refused with ERR_INVALID_FD, thrown
     * from the user's write() (nothing was sent: the kernel checks every fd before sending a
     * byte). Otherwise the write stays at the head of the queue, checked.
     */
    private void refuseUncheckedFds(WriteRequest head) {
        head.fdsUnchecked = false;
        queue.poll();
        length -= head.remaining();
        checkFds(head.data, head.fds);
        queue.addFirst(head);
        length += head.remaining();
    }

    /** Copies the bytes of one sendmsg: from {@code head}, then following writes without fds. */
    private int stage(ByteBuffer buf, WriteRequest head, int limit) {
        buf.clear();
        int total = 0;
        for (WriteRequest r : queue) {
            if (r != head && (r.fdsLeft() > 0 || r.fdOnly())) break;
            int k = Math.min(r.remaining(), limit - total);
            buf.put(r.data, r.offset, k);
            total += k;
            if (total == limit) break;
        }
        return total;
    }

    private List<WriteRequest> consume(long n, List<WriteRequest> done) {
        while (n > 0) {
            WriteRequest r = queue.peek();
            int k = (int) Math.min(n, r.remaining());
            r.offset += k;
            n -= k;
            if (r.remaining() == 0 && r.fdsLeft() == 0) {
                queue.poll();
                done = add(done, r);
            }
        }
        return done;
    }

    private static List<WriteRequest> add(List<WriteRequest> list, WriteRequest r) {
        if (list == null) list = new ArrayList<>(4);
        list.add(r);
        return list;
    }

    private void report(List<WriteRequest> done) {
        if (sync) socket.loop.nextTick(() -> afterWrite(done));
        else afterWrite(done);
    }

    /** Node's afterWrite: {@code 'drain'} (not once ending), then the callbacks in order, then maybe the end of the writable side. */
    private void afterWrite(List<WriteRequest> done) {
        if (needDrain && length == 0 && !socket.destroyed) {
            needDrain = false;
            if (!ending) socket.emit("drain");
        }
        if (done != null) for (WriteRequest r : done) r.complete(null);
        if (socket.destroyed) return;
        finishMaybe();
    }

    private void finishMaybe() {
        if (!ending || finished || prefinished || !queue.isEmpty() || socket.destroyed || !socket.connected) return;
        prefinished = true;
        socket.emit("prefinish");
        if (socket.destroyed) return;
        LibC.INSTANCE.shutdown(socket.fd, Sys.SHUT_WR);
        socket.loop.nextTick(() -> {
            if (socket.destroyed) return;
            finished = true;
            List<Consumer<Throwable>> callbacks = finishCallbacks;
            finishCallbacks = null;
            if (callbacks != null) for (Consumer<Throwable> cb : callbacks) cb.accept(null);
            socket.emit("finish");
            socket.onWritableFinished();
        });
    }

    /** A send failed: the write's callback, then {@code 'error'} and destroy (Node's write-error rule). */
    private void fail(int errno, List<WriteRequest> done) {
        USocketException err = USocketException.system(errno, "write", null);
        WriteRequest failed = queue.poll();
        List<WriteRequest> completed = done;
        socket.loop.nextTick(() -> {
            if (completed != null) for (WriteRequest r : completed) r.complete(null);
            failed.complete(err);
        });
        socket.destroy(err);
    }

    /**
     * The socket is destroyed: every write not yet done fails, after {@code 'close'} (Node). The
     * fds of those writes stay the caller's (decisions D14).
     */
    void abort(boolean wasConnecting, Throwable cause) {
        if (queue.isEmpty() && finishCallbacks == null) return;
        // Node: writes queued while connecting get ERR_SOCKET_CLOSED_BEFORE_CONNECTION; otherwise
        // pending writes and end callbacks get the destroy error, or ERR_STREAM_DESTROYED without one.
        Throwable err = wasConnecting
                ? new USocketException("ERR_SOCKET_CLOSED_BEFORE_CONNECTION", "Socket closed before the connection was established")
                : cause != null ? cause : new USocketException("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
        Throwable endErr = cause != null ? cause : new USocketException("ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed");
        List<WriteRequest> pending = new ArrayList<>(queue);
        List<Consumer<Throwable>> ends = finishCallbacks == null ? List.of() : finishCallbacks;
        queue.clear();
        finishCallbacks = null;
        length = 0;
        socket.loop.nextTick(() -> {
            for (WriteRequest r : pending) r.complete(err);
            for (Consumer<Throwable> cb : ends) cb.accept(endErr);
        });
    }
}
