package io.usocket;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The rules for code that waits on a loop from another thread (decisions D53): waiting is refused
 * on the loop's thread, where it could only deadlock, and a wait gives up cleanly when the loop
 * stops running.
 */
final class LoopThreads {
    /** How often a waiter checks that some thread still runs the loop. */
    private static final long RECHECK_MS = 50;

    private LoopThreads() {
    }

    /** The loop of a library emitter ({@link USocket}, {@link UServer}), or null for other emitters. */
    static EventLoop loopOf(EventEmitter emitter) {
        if (emitter instanceof USocket s) return s.loop;
        if (emitter instanceof UServer s) return s.loop;
        return null;
    }

    /**
     * Refuses to block where blocking would hang: on the loop's thread, or while no thread runs the
     * loop (nobody would ever complete the wait). Both are what {@link EventLoop#inEventLoop()} reports.
     *
     * A closed loop can complete nothing: that is said first, with {@code ERR_LOOP_CLOSED} (decisions D22, D55).
     *
     * @throws InvalidStateException {@code ERR_BLOCKING_ON_LOOP_THREAD}, or {@code ERR_LOOP_CLOSED}
     */
    static void checkMayBlock(EventLoop loop, String what) {
        if (loop != null && loop.isClosed()) {
            throw new InvalidStateException("ERR_LOOP_CLOSED", "The event loop is closed: " + what + " would wait for it forever");
        }
        if (loop != null && loop.inEventLoop()) {
            throw new InvalidStateException("ERR_BLOCKING_ON_LOOP_THREAD", what + " blocks, so it must not be called on the event loop's thread"
                    + " (nor while no thread runs the loop: start it with loop.start() first); on the loop, use the callback or future form");
        }
    }

    /**
     * Runs {@code action} on the loop and returns once it has run: at once on the loop's thread (or
     * while no thread runs the loop), else handed over and waited for. An interrupt ends the wait
     * early (the action still runs; the interrupt flag is kept). Used by {@code close()}, whose
     * promise is that the descriptor is released when it returns.
     */
    static void runAndWait(EventLoop loop, Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Claimed by whichever runs it, the loop or (below) this thread: it must run once only.
        AtomicBoolean claimed = new AtomicBoolean();
        loop.execute(() -> {
            try {
                if (claimed.compareAndSet(false, true)) action.run();
            } finally {
                done.complete(null);
            }
        });
        while (!done.isDone()) {
            try {
                done.get(RECHECK_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // The loop stopped before it took the task (it returned, or was closed): nobody will run
                // it, and this thread now counts as the loop's (inEventLoop), so run it here.
                if (loop.inEventLoop() && claimed.compareAndSet(false, true)) {
                    action.run();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                return;
            }
        }
    }

    /**
     * Waits for {@code f} from a thread that may block and returns its value; its failure is thrown
     * as it is when unchecked, wrapped otherwise. An interrupt ends the wait with {@code ABORT_ERR}
     * (Node's code for an aborted wait) and keeps the interrupt flag. If the loop stops or closes
     * first, {@code f} is failed with {@link #loopGone} and that is thrown (decisions D55).
     */
    static <T> T await(EventLoop loop, CompletableFuture<T> f, String what) {
        try {
            if (!f.isDone()) {
                checkMayBlock(loop, what);
                awaitDone(loop, f, what, -1, true);
            }
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new USocketException("ABORT_ERR", "The operation was aborted: " + what + " was interrupted", e);
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        } catch (TimeoutException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /**
     * Waits until {@code f} is done, or until {@code loop} can no longer complete it (it closed, or
     * no thread runs it any more: run() returned or an uncaught exception stopped it), in which
     * case {@code f} is failed with {@link #loopGone}: without this a caller would block forever
     * on a condition only the loop can make true (decisions D55). The stop is signalled by the
     * loop, not polled.
     *
     * @param timeoutNanos the most to wait, or negative for no bound
     * @param interruptible whether an interrupt ends the wait ({@code get}); else it is kept for later ({@code join})
     * @throws TimeoutException when {@code timeoutNanos} passed first ({@code f} is left as it is)
     */
    static void awaitDone(EventLoop loop, CompletableFuture<?> f, String what, long timeoutNanos, boolean interruptible)
            throws InterruptedException, TimeoutException {
        if (f.isDone()) return;
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Runnable wake = () -> stopped.complete(null);
        loop.addStopWaiter(wake);
        try {
            // After registering: a stop from now on wakes us, an earlier one is seen here.
            if (!loop.canDeliver()) wake.run();
            CompletableFuture<Object> either = CompletableFuture.anyOf(f, stopped);
            try {
                if (!interruptible) either.exceptionally(e -> null).join();
                else if (timeoutNanos < 0) either.get();
                else either.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException failed) {
                // f failed: the caller reads it from f
            }
        } finally {
            loop.removeStopWaiter(wake);
        }
        if (!f.isDone()) f.completeExceptionally(loopGone(loop, what));
    }

    /**
     * The error of a wait the loop can no longer end (decisions D55): {@code ERR_LOOP_CLOSED} if
     * the loop was closed, else {@code ERR_LOOP_STOPPED} (no thread runs it: its {@code run()}
     * returned, or an uncaught exception, then the cause, stopped it).
     */
    static USocketException loopGone(EventLoop loop, String what) {
        if (loop.isClosed()) {
            return new USocketException("ERR_LOOP_CLOSED", "The event loop was closed while " + what + " waited for it");
        }
        Throwable cause = loop.stopCause();
        return new USocketException("ERR_LOOP_STOPPED", "The event loop stopped while " + what + " waited for it ("
                + (cause != null ? "an uncaught exception ended run(): " + cause : "no thread runs it: run() returned") + ")", cause);
    }

    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error err) throw err;
        return new USocketException("ERR_UNCAUGHT_EXCEPTION", String.valueOf(t), t);
    }
}
