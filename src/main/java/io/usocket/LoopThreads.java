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
     * @throws InvalidStateException {@code ERR_BLOCKING_ON_LOOP_THREAD}
     */
    static void checkMayBlock(EventLoop loop, String what) {
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
     * (Node's code for an aborted wait) and keeps the interrupt flag.
     */
    static <T> T await(EventLoop loop, CompletableFuture<T> f, String what) {
        if (!f.isDone()) checkMayBlock(loop, what);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new USocketException("ABORT_ERR", "The operation was aborted: " + what + " was interrupted", e);
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        }
    }

    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error err) throw err;
        return new USocketException("ERR_UNCAUGHT_EXCEPTION", String.valueOf(t), t);
    }
}
