package io.usocket;

import io.usocket.internal.stream.ChunkQueue;
import io.usocket.internal.stream.FdQueue;
import io.usocket.internal.stream.StringDecoder;
import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.MsgIo;

/**
 * The readable side of a {@link USocket}: Node's {@code Readable} state machine (paused and
 * flowing modes, {@code 'readable'}, {@code read(n)}, {@code 'end'} after the buffer empties,
 * backpressure at the high-water mark) plus usocket's fd queue and {@code read(size, count)}.
 *
 * <p>Names follow Node's {@code ReadableState}: {@code flowing} is null (no consumer yet),
 * true ({@code 'data'}/{@code resume()}) or false ({@code pause()} or a {@code 'readable'}
 * listener); {@code ended} means EOF arrived, {@code endEmitted} that {@code 'end'} went out.
 *
 * <p>Thread rule (decisions D20): loop thread only; {@link USocket} hands other threads' calls over.
 */
final class SocketReader {
    private static final int READS_PER_WAKEUP = 32;

    private final USocket socket;
    final ChunkQueue buffer = new ChunkQueue();
    final FdQueue fds = new FdQueue();
    int highWaterMark = 16 * 1024;
    Boolean flowing;
    boolean ended;
    /** libuv's UV_HANDLE_READ_PARTIAL: this wakeup's last read was short (the queue looked empty). */
    private boolean readPartial;
    boolean endEmitted;
    boolean needReadable;
    boolean emittedReadable;
    boolean readableListening;
    boolean resumeScheduled;
    /** A read(size, count) is waiting for fds: keep reading past the high-water mark (decisions D15). */
    boolean waitingForFds;
    /** Received fds nobody took, past which the socket fails with ERR_TOO_MANY_FDS (decisions D24). */
    int maxPendingFds = SocketOptions.DEFAULT_MAX_PENDING_FDS;
    /** Buffered bytes past which reading for a waiting read(size, count) fails with ERR_READ_BUFFER_FULL (decisions D25). */
    long maxPendingBytes = SocketOptions.DEFAULT_MAX_PENDING_BYTES;
    long bytesRead;
    StringDecoder decoder;
    /**
     * libuv's reading state (uv_read_start / uv_read_stop): started by Node's first
     * {@code read(0)} (at accept, after connect unless paused, or by any read, resume or
     * {@code 'readable'} listener); it stops at EOF. Only a reading stream keeps the loop alive
     * (decisions D21).
     */
    boolean reading;
    /** Node's state.sync: true until the first read() (its _read call) returns. */
    boolean sync = true;
    /**
     * The onread option (Node's kBuffer / kBufferCb, decisions D70): reads land in one of these
     * buffers and go to its callback, bypassing {@link #push} as Node's onStreamRead does.
     */
    private OnReadOption onread;
    /**
     * onread mode only: the handle's reading was stopped (Node's {@code handle.readStop()}) by the
     * callback returning false or by pause(); resume() starts it again (net.js tryReadStart).
     */
    private boolean readStopped;

    SocketReader(USocket socket) {
        this.socket = socket;
    }

    /** Takes the onread option of {@code options}, if it has one (decisions D70). */
    void onread(SocketOptions options) {
        onread = options.onread;
    }

    private boolean onreadMode() {
        return onread != null;
    }

    /** net.js's Socket.pause in onread mode: the handle stops reading ({@code readStop}). */
    private void readStop() {
        if (onreadMode() && socket.fd >= 0 && !socket.connecting) readStopped = true;
    }

    /** net.js's Socket.resume in onread mode: tryReadStart. */
    private void readStart() {
        if (onreadMode() && readStopped && socket.fd >= 0 && !socket.connecting) {
            readStopped = false;
            reading = true;
            socket.updateInterest();
        }
    }

    /** Whether the socket should ask epoll for input now. */
    boolean wantsRead() {
        // Node's canPushMore: below the high-water mark, or nothing buffered at all (so a zero
        // mark still reads, one chunk at a time).
        return !ended && !readStopped && (buffer.length() < highWaterMark || buffer.isEmpty() || waitingForFds);
    }

    boolean readable() {
        return !endEmitted && !socket.destroyed;
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
        if (hup && readPartial && reading && wantsRead() && !socket.destroyed) onEof();
    }

    /** One recvmsg: its fds first (decisions D8), then its bytes, or EOF. False when nothing more is to be had now. */
    private boolean readOnce() {
        MsgIo io = socket.loop.msgIo();
        // A read never asks for more than its destination holds (the onread buffer's size).
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
     * never through push(); its {@code false} stops reading (readStop). Fds are delivered first,
     * as in the default mode (decisions D70); EOF ends the stream as in the default mode.
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
        if (!go && !socket.destroyed) {
            readStopped = true;
            return false;
        }
        boolean more = received != null || n == max;
        readPartial = !more;
        return more;
    }

    private void receiveFds(int[] received) {
        if (socket.listenerCount("fds") > 0) {
            socket.emit("fds", (Object) received);
            return;
        }
        fds.addAll(received);
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
        if (needReadable || waited) emitReadable();
    }

    private void push(byte[] chunk) {
        if (Boolean.TRUE.equals(flowing) && buffer.isEmpty() && socket.listenerCount("data") > 0) {
            emitData(chunk);
        } else {
            buffer.push(chunk);
            if (needReadable) emitReadable();
            else if (Boolean.TRUE.equals(flowing)) flow();
        }
    }

    private void onEof() {
        ended = true;
        if (decoder != null) {
            String rest = decoder.end();
            if (!rest.isEmpty()) socket.emit("data", rest);
        }
        // Node's onEofChunk: 'readable' at once (on the next tick while still in the first
        // read's sync state), then net's read(0), which ends the stream when nothing is left.
        if (sync) {
            emitReadable();
        } else {
            needReadable = false;
            emittedReadable = true;
            emitReadableNow();
        }
        if (!socket.destroyed && buffer.isEmpty() && fds.size() == 0) endReadable();
    }

    private void emitData(Object chunk) {
        if (decoder != null && chunk instanceof byte[] bytes) {
            String s = decoder.write(bytes);
            if (s.isEmpty()) return;
            socket.emit("data", s);
        } else {
            socket.emit("data", chunk);
        }
    }

    // ---- Node's Readable machinery ----

    void emitReadable() {
        needReadable = false;
        if (emittedReadable) return;
        emittedReadable = true;
        socket.loop.nextTick(this::emitReadableNow);
    }

    private void emitReadableNow() {
        if (!socket.destroyed && (buffer.length() > 0 || ended || fds.size() > 0)) {
            socket.emit("readable");
            emittedReadable = false;
        }
        needReadable = !Boolean.TRUE.equals(flowing) && !ended && buffer.length() <= highWaterMark;
        flow();
        socket.updateInterest();
    }

    private void flow() {
        while (Boolean.TRUE.equals(flowing) && !socket.destroyed && read(null) != null) {
            // read() emits 'data'
        }
    }

    /** Node's {@code readable.read([size])}. */
    byte[] read(Integer n) {
        reading = true;
        sync = false;
        if (n != null && n > highWaterMark) highWaterMark = nextPowerOfTwo(n);
        int requested = n == null ? -1 : n;
        if (requested != 0) emittedReadable = false;
        if (requested == 0 && needReadable && (buffer.length() >= highWaterMark || ended)) {
            if (buffer.isEmpty() && ended) endReadable();
            else emitReadable();
            return null;
        }
        int take = howMuchToRead(requested);
        if (take == 0 && ended) {
            if (buffer.isEmpty()) endReadable();
            return null;
        }
        byte[] ret = take > 0 ? buffer.take(take) : null;
        if (ret == null) needReadable = buffer.length() <= highWaterMark;
        if (buffer.isEmpty()) {
            if (!ended) needReadable = true;
            if (ended) endReadable();
        }
        if (ret != null) emitData(ret);
        socket.updateInterest();
        return ret;
    }

    private int howMuchToRead(int n) {
        long length = buffer.length();
        if (n == 0 || (length == 0 && ended)) return 0;
        // A byte[] holds at most 2^31-1 bytes: read() of more hands them out in several reads.
        if (n < 0) return (int) Math.min(length, Integer.MAX_VALUE - 8);
        if (n <= length) return n;
        return ended ? (int) length : 0;
    }

    /** usocket's {@code read(size, count)} (decisions D7). */
    Message read(Integer size, Integer count) {
        reading = true;
        sync = false;
        // As read(n): asking for more than the high-water mark raises it, or reading would stop short.
        if (size != null && size > highWaterMark) highWaterMark = nextPowerOfTwo(size);
        long length = buffer.length();
        boolean bytesShort = size != null && size > 0 && length < size && !(ended && length > 0);
        boolean fdsShort = count != null && fds.size() < count;
        boolean nothingAtEof = ended && length == 0 && fds.size() == 0;
        if (bytesShort || fdsShort || nothingAtEof) {
            waitingForFds = fdsShort && !ended;
            needReadable = true;
            if (ended && length == 0) endReadable();
            socket.updateInterest();
            return null;
        }
        int nBytes = (int) (size == null ? Math.min(length, Integer.MAX_VALUE) : Math.min(size, length));
        byte[] data = nBytes > 0 ? buffer.take(nBytes) : null;
        int[] got = fds.take(count == null ? fds.size() : count);
        waitingForFds = false;
        if (buffer.isEmpty()) {
            needReadable = true;
            if (ended) endReadable();
        }
        socket.updateInterest();
        return new Message(data, got);
    }

    /** Node's readableAddChunkUnshift + addChunk(addToFront), with usocket's fds (decisions D9). */
    void unshift(byte[] data, int[] more) {
        if (endEmitted) {
            socket.destroy(new USocketException("ERR_STREAM_UNSHIFT_AFTER_END_EVENT", "stream.unshift() after end event"));
            return;
        }
        if (socket.destroyed) return;
        if (more != null) fds.unshift(more);
        if (data != null && data.length > 0) {
            // Node's addChunk: a flowing stream with nothing buffered emits the chunk at once.
            if (Boolean.TRUE.equals(flowing) && !sync && buffer.isEmpty() && socket.listenerCount("data") > 0) {
                emitData(data);
                return;
            }
            buffer.unshift(data);
        }
        if (needReadable) emitReadable();
    }

    void endReadable() {
        if (endEmitted) return;
        socket.loop.nextTick(() -> {
            if (endEmitted || socket.destroyed || buffer.length() > 0) return;
            endEmitted = true;
            socket.onReadableStreamEnd();
            socket.emit("end");
            socket.onReadableEnded();
        });
    }

    void pause() {
        readStop();
        if (!Boolean.FALSE.equals(flowing)) {
            flowing = false;
            socket.emit("pause");
        }
    }

    void resume() {
        readStart();
        if (!Boolean.TRUE.equals(flowing)) {
            flowing = !readableListening;
            if (!resumeScheduled) {
                resumeScheduled = true;
                socket.loop.nextTick(() -> {
                    resumeScheduled = false;
                    socket.emit("resume");
                    flow();
                    if (ended && buffer.isEmpty()) endReadable();
                    socket.updateInterest();
                });
            }
        }
    }

    /** Node's {@code Readable.on}: a {@code 'data'} listener resumes, a {@code 'readable'} one pauses. */
    void listenerAdded(String event) {
        if ("data".equals(event)) {
            readableListening = socket.listenerCount("readable") > 0;
            if (!Boolean.FALSE.equals(flowing)) resume();
        } else if ("readable".equals(event) && !endEmitted && !readableListening) {
            readableListening = true;
            reading = true;
            needReadable = true;
            flowing = false;
            emittedReadable = false;
            if (buffer.length() > 0 || fds.size() > 0) emitReadable();
            else if (ended) emitReadable();
        }
    }

    void listenersRemoved(String event) {
        if (event != null && !"readable".equals(event)) return;
        socket.loop.nextTick(() -> {
            readableListening = socket.listenerCount("readable") > 0;
            if (resumeScheduled) flowing = true;
            else if (socket.listenerCount("data") > 0) resume();
            else if (!readableListening) flowing = null;
        });
    }

    /**
     * destroy.js's undestroy for the readable side: the flags of one connection start over;
     * flowing mode, listeners' effects, the decoder and the high-water mark stay.
     */
    void undestroy() {
        ended = false;
        endEmitted = false;
        reading = false;
        emittedReadable = false;
        waitingForFds = false;
        readStopped = false;
        bytesRead = 0;
    }

    /** Closes fds nobody took (decisions D14); buffered bytes stay readable in readableLength, as in Node. */
    void destroy() {
        for (int fd : fds.drain()) LibC.INSTANCE.close(fd);
    }

    private static int nextPowerOfTwo(int n) {
        return n >= (1 << 30) ? 1 << 30 : Integer.highestOneBit(n - 1) << 1;
    }
}
