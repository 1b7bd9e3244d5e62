package io.usocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loop on its own: turn order (node-semantics: one turn goes as in Node), ref/unref and the exit
 * rule, cross-thread {@code execute}, uncaught exceptions (decisions D17), {@code close} and its
 * descriptors, and the loop-only parts of spec/node 20 (a recorded run).out.
 *
 * <p>Loops driven by {@link EventLoop#run()} on the test thread get an unref'd guard timer that
 * closes the loop after 5 s, so a loop that fails to stop ends the test with a visible
 * {@code GUARD} entry instead of hanging it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopTest {
    /** Its log is written on the loop thread; read after the loop stopped (or via Awaitility for start()). */
    @RegisterExtension
    final SocketTestKit kit = SocketTestKit.withoutFdCheck(Duration.ofSeconds(5));
    private final EventLog log = kit.log;

    /** Lets wall time pass (so that timers are due), without sleeping. Not a synchronisation. */
    private static void spin(long ms) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() - end < 0) Thread.onSpinWait();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ---------------------------------------------------------------- turn order

    @Test
    void turnOrderTicksThenTimersThenTasksThenImmediates() {
        EventLoop loop = kit.guardedLoop();
        loop.setImmediate(() -> {
            log.add("imm1");
            loop.nextTick(log.rec("imm1.tick"));
        });
        loop.setImmediate(log.rec("imm2"));
        loop.setTimeout(log.rec("t50a"), 50);
        loop.setTimeout(() -> {
            log.add("t2a");
            loop.nextTick(() -> {
                log.add("t2a.tick");
                loop.nextTick(log.rec("t2a.tick.tick"));
            });
            loop.execute(log.rec("t2a.task"));
            loop.setImmediate(log.rec("t2a.imm"));
        }, 2);
        loop.setTimeout(log.rec("t2b"), 2);
        loop.setTimeout(log.rec("t50b"), 50);
        loop.nextTick(log.rec("main.tick"));
        log.add("main.end");
        spin(60); // every timer is due when the first turn starts

        loop.run();

        assertEquals(List.of(
                "main.end", "main.tick",
                // due order; equal due times in creation order; ticks right after each callback
                "t2a", "t2a.tick", "t2a.tick.tick", "t2b", "t50a", "t50b",
                // tasks (the I/O phase) after the timers
                "t2a.task",
                // immediates last, including the one a timer of this turn queued
                "imm1", "imm1.tick", "imm2", "t2a.imm"), log.all());
    }

    @Test
    void timeoutOfZeroOrLessIsOneMillisecond() {
        EventLoop loop = kit.guardedLoop();
        loop.setTimeout(log.rec("a1"), 1);
        loop.setTimeout(log.rec("b0"), 0);
        loop.setTimeout(log.rec("c-5"), -5);
        loop.setTimeout(log.rec("d1"), 1);
        loop.setTimeout(log.rec("e2"), 2);
        spin(10);

        loop.run();

        // Node: 0 and negative delays become 1 ms, so they tie with a1/d1 and keep creation order.
        assertEquals(List.of("a1", "b0", "c-5", "d1", "e2"), log.all());
    }

    @Test
    void timeoutOfZeroFromATimerRunsAfterAnImmediateQueuedAlongside() {
        EventLoop loop = kit.guardedLoop();
        loop.setTimeout(() -> {
            loop.setTimeout(log.rec("timeout0"), 0);
            loop.setImmediate(log.rec("immediate"));
        }, 1);

        loop.run();

        assertEquals(List.of("immediate", "timeout0"), log.all());
    }

    @Test
    void immediateQueuedFromAnImmediateRunsOnTheNextTurn() {
        EventLoop loop = kit.guardedLoop();
        loop.setImmediate(() -> {
            log.add("imm1");
            loop.setImmediate(log.rec("imm2"));
            loop.execute(log.rec("task")); // the next turn's task phase comes before its immediates
            loop.setTimeout(log.rec("timer"), 1);
            spin(3); // the timer is due at the next turn
        });

        loop.run();

        assertEquals(List.of("imm1", "timer", "task", "imm2"), log.all());
    }

    @Test
    void intervalRepeatsUntilCleared() {
        // Taken before the loop exists, as in refUndoesUnref: the timer counts from the loop's
        // cached time, which a pause between the loop's creation and this line would leave behind.
        long start = System.nanoTime();
        EventLoop loop = kit.guardedLoop();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Timer> iv = new AtomicReference<>();
        iv.set(loop.setInterval(() -> {
            log.add("iv" + runs.incrementAndGet());
            if (runs.get() == 3) iv.get().clear();
        }, 5));

        loop.run(); // returns only once the interval is cleared

        assertEquals(List.of("iv1", "iv2", "iv3"), log.all());
        assertTrue(millisSince(start) >= 14, "three periods of 5 ms took " + millisSince(start) + " ms");
    }

    @Test
    void intervalClearedFromAnotherCallbackStops() {
        EventLoop loop = kit.guardedLoop();
        Timer iv = loop.setInterval(log.rec("iv"), 2);
        loop.setTimeout(() -> {
            log.add("stop");
            iv.clear();
        }, 30);

        loop.run();

        assertEquals("stop", log.all().get(log.all().size() - 1));
        assertTrue(log.all().size() >= 2, "interval of 2 ms never ran in 30 ms: " + log);
        assertFalse(log.contains(SocketTestKit.GUARD));
    }

    @Test
    void clearBeforeFiringPreventsTheCallback() {
        EventLoop loop = kit.guardedLoop();
        loop.setTimeout(log.rec("timeout"), 1).clear();
        loop.setInterval(log.rec("interval"), 1).clear();
        loop.setImmediate(log.rec("immediate")).clear();
        // Cleared by an earlier callback of the same pass, while already due.
        AtomicReference<Timer> later = new AtomicReference<>();
        loop.setTimeout(() -> {
            log.add("first");
            later.get().clear();
        }, 1);
        later.set(loop.setTimeout(log.rec("second"), 1));
        loop.setTimeout(() -> {
            log.add("third");
            // Cleared after being queued in this turn, before the immediate phase.
            loop.setImmediate(log.rec("imm-cleared")).clear();
        }, 1);
        spin(5);

        loop.run();

        assertEquals(List.of("first", "third"), log.all());
    }

    @Test
    void clearFromAnotherThreadBeforeFiring() throws Exception {
        EventLoop loop = kit.newLoop();
        Timer keepAlive = loop.setInterval(() -> { }, 60_000);
        Timer t = loop.setTimeout(log.rec("cleared"), 200);
        Thread th = loop.start();
        t.clear();                  // handed to the loop
        loop.setTimeout(log.rec("after"), 300);
        keepAlive.clear();
        th.join(5_000);
        assertFalse(th.isAlive());
        assertEquals(List.of("after"), log.all());
    }

    // ---------------------------------------------------------------- exit rule, ref / unref

    @Test
    void runReturnsByItselfWhenNothingIsLeft() {
        EventLoop loop = kit.newLoop();
        long start = System.nanoTime();
        loop.run();
        loop.setTimeout(log.rec("t"), 1);
        loop.run();
        loop.setImmediate(log.rec("imm"));
        loop.run();
        loop.nextTick(log.rec("tick"));
        loop.run();
        loop.execute(log.rec("task"));
        loop.run();
        assertEquals(List.of("t", "imm", "tick", "task"), log.all());
        assertTrue(millisSince(start) < 2_000, "took " + millisSince(start) + " ms");
    }

    @Test
    void unrefdTimerDoesNotHoldTheLoop() {
        EventLoop loop = kit.guardedLoop();
        Timer u = loop.setTimeout(log.rec("unref'd"), 1_000).unref();
        loop.setTimeout(log.rec("ref'd"), 10);
        long start = System.nanoTime();

        loop.run();

        long took = millisSince(start);
        assertEquals(List.of("ref'd"), log.all());
        assertTrue(took < 900, "run() waited for the unref'd timer: " + took + " ms");
        assertFalse(u.hasRef());
    }

    @Test
    void unrefdTimerAloneLetsRunReturnAtOnce() {
        EventLoop loop = kit.newLoop();
        loop.setTimeout(log.rec("unref'd"), 300).unref();
        loop.setInterval(log.rec("unref'd interval"), 300).unref();
        long start = System.nanoTime();

        loop.run();

        assertTrue(millisSince(start) < 250, "took " + millisSince(start) + " ms");
        assertEquals(List.of(), log.all());
    }

    @Test
    void unrefdTimerStillFiresWhileTheLoopIsAlive() {
        EventLoop loop = kit.guardedLoop();
        loop.setTimeout(log.rec("unref'd"), 5).unref();
        loop.setTimeout(log.rec("ref'd"), 40);

        loop.run();

        assertEquals(List.of("unref'd", "ref'd"), log.all());
    }

    @Test
    void refUndoesUnref() {
        // Taken before the loop exists: like libuv's, a timer counts from the loop's cached time
        // (updated when the loop is made and at each iteration), which may be a little older
        // than the setTimeout call, so a clock started after setTimeout could see it early.
        long start = System.nanoTime();
        EventLoop loop = kit.guardedLoop();
        Timer t = loop.setTimeout(log.rec("timer"), 50).unref();
        assertSame(t, t.ref());
        assertTrue(t.hasRef());

        loop.run();

        assertEquals(List.of("timer"), log.all());
        assertTrue(millisSince(start) >= 49, "took " + millisSince(start) + " ms");
    }

    @Test
    void pendingRefdTimerHoldsTheLoop() {
        long start = System.nanoTime(); // before the loop's cached time, as in refUndoesUnref
        EventLoop loop = kit.guardedLoop();
        loop.setTimeout(() -> log.add("fired after " + (millisSince(start) >= 79)), 80);

        loop.run();

        assertEquals(List.of("fired after true"), log.all());
    }

    @Test
    void unrefOfAClearedOrFiredTimerDoesNotUpsetTheCount() {
        EventLoop loop = kit.guardedLoop();
        Timer fired = loop.setTimeout(log.rec("fired"), 1);
        Timer cleared = loop.setTimeout(log.rec("cleared"), 1);
        cleared.clear();
        cleared.unref();
        cleared.ref();
        loop.run();
        // A fired timer's ref()/unref() must not make the loop wait (or stop) for it.
        fired.unref();
        fired.ref();
        loop.setTimeout(log.rec("second"), 1);
        long start = System.nanoTime();
        loop.run();
        assertEquals(List.of("fired", "second"), log.all());
        assertTrue(millisSince(start) < 2_000);
    }

    /** Node: {@code setImmediate(cb).unref()} alone lets the process exit without running cb. */
    @Test
    void unrefdImmediateDoesNotHoldTheLoop() {
        EventLoop loop = kit.guardedLoop();
        loop.setImmediate(log.rec("unref'd immediate")).unref();
        loop.run();
        assertEquals(List.of(), log.all());

        EventLoop loop2 = kit.guardedLoop();
        loop2.setImmediate(() -> {
            log.add("a");
            loop2.setImmediate(log.rec("unref'd b")).unref();
        });
        loop2.run();
        assertEquals(List.of("a"), log.all());
    }

    @Test
    void unrefdImmediateRunsWhileTheLoopIsAlive() {
        EventLoop loop = kit.guardedLoop();
        loop.setImmediate(log.rec("unref'd immediate")).unref();
        loop.setTimeout(log.rec("timer"), 50);
        loop.run();
        assertEquals(List.of("unref'd immediate", "timer"), log.all());
    }

    /** Node: setTimeout measures from the call, even after the loop was busy (GetNow refreshes the clock). */
    @Test
    void timeoutCountsFromTheCallEvenWhenSetUpTookLong() {
        EventLoop loop = kit.guardedLoop();
        spin(100); // set-up work after the loop was created
        long start = System.nanoTime();
        loop.setTimeout(() -> log.add("elapsed>=99: " + (millisSince(start) >= 99)), 100);

        loop.run();

        assertEquals(List.of("elapsed>=99: true"), log.all());
    }

    @Test
    void timeoutCountsFromTheCallEvenAfterALongCallback() {
        EventLoop loop = kit.guardedLoop();
        loop.setImmediate(() -> {
            spin(100); // a long callback: the turn's cached time is stale now
            long start = System.nanoTime();
            loop.setTimeout(() -> log.add("elapsed>=49: " + (millisSince(start) >= 49)), 50);
        });

        loop.run();

        assertEquals(List.of("elapsed>=49: true"), log.all());
    }

    // ---------------------------------------------------------------- execute() across threads

    @Test
    void executeFromFourThreadsRunsEachTaskOnceInPerThreadOrder() throws Exception {
        final int threads = 4;
        final int perThread = 50_000;
        EventLoop loop = kit.newLoop();
        int[] next = new int[threads];           // loop thread only
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        AtomicBoolean earlyTaskRan = new AtomicBoolean();
        AtomicReference<Thread> taskThread = new AtomicReference<>();

        Timer keepAlive = loop.setInterval(() -> { }, 60_000); // ref'd, no handle
        loop.execute(() -> earlyTaskRan.set(loop.inEventLoop())); // before the loop runs
        Thread loopThread = loop.start();
        assertFalse(loop.inEventLoop(), "inEventLoop() on the test thread while the loop runs");

        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        List<Boolean> producerInLoop = new CopyOnWriteArrayList<>();
        for (int p = 0; p < threads; p++) {
            final int id = p;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                producerInLoop.add(loop.inEventLoop());
                for (int i = 0; i < perThread; i++) {
                    final int seq = i;
                    loop.execute(() -> {
                        if (next[id] != seq) outOfOrder.incrementAndGet();
                        next[id] = seq + 1;
                        if (!loop.inEventLoop() || Thread.currentThread() != loopThread) offLoop.incrementAndGet();
                        taskThread.compareAndSet(null, Thread.currentThread());
                        total.incrementAndGet();
                    });
                }
            }, "producer-" + p);
            th.start();
            producers.add(th);
        }
        go.countDown();
        for (Thread th : producers) th.join();

        await().atMost(Duration.ofSeconds(30)).until(() -> total.get() >= threads * perThread);
        AtomicReference<int[]> seen = new AtomicReference<>();
        loop.execute(() -> seen.set(next.clone()));
        keepAlive.clear();
        loopThread.join(10_000);

        assertFalse(loopThread.isAlive(), "the loop did not stop after the keep-alive was cleared");
        assertTrue(earlyTaskRan.get(), "a task given before the loop ran did not run (on the loop)");
        assertEquals(threads * perThread, total.get());
        assertEquals(0, outOfOrder.get(), "tasks of one thread ran out of order (or twice / not at all)");
        assertEquals(0, offLoop.get(), "tasks ran off the loop thread");
        assertSame(loopThread, taskThread.get());
        int[] expected = new int[threads];
        java.util.Arrays.fill(expected, perThread);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(seen.get()));
        assertEquals(List.of(false, false, false, false), producerInLoop);
    }

    @Test
    void inEventLoopOnTheLoopThread() {
        EventLoop loop = kit.guardedLoop();
        assertTrue(loop.inEventLoop(), "set-up code before run() acts on the loop directly");
        loop.execute(() -> log.add("task " + loop.inEventLoop()));
        loop.setTimeout(() -> log.add("timer " + loop.inEventLoop()), 1);
        loop.setImmediate(() -> log.add("immediate " + loop.inEventLoop()));
        loop.nextTick(() -> log.add("tick " + loop.inEventLoop()));
        spin(5);
        loop.run();
        assertEquals(List.of("tick true", "task true", "timer true", "immediate true"), log.all());
    }

    @Test
    void tasksHandedOverFromAnotherThreadWakeASleepingLoop() throws Exception {
        EventLoop loop = kit.newLoop();
        Timer keepAlive = loop.setInterval(() -> { }, 60_000);
        Thread th = loop.start();
        // The loop sleeps in epoll_wait for a minute unless execute() wakes it.
        for (int i = 0; i < 20; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS), "task " + i + " did not wake the loop");
        }
        // Off-thread nextTick / setImmediate / setTimeout are handed over too.
        CountDownLatch all = new CountDownLatch(3);
        loop.nextTick(all::countDown);
        loop.setImmediate(all::countDown);
        loop.setTimeout(all::countDown, 1);
        assertTrue(all.await(5, TimeUnit.SECONDS));
        keepAlive.clear();
        th.join(5_000);
        assertFalse(th.isAlive());
    }

    // ---------------------------------------------------------------- start() / run() threads

    @Test
    void startNamesItsThreadAndASecondRunIsRefused() throws Exception {
        EventLoop loop = kit.newLoop();
        EventLoop other = kit.newLoop();
        Timer keepAlive = loop.setInterval(() -> { }, 60_000);
        Timer keepAlive2 = other.setInterval(() -> { }, 60_000);
        Thread th = loop.start();
        Thread th2 = other.start();
        assertTrue(th.getName().matches("usocket-loop-\\d+"), th.getName());
        assertTrue(th2.getName().matches("usocket-loop-\\d+"), th2.getName());
        assertNotEquals(th.getName(), th2.getName());

        AtomicReference<String> nameInTask = new AtomicReference<>();
        loop.execute(() -> nameInTask.set(Thread.currentThread().getName()));
        await().atMost(Duration.ofSeconds(5)).until(() -> nameInTask.get() != null);
        assertEquals(th.getName(), nameInTask.get());

        IllegalStateException e = assertThrows(IllegalStateException.class, loop::run);
        assertEquals("ERR_LOOP_RUNNING", ((CodedError) e).code());
        assertThrows(IllegalStateException.class, loop::start);

        keepAlive.clear();
        keepAlive2.clear();
        th.join(5_000);
        th2.join(5_000);
        assertFalse(th.isAlive());
        assertFalse(th2.isAlive());
        // Once stopped, the loop may be run again.
        loop.setTimeout(log.rec("again"), 1);
        loop.run();
        assertEquals(List.of("again"), log.all());
    }

    @Test
    void runFromACallbackOnTheLoopThreadIsRefused() {
        EventLoop loop = kit.guardedLoop();
        AtomicReference<Throwable> nested = new AtomicReference<>();
        loop.setTimeout(() -> {
            try {
                loop.run();
                log.add("nested run returned");
            } catch (Throwable e) {
                nested.set(e);
            }
            log.add("after nested run, inEventLoop on another thread: " + offThreadInEventLoop(loop));
        }, 1);
        loop.setTimeout(log.rec("later"), 20);

        loop.run();

        assertTrue(nested.get() instanceof IllegalStateException, String.valueOf(nested.get()));
        assertEquals("ERR_LOOP_RUNNING", ((CodedError) nested.get()).code());
        assertEquals(List.of("after nested run, inEventLoop on another thread: false", "later"), log.all());
    }

    private static boolean offThreadInEventLoop(EventLoop loop) {
        AtomicBoolean result = new AtomicBoolean(true);
        Thread t = new Thread(() -> result.set(loop.inEventLoop()));
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return result.get();
    }

    @Test
    void startOfAClosedLoopIsRefused() {
        EventLoop loop = kit.newLoop();
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, loop::start);
        assertEquals("ERR_LOOP_CLOSED", ((CodedError) e).code());
        assertTrue(loop.inEventLoop(), "no thread runs the loop");
    }

    // ---------------------------------------------------------------- uncaught exceptions (D17)

    private void schedule(EventLoop loop, String kind, Runnable r) {
        switch (kind) {
            case "timeout": loop.setTimeout(r, 1); break;
            case "interval": {
                // Runs once: it clears itself first, so that it does not hold the loop.
                AtomicReference<Timer> self = new AtomicReference<>();
                self.set(loop.setInterval(() -> {
                    self.get().clear();
                    r.run();
                }, 1));
                break;
            }
            case "immediate": loop.setImmediate(r); break;
            case "nextTick": loop.nextTick(r); break;
            case "task": loop.execute(r); break;
            default: throw new IllegalArgumentException(kind);
        }
    }

    private Runnable thrower(EventLoop loop, RuntimeException boom) {
        return () -> {
            log.add("thrower");
            loop.nextTick(log.rec("tick after throw"));
            throw boom;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeout", "interval", "immediate", "nextTick", "task"})
    void withoutHandlerAThrowingCallbackStopsTheLoopAndRunThrowsIt(String kind) {
        EventLoop loop = kit.guardedLoop();
        RuntimeException boom = new IllegalStateException("boom");
        schedule(loop, kind, thrower(loop, boom));
        schedule(loop, kind, log.rec("later same kind"));
        loop.setTimeout(log.rec("later timer"), 100);
        spin(5);

        RuntimeException thrown = assertThrows(RuntimeException.class, loop::run);

        assertSame(boom, thrown);
        assertEquals(List.of("thrower"), log.all());
    }

    @Test
    void withoutHandlerAnErrorIsRethrownAsItIs() {
        EventLoop loop = kit.guardedLoop();
        AssertionError err = new AssertionError("an Error");
        loop.setImmediate(() -> {
            throw err;
        });
        loop.setImmediate(log.rec("later"));
        AssertionError thrown = assertThrows(AssertionError.class, loop::run);
        assertSame(err, thrown);
        assertEquals(List.of(), log.all());
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeout", "interval", "immediate", "nextTick", "task"})
    void withHandlerTheHandlerGetsItAndTheLoopGoesOn(String kind) {
        EventLoop loop = kit.guardedLoop();
        List<Throwable> seen = new ArrayList<>();
        loop.onUncaughtException(e -> {
            seen.add(e);
            log.add("handler");
        });
        RuntimeException boom = new IllegalStateException("boom");
        schedule(loop, kind, thrower(loop, boom));
        schedule(loop, kind, log.rec("later same kind"));
        loop.setTimeout(log.rec("later timer"), 100);
        spin(5);

        loop.run();

        assertEquals(List.of(boom), seen);
        assertEquals(kind.equals("nextTick")
                // the tick queued by the thrower goes behind the one queued at set-up
                ? List.of("thrower", "handler", "later same kind", "tick after throw", "later timer")
                : List.of("thrower", "handler", "tick after throw", "later same kind", "later timer"), log.all());
    }

    @Test
    void aThrowingHandlerStopsTheLoop() {
        EventLoop loop = kit.guardedLoop();
        RuntimeException boom = new IllegalStateException("boom");
        RuntimeException fromHandler = new IllegalArgumentException("handler failed");
        loop.onUncaughtException(e -> {
            log.add("handler got " + e.getMessage());
            throw fromHandler;
        });
        loop.setTimeout(thrower(loop, boom), 1);
        loop.setTimeout(log.rec("later same pass"), 1);
        loop.setImmediate(log.rec("immediate"));
        loop.setTimeout(log.rec("later timer"), 100);
        spin(5);

        RuntimeException thrown = assertThrows(RuntimeException.class, loop::run);

        assertSame(fromHandler, thrown);
        assertEquals(List.of("thrower", "handler got boom"), log.all());
    }

    @Test
    void handlerSeesEveryExceptionOfATurn() {
        EventLoop loop = kit.guardedLoop();
        List<String> seen = new ArrayList<>();
        loop.onUncaughtException(e -> seen.add(e.getMessage()));
        loop.setImmediate(() -> {
            throw new IllegalStateException("a");
        });
        loop.setImmediate(() -> {
            loop.nextTick(() -> {
                throw new IllegalStateException("c");
            });
            throw new IllegalStateException("b");
        });
        loop.setImmediate(log.rec("third"));
        loop.run();
        assertEquals(List.of("a", "b", "c"), seen);
        assertEquals(List.of("third"), log.all());
    }

    @Test
    void runCanBeCalledAgainAfterAnUncaughtException() {
        EventLoop loop = kit.guardedLoop();
        RuntimeException boom = new IllegalStateException("boom");
        loop.setTimeout(() -> {
            throw boom;
        }, 1);
        loop.setTimeout(log.rec("later"), 30);
        assertSame(boom, assertThrows(RuntimeException.class, loop::run));
        loop.run(); // Node has exited by now; Java may resume the loop
        assertEquals(List.of("later"), log.all());
    }

    // ---------------------------------------------------------------- close()

    @Test
    void closeOfANewLoopReleasesItsDescriptors() {
        int before = TestFds.openFdCount();
        EventLoop loop = EventLoop.create();
        assertTrue(TestFds.openFdCount() > before, "a loop should own an epoll fd and an eventfd");
        loop.close();
        TestFds.assertNoLeak(before);
        loop.close(); // idempotent
        assertThrows(IllegalStateException.class, loop::run);
    }

    @Test
    void closeOfALoopThatRanReleasesItsDescriptors() {
        int before = TestFds.openFdCount();
        EventLoop loop = EventLoop.create();
        loop.setTimeout(log.rec("t"), 1);
        loop.setImmediate(log.rec("imm"));
        loop.run();
        loop.close();
        assertEquals(List.of("imm", "t"), log.all().stream().sorted().toList());
        TestFds.assertNoLeak(before);
    }

    @Test
    void closeFromAnotherThreadWhileRunningStopsTheLoopAndReleasesItsDescriptors() throws Exception {
        int before = TestFds.openFdCount();
        EventLoop loop = EventLoop.create();
        loop.setInterval(() -> { }, 60_000);            // would hold the loop for ever
        loop.setTimeout(log.rec("pending timer"), 30_000);
        CountDownLatch running = new CountDownLatch(1);
        loop.execute(running::countDown);
        Thread th = loop.start();
        assertTrue(running.await(5, TimeUnit.SECONDS));

        loop.close();                                   // waits for the loop to stop

        assertFalse(th.isAlive(), "close() returned before the loop thread ended");
        assertEquals(List.of(), log.all());
        TestFds.assertNoLeak(before);
        assertThrows(IllegalStateException.class, loop::run);
    }

    @Test
    void closeFromACallbackDropsPendingTimersAndReturnsFromRun() {
        int before = TestFds.openFdCount();
        EventLoop loop = EventLoop.create();
        loop.setTimeout(() -> {
            log.add("closer");
            loop.nextTick(log.rec("tick"));
            loop.close();
        }, 1);
        loop.setTimeout(log.rec("same pass"), 1);
        loop.setTimeout(log.rec("later"), 20);
        loop.setInterval(log.rec("interval"), 60_000);
        loop.setImmediate(log.rec("immediate"));
        loop.execute(log.rec("task")); // runs before the timers of the first turn
        spin(5);

        loop.run(); // returns, though ref'd timers were pending

        assertFalse(log.contains("same pass") || log.contains("later") || log.contains("immediate")
                || log.contains("interval"), log.toString());
        assertEquals(List.of("task", "closer"), log.all().subList(0, 2));
        TestFds.assertNoLeak(before);
    }

    @Test
    void closeBeforeRunDropsPendingTimers() {
        EventLoop loop = EventLoop.create();
        loop.setTimeout(log.rec("timer"), 1);
        loop.setImmediate(log.rec("immediate"));
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, loop::run);
        assertEquals("ERR_LOOP_CLOSED", ((CodedError) e).code());
        assertEquals(List.of(), log.all());
    }

    @Test
    void manyLoopsCreatedAndClosedLeakNothing() {
        int before = TestFds.openFdCount();
        for (int i = 0; i < 200; i++) {
            EventLoop loop = EventLoop.create();
            if (i % 2 == 0) {
                loop.setImmediate(() -> { });
                loop.run();
            }
            loop.close();
        }
        TestFds.assertNoLeak(before);
    }

    @Test
    void getDefaultReturnsTheSameLoop() {
        EventLoop a = EventLoop.getDefault();
        EventLoop b = EventLoop.getDefault();
        assertSame(a, b);
        assertNotEquals(a, kit.newLoop());
    }

    // ---------------------------------------------------------------- node 20

    /** The markers() helper of scripts/09-async-timing.js, minus the microtask one. */
    private void markers(EventLoop loop, String tag) {
        log.add(tag + ": sync-after-call");
        loop.nextTick(log.rec(tag + ": nextTick marker"));
        loop.setImmediate(log.rec(tag + ": setImmediate marker"));
    }

    @Test
    void nodeTimingNextTickBeforeImmediateFromEveryPhase() {
        EventLoop loop = kit.guardedLoop();
        markers(loop, "main");
        loop.setTimeout(() -> markers(loop, "timer"), 50);
        loop.setTimeout(() -> loop.execute(() -> markers(loop, "task")), 100);
        loop.setTimeout(() -> loop.setImmediate(() -> markers(loop, "immediate")), 150);

        loop.run();

        assertEquals(List.of(
                "main: sync-after-call", "main: nextTick marker", "main: setImmediate marker",
                "timer: sync-after-call", "timer: nextTick marker", "timer: setImmediate marker",
                "task: sync-after-call", "task: nextTick marker", "task: setImmediate marker",
                "immediate: sync-after-call", "immediate: nextTick marker",
                "immediate: setImmediate marker"), log.all());
    }
}
