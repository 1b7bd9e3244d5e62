package io.usocket.hostile;

import static org.awaitility.Awaitility.await;

import io.usocket.EventLoop;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Bounds for tests that a defect could wedge: a loop thread that spins for ever must fail the
 * test with a message, not hang the build. Such tests run their loop with {@code start()} and
 * use no {@code SocketTestKit} (whose {@code close()} would join a wedged loop thread for ever).
 */
final class Watchdog {
    private Watchdog() {
    }

    /**
     * Fails unless the loop still turns: a task handed to {@code loop} from this thread runs
     * within {@code within}, or {@code loopThread} ends (the loop ran out of work: a task queued
     * just as it decided to stop never runs, and that is no wedge).
     */
    static void assertLoopTurns(EventLoop loop, Thread loopThread, Duration within, String when) {
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(ran::countDown);
        long deadline = System.nanoTime() + within.toNanos();
        try {
            while (!ran.await(20, TimeUnit.MILLISECONDS)) {
                if (!loopThread.isAlive()) return;
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the loop is wedged: a task from another thread did not run within "
                            + within + " (" + when + ")" + loopStacks());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until {@code loopThread} ended (its loop ran out of work), failing after {@code within}. */
    static void assertEnds(Thread loopThread, Duration within, String what) {
        await(what).atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> !loopThread.isAlive());
    }

    /**
     * Closes {@code loop} from a daemon thread and fails if that does not return within
     * {@code within} (a wedged loop never sees the close task); the stuck thread is abandoned.
     */
    static void assertClosesWithin(EventLoop loop, Duration within) {
        Thread closer = new Thread(loop::close, "watchdog-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(within.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) throw new AssertionError("loop.close() did not return within " + within);
    }

    /** A check that may throw. */
    interface Check {
        void run() throws Exception;
    }

    /**
     * Runs {@code checks}, then closes {@code loop} within {@code closeWithin}; a failure of the
     * checks is reported first (a close that then hangs is added to it as suppressed).
     */
    static void checkThenClose(EventLoop loop, Duration closeWithin, Check checks) throws Exception {
        try {
            checks.run();
        } catch (Throwable t) {
            try {
                assertClosesWithin(loop, closeWithin);
            } catch (AssertionError e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        assertClosesWithin(loop, closeWithin);
    }

    /** Where the loop threads of this process are (for a wedge's failure message). */
    static String loopStacks() {
        StringBuilder b = new StringBuilder();
        for (var e : Thread.getAllStackTraces().entrySet()) {
            if (!e.getKey().getName().startsWith("usocket-loop-")) continue;
            b.append("\n  ").append(e.getKey().getName()).append(' ').append(e.getKey().getState());
            StackTraceElement[] st = e.getValue();
            for (int i = 0; i < Math.min(8, st.length); i++) b.append("\n    at ").append(st[i]);
        }
        return b.toString();
    }
}
