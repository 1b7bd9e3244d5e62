package io.usocket;

/**
 * A socket's {@code setTimeout(ms)}: {@code 'timeout'} after {@code ms} without activity.
 *
 * <p>Activity only records a time; the one pending timer checks it when it fires and re-arms
 * for the rest, so busy sockets do not churn the timer queue (Node refreshes its timer the same
 * lazy way). A write the kernel takes piece by piece is not activity as it goes: as net.js's
 * {@code _onTimeout} does, the expiring timer asks whether it moved since the last look and, if
 * so, starts over ({@link USocket#writeMoved}). After {@code 'timeout'} nothing is armed until the
 * next activity. The timer is unref'd: an idle timeout never keeps the loop alive.
 */
final class IdleTimeout {
    private final USocket socket;
    private long timeoutMs;
    private long lastActive;
    private Timer timer;

    IdleTimeout(USocket socket) {
        this.socket = socket;
    }

    /** Node's {@code socket.setTimeout(ms)}; 0 turns it off. Loop thread. */
    void set(long ms) {
        cancel();
        timeoutMs = ms;
        if (ms > 0 && !socket.destroyed) {
            lastActive = socket.loop.currentTime(); // a timer's start, as refresh() takes it
            arm(ms);
        }
    }

    /** Bytes moved: push the timeout back, re-arming it if it already fired. */
    void touch() {
        if (timeoutMs <= 0 || socket.destroyed) return;
        lastActive = socket.loop.currentTime(); // a timer's start, as refresh() takes it
        if (timer == null) arm(timeoutMs);
    }

    void cancel() {
        if (timer != null) timer.clear();
        timer = null;
    }

    /**
     * net.js {@code _destroy}'s {@code clearTimeout}: the timer is gone for good (Node marks it
     * {@code _idleTimeout = -1}, which {@code refresh()} does not revive), so a socket connect()
     * revives has no idle timeout until {@code setTimeout} again.
     */
    void clear() {
        cancel();
        timeoutMs = 0;
    }

    private void arm(long delay) {
        timer = socket.loop.setTimeout(this::check, delay).unref();
    }

    private void check() {
        timer = null;
        if (socket.destroyed || timeoutMs <= 0) return;
        long idle = socket.loop.now() - lastActive;
        if (idle < timeoutMs) {
            arm(timeoutMs - idle);
        } else if (socket.writeMoved()) {
            // net.js _onTimeout: a write still under way that moved since the last look is
            // activity, seen only now: the timeout starts over instead of firing.
            touch();
        } else {
            socket.emit("timeout");
        }
    }
}
