package io.usocket;

import io.usocket.internal.sys.LibC;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over between a socket's loop and the thread that iterates it (decisions D54):
 * the loop pushes each {@code 'data'} chunk, with the fds that came with it, as one
 * {@link Message}; a consumer thread takes them. When the queued bytes reach the bound the
 * socket is paused (bytes then wait in the socket, up to its high-water mark, and in the kernel);
 * when the consumer has taken them down to half the bound it is resumed.
 *
 * <p>Threads: {@code on*} methods and {@link #resumeIfDrained()} run on the loop; {@link #take}
 * and {@link #close()} on consumer threads. The queue is guarded by a {@link ReentrantLock} (not
 * {@code synchronized}, which pins a virtual thread on JDK 21). {@code paused} changes only on the
 * loop, so pause and resume never race each other.
 *
 * <p>Fds: those in queued messages and those announced but not yet attached to bytes belong to
 * the inbox, which closes them when it is closed or the socket closes; a message taken is the
 * taker's.
 */
final class MessageInbox {
    private final USocket socket;
    private final int maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private int bytes;
    private boolean ended;
    private Throwable error;
    private boolean closed;
    private boolean paused;          // written on the loop, under the lock
    private boolean resumePosted;    // a resumeIfDrained task is on its way to the loop
    private int[] pendingFds;        // loop only: fds announced by 'fds', waiting for their bytes

    MessageInbox(USocket socket, int maxBytes) {
        this.socket = socket;
        this.maxBytes = maxBytes;
    }

    /** On the loop: listens to the socket. The 'fds' listener goes first, so no fds go to the socket's own queue. */
    void attach() {
        // A socket that already ended or closed emits those events no more: take its final state
        // now, as Node's async iterator does for a finished stream (decisions D56).
        lock.lock();
        try {
            if (socket.reader.readable.endEmitted) ended = true;
            if (socket.destroyed && !ended) {
                error = socket.writable.errored != null ? socket.writable.errored
                        : new USocketException("ERR_STREAM_PREMATURE_CLOSE", "Premature close");
            }
        } finally {
            lock.unlock();
        }
        socket.on(USocket.FDS, this::onFds);
        socket.on(USocket.END, this::onEnd);
        socket.on(USocket.ERROR, this::onError);
        socket.on(USocket.CLOSE, this::onClose);
        socket.on("data", this::onData);
    }

    // ---- the loop's side ----

    private void onFds(int[] fds) {
        if (isClosed()) {
            closeAll(fds);
            return;
        }
        pendingFds = pendingFds == null ? fds : concat(pendingFds, fds);
    }

    private void onData(Object chunk) {
        if (!(chunk instanceof byte[] data)) {
            // setEncoding was called: the bytes are gone into strings, which a Message cannot carry.
            socket.destroy(new USocketException("ERR_EVENT_PAYLOAD_TYPE",
                    "A BlockingSocket reads bytes: do not call setEncoding on its socket"));
            return;
        }
        int[] fds = takePending();
        lock.lock();
        try {
            if (closed) {
                closeAll(fds);
                return;
            }
            queue.add(new Message(data, fds));
            bytes += data.length;
            if (!paused && bytes >= maxBytes) {
                paused = true;
                socket.pause();   // on the loop: takes effect at once
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onEnd() {
        int[] fds = takePending();
        lock.lock();
        try {
            if (fds.length > 0 && !closed) queue.add(new Message(new byte[0], fds));
            else closeAll(fds);
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onError(Throwable err) {
        lock.lock();
        try {
            if (error == null) error = err;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onClose() {
        // Fds whose bytes never came (the socket was destroyed in between) are nobody's but ours.
        closeAll(takePending());
        lock.lock();
        try {
            // Node's async iterator: a close before 'end' without an error is a premature close.
            if (!ended && error == null) {
                error = new USocketException("ERR_STREAM_PREMATURE_CLOSE", "Premature close");
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** On the loop: resumes the socket if the consumer has taken the queue down to half the bound. */
    private void resumeIfDrained() {
        boolean resume;
        lock.lock();
        try {
            resumePosted = false;
            resume = paused && !closed && bytes <= maxBytes / 2;
            if (resume) paused = false;
        } finally {
            lock.unlock();
        }
        if (resume) socket.resume();
    }

    // ---- the consumer's side ----

    /**
     * The next message, waiting for it; null once the socket ended (or the inbox was closed).
     * Messages queued before an error are delivered first, then the error is thrown (each call).
     * A wait the loop can no longer end (it closed or stopped) fails with
     * {@link LoopThreads#loopGone} (decisions D55).
     *
     * @param timeoutNanos the most to wait, or negative for no bound
     * @throws TimeoutException when nothing came within {@code timeoutNanos}
     */
    Message take(long timeoutNanos, String what) throws InterruptedException, TimeoutException {
        EventLoop loop = socket.loop;
        Runnable wake = null;
        lock.lock();
        try {
            long left = timeoutNanos;
            while (queue.isEmpty() && !ended && error == null && !closed) {
                if (wake == null) {
                    // Registered before the check below: a stop from now on signals us.
                    wake = this::signalTakers;
                    loop.addStopWaiter(wake);
                }
                if (!loop.canDeliver()) throw LoopThreads.loopGone(loop, what);
                if (timeoutNanos < 0) {
                    changed.await();
                } else {
                    if (left <= 0) throw new TimeoutException(what + " timed out: nothing arrived in " + timeoutNanos / 1_000_000 + " ms");
                    left = changed.awaitNanos(left);
                }
            }
            Message m = queue.poll();
            if (m != null) {
                bytes -= m.data().length;
                if (paused && !resumePosted && bytes <= maxBytes / 2) {
                    resumePosted = true;
                    loop.onLoop(this::resumeIfDrained); // nothing to resume on a closed loop
                }
                return m;
            }
            // A clean end is final: an error of the writable side after it belongs to the writes.
            if (closed || ended) return null;
            throw LoopThreads.unchecked(error);
        } finally {
            lock.unlock();
            if (wake != null) loop.removeStopWaiter(wake);
        }
    }

    /** The loop stopped or closed: takers look again (and find it can no longer deliver). */
    private void signalTakers() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued and not yet taken. */
    int bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking: queued messages are dropped and their fds closed; waiting takers return null. */
    void close() {
        ArrayDeque<Message> dropped;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            dropped = new ArrayDeque<>(queue);
            queue.clear();
            bytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Message m : dropped) closeAll(m.fds());
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private int[] takePending() {
        int[] fds = pendingFds == null ? new int[0] : pendingFds;
        pendingFds = null;
        return fds;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void closeAll(int[] fds) {
        for (int fd : fds) LibC.INSTANCE.close(fd);
    }
}
