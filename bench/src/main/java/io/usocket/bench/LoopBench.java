package io.usocket.bench;

import io.usocket.EventLoop;
import io.usocket.Timer;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The event loop's two hot paths, each next to a plain-JDK baseline measured the same way, so
 * the results read as ratios:
 *
 * <ul>
 *   <li>{@code crossThreadExecute} vs {@code crossThreadExecuteBaseline}: {@link EventLoop#execute}
 *       from the benchmark thread to a loop running on {@link EventLoop#start()}, end to end (a
 *       batch of {@value #BATCH} tasks is submitted and the benchmark waits until the last one has
 *       run); the baseline does the same with {@link Executors#newSingleThreadExecutor()}.
 *       Throughput, per task.</li>
 *   <li>{@code idleTurn} vs {@code idleTurnBaseline}: one loop turn with nothing to do but an
 *       immediate — {@link EventLoop#run()} on the benchmark thread, with a
 *       {@link EventLoop#setImmediate} chain that re-schedules itself {@value #TURNS} times, so
 *       every turn polls epoll with timeout 0; the baseline runs the same self-rescheduling chain
 *       from an {@link ArrayDeque}. Average time per turn.</li>
 * </ul>
 */
public class LoopBench {
    /** Tasks submitted per invocation of the cross-thread benchmarks. */
    public static final int BATCH = 1_000;
    /** Turns (immediates) per invocation of the idle-turn benchmarks. */
    public static final int TURNS = 1_000;

    /**
     * Spins until {@code done()} returns {@code round}, failing if the consumer thread died. It
     * yields now and then, so that on a machine with few cores the waiting benchmark thread does
     * not starve the consumer it waits for.
     */
    private static void await(Completion c, long round, Thread consumer) {
        int spins = 0;
        while (c.done() != round) {
            Thread.onSpinWait();
            if ((++spins & 0x3F) == 0) Thread.yield();
            if ((spins & 0xFFFFF) == 0 && !consumer.isAlive()) {
                throw new IllegalStateException(consumer.getName() + " died");
            }
        }
    }

    private interface Completion {
        long done();
    }

    /** A loop running on its own thread, held alive by a ref'd interval that never fires. */
    @State(Scope.Benchmark)
    public static class StartedLoop implements Completion {
        EventLoop loop;
        Timer keepAlive;
        Thread thread;
        /** Loop thread only. */
        long count;
        /** The round whose last task has run; written by the loop thread. */
        volatile long doneRound;
        /** Benchmark thread only. */
        long round;
        final Runnable inc = () -> count++;

        @Setup(Level.Trial)
        public void setUp() {
            loop = EventLoop.create();
            keepAlive = loop.setInterval(() -> { }, TimeUnit.DAYS.toMillis(1));
            thread = loop.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            keepAlive.clear();
            thread.join(10_000);
            loop.close();
        }

        @Override
        public long done() {
            return doneRound;
        }
    }

    /** The JDK's single-thread executor: the baseline for {@link StartedLoop}. */
    @State(Scope.Benchmark)
    public static class SingleThreadExecutor implements Completion {
        ExecutorService executor;
        Thread thread;
        long count;
        volatile long doneRound;
        long round;
        final Runnable inc = () -> count++;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            executor = Executors.newSingleThreadExecutor();
            thread = executor.submit(Thread::currentThread).get();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            executor.shutdown();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }

        @Override
        public long done() {
            return doneRound;
        }
    }

    /** A loop that is not running; each invocation drives it with run() on the benchmark thread. */
    @State(Scope.Thread)
    public static class IdleLoop {
        EventLoop loop;
        int left;
        Runnable chain;

        @Setup(Level.Trial)
        public void setUp() {
            loop = EventLoop.create();
            chain = new Runnable() {
                @Override
                public void run() {
                    if (--left > 0) loop.setImmediate(this);
                }
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            loop.close();
        }
    }

    /** The baseline for {@link IdleLoop}: the same chain on a bare ArrayDeque. */
    @State(Scope.Thread)
    public static class PlainQueue {
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        int left;
        Runnable chain;

        @Setup(Level.Trial)
        public void setUp() {
            chain = new Runnable() {
                @Override
                public void run() {
                    if (--left > 0) queue.add(this);
                }
            };
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long crossThreadExecute(StartedLoop s) {
        EventLoop loop = s.loop;
        Runnable inc = s.inc;
        for (int i = 0; i < BATCH - 1; i++) loop.execute(inc);
        long round = ++s.round;
        loop.execute(() -> {
            s.count++;
            s.doneRound = round;
        });
        await(s, round, s.thread);
        return round;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long crossThreadExecuteBaseline(SingleThreadExecutor s) {
        ExecutorService executor = s.executor;
        Runnable inc = s.inc;
        for (int i = 0; i < BATCH - 1; i++) executor.execute(inc);
        long round = ++s.round;
        executor.execute(() -> {
            s.count++;
            s.doneRound = round;
        });
        await(s, round, s.thread);
        return round;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TURNS)
    public int idleTurn(IdleLoop s) {
        s.left = TURNS;
        s.loop.setImmediate(s.chain);
        s.loop.run(); // returns once the chain ends: nothing else is left
        if (s.left != 0) throw new IllegalStateException("chain stopped at " + s.left);
        return s.left;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TURNS)
    public int idleTurnBaseline(PlainQueue s) {
        s.left = TURNS;
        ArrayDeque<Runnable> q = s.queue;
        q.add(s.chain);
        Runnable r;
        while ((r = q.poll()) != null) r.run();
        if (s.left != 0) throw new IllegalStateException("chain stopped at " + s.left);
        return s.left;
    }
}
