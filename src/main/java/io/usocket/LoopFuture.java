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
        if (!isDone()) LoopThreads.checkMayBlock(loop, "get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) LoopThreads.checkMayBlock(loop, "get()");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        if (!isDone()) LoopThreads.checkMayBlock(loop, "join()");
        return super.join();
    }
}
