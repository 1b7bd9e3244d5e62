package io.usocket;

/**
 * A scheduled callback returned by {@link EventLoop#setTimeout}, {@link EventLoop#setInterval}
 * and {@link EventLoop#setImmediate}.
 *
 * <p>Node equivalent: the {@code Timeout} / {@code Immediate} objects, with
 * {@code clearTimeout(t)} / {@code clearImmediate(t)} as {@link #clear()}.
 *
 * <p>Thread rule (decisions D20): {@link #clear()}, {@link #ref()} and {@link #unref()} may be
 * called from any thread; from another thread they are handed to the loop.
 */
public final class Timer {
    final EventLoop loop;
    final Runnable task;
    /** -1 for a one-shot timeout, the period for an interval, -2 for an immediate. */
    final long interval;
    long due;
    long seq;
    boolean ref = true;
    /** Scheduled and neither fired (one-shot) nor cleared. */
    boolean pending;

    Timer(EventLoop loop, Runnable task, long interval) {
        this.loop = loop;
        this.task = task;
        this.interval = interval;
    }

    boolean isImmediate() {
        return interval == -2;
    }

    /** Cancels the callback if it has not run yet (an interval stops). Node: {@code clearTimeout(t)}. */
    public void clear() {
        loop.onLoop(() -> loop.cancel(this));
    }

    /**
     * Lets this timer keep {@link EventLoop#run()} from returning (the default). Node: {@code t.ref()}.
     *
     * @return this timer
     */
    public Timer ref() {
        loop.onLoop(() -> loop.setTimerRef(this, true));
        return this;
    }

    /**
     * Lets {@link EventLoop#run()} return while this timer is still pending. Node: {@code t.unref()}.
     *
     * @return this timer
     */
    public Timer unref() {
        loop.onLoop(() -> loop.setTimerRef(this, false));
        return this;
    }

    /**
     * Whether this timer keeps the loop alive. Node: {@code t.hasRef()}.
     *
     * @return whether this keeps the loop's {@code run()} from returning
     */
    public boolean hasRef() {
        return ref;
    }
}
