package io.usocket;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The futures of {@link Promises}: a {@link CompletableFuture} completed on its loop's thread
 * that refuses to be waited for there (decisions D53). {@code join()} or {@code get()} of an
 * unfinished future on the loop's thread would wait for the loop that it stops, forever; it
 * throws {@code ERR_BLOCKING_ON_LOOP_THREAD} instead. Stages made from it
 * ({@code thenApply}, ...) follow the same rule.
 *
 * <p>A wait from another thread ends when the loop can no longer complete the future: if it
 * is closed, or stops running (its {@code run()} returned, or an uncaught exception stopped it),
 * the future is failed with {@code ERR_LOOP_CLOSED} / {@code ERR_LOOP_STOPPED} and the waiter
 * gets that (decisions D55), as an {@code ExecutorService} fails the futures it drops.
 */
final class LoopFuture<T> extends CompletableFuture<T> {
    private final EventLoop loop;

    LoopFuture(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new LoopFuture<>(loop);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            LoopThreads.checkMayBlock(loop, "get()");
            try {
                LoopThreads.awaitDone(loop, this, "get()", -1, true);
            } catch (TimeoutException cannotHappen) {
                throw new IllegalStateException(cannotHappen);
            }
        }
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            LoopThreads.checkMayBlock(loop, "get()");
            LoopThreads.awaitDone(loop, this, "get()", Math.max(0, unit.toNanos(timeout)), true);
        }
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        if (!isDone()) {
            LoopThreads.checkMayBlock(loop, "join()");
            try {
                LoopThreads.awaitDone(loop, this, "join()", -1, false);
            } catch (InterruptedException | TimeoutException cannotHappen) {
                throw new IllegalStateException(cannotHappen);
            }
        }
        return super.join();
    }
}
