package io.usocket;

import io.usocket.internal.stream.ChunkQueue;
import io.usocket.internal.stream.FdQueue;
import io.usocket.internal.stream.Readable;
import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.MsgIo;

/**
 * The read side of a {@link USocket}'s glue: net.js's read half ({@code _read},
 * {@code tryReadStart}, {@code onStreamRead} of {@code stream_base_commons.js}, the handle's
 * reading state) between the kernel (recvmsg on the socket's fd) and Node's {@link Readable}
 * state machine, plus usocket's fd queue and {@code read(size, count)} (decisions D7, D8, D9,
 * D14, D15, D24, D25).
 *
 * <p>Reading follows net.js: the Readable's {@code _read} starts the handle reading (libuv's
 * {@code uv_read_start}: epoll interest in EPOLLIN); a push the Readable refuses (at its
 * high-water mark) stops it ({@code uv_read_stop}), unless a {@code read(size, count)} waits for
 * fds (decisions D15); EOF stops it for good.
 *
 * <p>Thread rule (decisions D20): loop thread only; {@link USocket} hands other threads' calls over.
 */
final class SocketReader {
    private static final int READS_PER_WAKEUP = 32;
    private static final int[] NO_FDS = new int[0];

    private final USocket socket;
    /** Node's ReadableState and its functions, with net.js's hooks. */
    final SocketReadable readable;
    /** The Readable's byte buffer. */
    final ChunkQueue buffer;
    /** Received fds nobody took yet; made when the first arrive (an idle connection holds none: decisions D74). */
    private FdQueue fds;
    /** libuv's UV_HANDLE_READ_PARTIAL: this wakeup's last read was short (the queue looked empty). */
    private boolean readPartial;
    /** A read(size, count) is waiting for fds: keep reading past the high-water mark (decisions D15). */
    boolean waitingForFds;
    /** Received fds nobody took, past which the socket fails with ERR_TOO_MANY_FDS (decisions D24). */
    int maxPendingFds = SocketOptions.DEFAULT_MAX_PENDING_FDS;
    /** Buffered bytes past which reading for a waiting read(size, count) fails with ERR_READ_BUFFER_FULL (decisions D25). */
    long maxPendingBytes = SocketOptions.DEFAULT_MAX_PENDING_BYTES;
    long bytesRead;
    /**
     * net.js's {@code handle.reading}, libuv's reading state ({@code uv_read_start} /
     * {@code uv_read_stop}): started by the Readable's {@code _read}, stopped when a push finds
     * the buffer full, and at EOF. Only a reading stream keeps the loop alive (decisions D21).
     */
    boolean handleReading;
    /** net.js's {@code _read} before the connection: {@code once('connect', () => this._read(n))}. */
    private boolean readOnConnect;
    /**
     * The onread option (Node's kBuffer / kBufferCb, decisions D70), or null: reads land in its
     * buffer and go to its callback, never through the Readable's push, as in Node's onStreamRead.
     */
    private OnReadOption onread;

    SocketReader(USocket socket, int highWaterMark) {
        this.socket = socket;
        this.readable = new SocketReadable(highWaterMark);
        this.buffer = readable.buffer;
    }

    /** Takes the onread option of {@code options}, if it has one (decisions D70). */
    void onread(SocketOptions options) {
        onread = options.onread;
    }

    /** net.js's Socket.pause with kBuffer: the handle stops reading ({@code readStop}). */
    void pauseHandle() {
        if (onread != null && !socket.connecting && socket.fd >= 0) readStop();
    }

    /** net.js's Socket.resume with kBuffer: {@code tryReadStart}. */
    void resumeHandle() {
        if (onread != null && !socket.connecting && socket.fd >= 0 && !handleReading && !readable.ended) tryReadStart();
    }

    /** Whether the socket should ask epoll for input now. */
    boolean wantsRead() {
        return handleReading && !readable.ended;
    }

    boolean readable() {
        return !readable.endEmitted && !socket.destroyed;
    }

    // ---- from the kernel ----

    /**
     * EPOLLIN: a few recvmsg calls while the kernel has more and the reader still wants it. Each
     * message that carries fds ends a recvmsg, so small fd messages would otherwise cost one
     * epoll_wait each.
     */
    void onReadable(boolean hup) {
        readPartial = false;
        for (int i = 0; i < READS_PER_WAKEUP && !socket.destroyed && wantsRead(); i++) {
            if (!readOnce()) break;
        }
        // libuv's uv__stream_io: EPOLLHUP after a short read in this same wakeup is EOF at once,
        // without another read. The peer closed; a read now could give ECONNRESET (it left bytes
        // unread), which node does not see here: its stream gets 'end'.
        if (hup && readPartial && wantsRead() && !socket.destroyed) onEof();
    }

    /** One recvmsg: its fds first (decisions D8), then its bytes, or EOF. False when nothing more is to be had now. */
    private boolean readOnce() {
        MsgIo io = socket.loop.msgIo();
        // A read never asks for more than its destination holds (decisions D71).
        OnReadOption o = onread;
        int max;
        long n;
        if (o != null && o.buffer != null) {
            max = o.buffer.isDirect() ? o.buffer.capacity() : Math.min(o.buffer.capacity(), MsgIo.RECV_SIZE);
            n = io.receive(socket.fd, o.buffer);
        } else {
            max = o != null ? Math.min(o.array.length, MsgIo.RECV_SIZE) : MsgIo.RECV_SIZE;
            n = io.receive(socket.fd, max);
        }
        if (n < 0) {
            int errno = (int) -n;
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) return false;
            socket.destroy(USocketException.system(errno, "read", null));
            return false;
        }
        int[] received = io.receivedFds();
        if (io.truncated()) {
            if (received != null) for (int fd : received) LibC.INSTANCE.close(fd);
            socket.destroy(new USocketException("ERR_FDS_TRUNCATED",
                    "Received file descriptors were lost (MSG_CTRUNC): the process may be out of descriptors"));
            return false;
        }
        if (o != null) return onreadOnce(o, (int) n, received, max);
        byte[] chunk = n > 0 ? io.receivedBytes((int) n) : null;
        if (received != null) receiveFds(received);
        if (socket.destroyed) return false;
        if (chunk == null) {
            onEof();
            return false;
        }
        bytesRead += n;
        socket.touch();
        push(chunk);
        if (waitingForFds && buffer.length() > maxPendingBytes && !socket.destroyed) {
            // Reading past the high-water mark for a waiting read(size, count) is bounded: the
            // peer sends bytes and no fds (decisions D25).
            socket.destroy(new USocketException("ERR_READ_BUFFER_FULL", "More than " + maxPendingBytes
                    + " bytes buffered while read(size, count) waits for fds: the peer sends bytes without the fds"));
            return false;
        }
        // A short read without fds means the kernel's queue is (very likely) empty: skip the EAGAIN call.
        boolean more = received != null || n == max;
        readPartial = !more;
        return more;
    }

    /**
     * Node's onStreamRead with a user buffer (kBuffer): the bytes go to the onread callback,
     * never through push(); its {@code false} stops the handle reading (readStop). Fds are
     * delivered first, as in the default mode (decisions D70); EOF ends the stream as there.
     */
    private boolean onreadOnce(OnReadOption o, int n, int[] received, int max) {
        if (received != null) receiveFds(received);
        if (socket.destroyed) return false;
        if (n == 0) {
            onEof();
            return false;
        }
        if (o.array != null) socket.loop.msgIo().copyReceived(o.array, n);
        bytesRead += n;
        socket.touch();
        boolean go;
        if (o.array != null) {
            go = o.arrayCallback.onRead(n, o.array, socket);
        } else {
            o.buffer.limit(n).position(0); // the bytes as a flipped buffer: get() and channel writes read them
            go = o.bufferCallback.onRead(n, o.buffer, socket);
        }
        if (!go && !socket.destroyed) readStop();
        // The callback's ticks run before the next read, as after a push (node-semantics N40).
        socket.loop.drainTicks();
        boolean more = received != null || n == max;
        readPartial = !more;
        return more && handleReading;
    }

    private void receiveFds(int[] received) {
        if (socket.listenerCount("fds") > 0) {
            socket.emit("fds", (Object) received);
            return;
        }
        fds().addAll(received);
        if (fds.size() > maxPendingFds) {
            // Fds nobody takes would fill the process's fd table (decisions D24): the socket
            // fails, and destroy() closes every queued fd.
            socket.destroy(new USocketException("ERR_TOO_MANY_FDS", "More than " + maxPendingFds
                    + " received fds wait unread (no 'fds' listener, no read(size, count) taking them)"));
            return;
        }
        // A reader waiting for fds is told even above the high-water mark, where Node's
        // emitReadable bookkeeping leaves needReadable false (decisions D15).
        boolean waited = waitingForFds;
        waitingForFds = false;
        if (readable.needReadable || waited) readable.emitReadable();
    }

    /** onStreamRead with bytes: a push the Readable refuses stops the handle reading. */
    private void push(byte[] chunk) {
        if (!readable.push(chunk) && !waitingForFds) readStop();
        // libuv calls node's onStreamRead once per read through MakeCallback, which drains the
        // nextTick queue when it returns: what the push scheduled ('readable', 'data' of a
        // resume, ticks queued by a 'data' listener) runs before the next read (node-semantics N40).
        socket.loop.drainTicks();
    }

    /** onStreamRead at EOF (libuv stops reading there): push(null), then read(0). */
    private void onEof() {
        socket.touch(); // Node's onStreamRead refreshes the timeout for EOF too
        handleReading = false;
        if (readable.endEmitted) return;
        readable.push(null);
        // Received fds nobody took yet hold back 'end' until a read finds the stream empty (decisions D7).
        if (!socket.destroyed && fdCount() == 0) readable.read(0);
        // The end of node's EOF callback: its ticks ('end') run before this wakeup's write side.
        socket.loop.drainTicks();
    }

    /** net.js's tryReadStart: the handle reads (EPOLLIN) from the next poll. */
    private void tryReadStart() {
        handleReading = true;
        socket.updateInterest();
    }

    private void readStop() {
        if (!handleReading) return;
        handleReading = false;
        socket.updateInterest();
    }

    /** net.js's afterConnect: a read asked for while connecting starts now; unless paused, read(0). */
    void afterConnect() {
        if (readOnConnect) {
            readOnConnect = false;
            tryReadStart();
        }
        if (!readable.isPaused()) readable.read(0);
    }

    // ---- usocket's reads ----

    /** usocket's {@code read(size, count)} (decisions D7). */
    Message read(Integer size, Integer count) {
        // As read(n): asking for more than the high-water mark raises it, or reading would stop short.
        if (size != null && size > readable.highWaterMark) readable.highWaterMark = readable.computeNewHighWaterMark(size);
        long length = buffer.length();
        boolean bytesShort = size != null && size > 0 && length < size && !(readable.ended && length > 0);
        boolean fdsShort = count != null && fdCount() < count;
        boolean nothingAtEof = readable.ended && length == 0 && fdCount() == 0;
        if (bytesShort || fdsShort || nothingAtEof) {
            waitingForFds = fdsShort && !readable.ended;
            readable.needReadable = true;
            if (readable.ended && length == 0) readable.endReadable();
            readable.readMore();
            // A reader waiting for fds reads past the mark (decisions D15), even if reading had stopped there.
            if (waitingForFds && !handleReading && !readable.reading) tryReadStart();
            return null;
        }
        int nBytes = (int) (size == null ? Math.min(length, Integer.MAX_VALUE) : Math.min(size, length));
        byte[] data = nBytes > 0 ? buffer.take(nBytes) : null;
        int[] got = fds == null ? NO_FDS : fds.take(count == null ? fds.size() : count);
        waitingForFds = false;
        if (buffer.isEmpty()) {
            readable.needReadable = true;
            if (readable.ended) readable.endReadable();
        }
        readable.readMore();
        return new Message(data, got);
    }

    private FdQueue fds() {
        if (fds == null) fds = new FdQueue();
        return fds;
    }

    /** Received fds waiting to be read. */
    int fdCount() {
        return fds == null ? 0 : fds.size();
    }

    /** Node's unshift, with usocket's fds put back at the front of their queue (decisions D9). */
    void unshift(byte[] data, int[] more) {
        if (readable.endEmitted) {
            // Checked here too: an unshift of fds alone does not reach the Readable's own check.
            socket.destroy(readable.unshiftAfterEndEvent());
            return;
        }
        if (socket.destroyed) return;
        if (more != null) fds().unshift(more);
        if (data != null && data.length > 0) readable.unshift(data);
        else if (more != null && more.length > 0 && readable.needReadable) readable.emitReadable();
    }

    /**
     * destroy.js's undestroy for the readable side: the flags of one connection start over;
     * flowing mode, listeners' effects, the decoder and the high-water mark stay.
     */
    void undestroy() {
        readable.undestroy();
        readable.emittedReadable = false;
        handleReading = false;
        waitingForFds = false;
        bytesRead = 0;
    }

    /** Closes fds nobody took (decisions D14); buffered bytes stay readable in readableLength, as in Node. */
    void destroy() {
        handleReading = false;
        if (fds != null) for (int fd : fds.drain()) LibC.INSTANCE.close(fd);
    }

    /** Node's ReadableState and functions for this socket, with net.js's hooks. */
    final class SocketReadable extends Readable {
        SocketReadable(int highWaterMark) {
            super(highWaterMark);
        }

        /** net.js's {@code Socket.prototype._read}: wait for the connection, or start the handle reading. */
        @Override
        protected void _read(int n) {
            if (socket.connecting || socket.fd < 0) readOnConnect = true;
            else if (!handleReading) tryReadStart();
        }

        @Override
        protected void emit(String event) {
            // net.js's onReadableStreamEnd is an 'end' listener the Socket registers before any of the user's.
            if ("end".equals(event)) socket.onReadableStreamEnd();
            socket.emit(event);
        }

        @Override
        protected void emit(String event, Object arg) {
            socket.emit(event, arg);
        }

        @Override
        protected void nextTick(Runnable r) {
            socket.loop.nextTick(r);
        }

        @Override
        protected int listenerCount(String event) {
            return socket.listenerCount(event);
        }

        @Override
        protected boolean destroyed() {
            return socket.destroyed;
        }

        @Override
        protected boolean errored() {
            return socket.writable.errored != null;
        }

        @Override
        protected boolean errorEmitted() {
            return socket.writable.errorEmitted;
        }

        @Override
        protected void errorOrDestroy(Throwable err) {
            if (!socket.destroyed) socket.destroy(err);
        }

        @Override
        protected Throwable unshiftAfterEndEvent() {
            return new USocketException("ERR_STREAM_UNSHIFT_AFTER_END_EVENT", "stream.unshift() after end event");
        }

        @Override
        protected Throwable pushAfterEof() {
            return new USocketException("ERR_STREAM_PUSH_AFTER_EOF", "stream.push() after EOF");
        }

        @Override
        protected RuntimeException sizeOutOfRange(long n) {
            return new InvalidArgumentException("ERR_OUT_OF_RANGE", "The value of \"size\" is out of range. It must be <= 1GiB. Received " + n);
        }

        @Override
        protected void afterEndEmitted() {
            socket.onReadableEnded();
        }

        /** usocket: queued fds are something to read too (decisions D7). */
        @Override
        protected boolean hasAncillary() {
            return fdCount() > 0;
        }
    }
}

