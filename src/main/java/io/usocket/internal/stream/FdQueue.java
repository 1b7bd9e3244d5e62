package io.usocket.internal.stream;

import java.util.Arrays;

/**
 * Received fds waiting for {@code read(size, count)}: a FIFO separate from the byte stream
 * (decisions D7), owned by the socket until handed out; {@link #drain()} gives back what is left so
 * the socket can close it (D14).
 */
public final class FdQueue {
    private static final int[] NONE = new int[0];

    private int[] fds = NONE;
    private int head;
    private int tail;

    public int size() {
        return tail - head;
    }

    public void addAll(int[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, fds, tail, more.length);
        tail += more.length;
    }

    /** Puts fds back at the front, in their order (decisions D9). */
    public void unshift(int[] front) {
        if (front.length == 0) return;
        int[] next = new int[size() + front.length + 8];
        System.arraycopy(front, 0, next, 0, front.length);
        System.arraycopy(fds, head, next, front.length, size());
        tail = size() + front.length;
        head = 0;
        fds = next;
    }

    /** Takes the first {@code n} fds ({@code n <= size()}). */
    public int[] take(int n) {
        int[] out = Arrays.copyOfRange(fds, head, head + n);
        head += n;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
        return out;
    }

    /** Takes every queued fd. */
    public int[] drain() {
        return take(size());
    }

    private void ensure(int extra) {
        if (tail + extra <= fds.length) return;
        int live = size();
        int[] next = live + extra <= fds.length ? fds : new int[Math.max(16, (live + extra) * 2)];
        System.arraycopy(fds, head, next, 0, live);
        fds = next;
        head = 0;
        tail = live;
    }
}
