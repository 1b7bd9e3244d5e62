package io.usocket;

import io.usocket.internal.sys.Epoll;
import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.MsgIo;
import io.usocket.internal.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A single-threaded event loop on epoll: the Java stand-in for the libuv loop a node process runs.
 *
 * <p>One turn is libuv's {@code uv_run}: due timers (in due order, ties in creation order),
 * pending callbacks (I/O completions libuv defers), poll for I/O (tasks handed over from other
 * threads run there too), pending callbacks the poll produced, check ({@link #setImmediate}),
 * closing handles (a socket's {@code 'close'}). The {@link #nextTick} queue is drained after
 * every callback. {@link #run()} returns when no active referenced handle (a socket that reads
 * or waits to write, connect or shut down; a listening server), timer, pending or closing
 * callback or task is left, as a node process exits (decisions D21, D26).
 *
 * <p>Thread rule (decisions D20): the thread running the loop owns its state; a call from any
 * other thread is handed to the loop as a task. While no thread runs it, calls act directly,
 * serialized on the loop's monitor, so set-up from several threads before {@link #start()}
 * loses nothing. {@link #execute}, {@link #nextTick}, the timer methods and {@link #close()}
 * are safe from any thread.
 *
 * <p>An exception thrown by a callback, or an {@code 'error'} emitted with no listener, goes to
 * the handler set with {@link #onUncaughtException}; with none, the loop stops and {@code run()}
 * throws it (Node's crash on an uncaught exception).
 */
public final class EventLoop implements Executor, AutoCloseable {
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static EventLoop defaultLoop;
    private static final int MAX_TASKS_PER_TURN = 1024;

    private final Epoll epoll;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** True while the loop may be blocked in epoll_wait: only then does execute() pay a syscall. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final ArrayDeque<Runnable> ticks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private ArrayDeque<Timer> immediates = new ArrayDeque<>();
    private ArrayDeque<Timer> runningImmediates = new ArrayDeque<>();
    private final Set<IoHandle> handles = Collections.newSetFromMap(new IdentityHashMap<>());
    /** libuv's pending queue: I/O completions deferred out of the call that made them (uv__io_feed). */
    private ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private ArrayDeque<Runnable> runningPending = new ArrayDeque<>();
    /** libuv's closing handles: close callbacks, run in the last phase of a turn (uv__run_closing_handles). */
    private ArrayDeque<Runnable> closing = new ArrayDeque<>();
    private ArrayDeque<Runnable> runningClosing = new ArrayDeque<>();
    private IoHandle[] watchers = new IoHandle[256];
    /** libuv's watcher queue: handles whose epoll interest changed since the last poll. */
    private final ArrayDeque<IoHandle> watcherQueue = new ArrayDeque<>();
    /** The size of the poll batch being dispatched (0 outside it): ioClose drops a closed fd's events from it. */
    private int dispatching;
    private long timerSeq;
    /** Handles that are active and referenced (libuv's active_handles, less the unref'd ones). */
    private int activeHandles;
    private int refTimers;
    /** Handles with a request pending, ref'd or not (libuv's active_reqs; node-semantics N43). */
    private int activeReqs;
    private long now;
    /**
     * The thread that owns the loop's state while it runs (decisions D20): set by run()/start()
     * under this loop's monitor, null while no thread runs it. While null, set-up calls act on
     * the state directly but only under this loop's monitor ({@link #onLoop}), so calls from
     * several threads before start() are serialized, none lost.
     */
    private volatile Thread thread;
    private volatile Consumer<Throwable> uncaughtHandler; // set from any thread, read by the loop
    private Throwable fatal;
    private volatile boolean closed;
    private boolean released;
    /** run() is executing (guarded by this): a nested run() from a callback is refused. */
    private boolean running;
    private MsgIo msgIo;
    /** Wake-ups of threads blocked on this loop from outside, run when it stops (decisions D55). */
    private final Set<Runnable> stopWaiters = ConcurrentHashMap.newKeySet();
    /** The uncaught exception that ended the last run(), for the error of waits it cut short. */
    private volatile Throwable stopCause;

    private EventLoop() {
        try {
            epoll = new Epoll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        now = System.nanoTime() / 1_000_000;
    }

    /**
     * A new loop with its own epoll instance. Node has one implicit loop; Java programs may have several.
     *
     * @return a new loop
     */
    public static EventLoop create() {
        return new EventLoop();
    }

    /**
     * The process-wide loop used by constructors that take none, like Node's single loop.
     *
     * @return the default loop
     */
    public static synchronized EventLoop getDefault() {
        if (defaultLoop == null || defaultLoop.closed) defaultLoop = new EventLoop();
        return defaultLoop;
    }

    /**
     * Runs the loop on the calling thread until nothing referenced is left (a node process's exit
     * rule), or until {@link #close()}.
     *
     * @throws IllegalStateException if the loop is already running on another thread or is closed
     * @throws RuntimeException the uncaught exception that stopped the loop, when no handler is set
     */
    public void run() {
        Thread me = Thread.currentThread();
        synchronized (this) {
            if (closed) throw new InvalidStateException("ERR_LOOP_CLOSED", "The event loop is closed");
            if (running || (thread != null && thread != me)) {
                throw new InvalidStateException("ERR_LOOP_RUNNING", "The event loop is already running on " + thread.getName());
            }
            thread = me;
            running = true;
        }
        try {
            loop();
        } finally {
            Throwable t = fatal;
            fatal = null;
            stopCause = t;
            synchronized (this) {
                thread = null;
                running = false;
            }
            sleeping.set(false);
            wakeStopWaiters(); // after thread = null: a waiter registered later sees the loop stopped
            if (t != null) rethrow(t);
        }
    }

    /**
     * Runs the loop on a new thread named {@code usocket-loop-N}, as {@link #run()} would. The
     * new thread owns the loop from this call on: calls made after start() returns are handed to it.
     *
     * @return the new thread running the loop
     */
    public Thread start() {
        Thread t = new Thread(this::run, "usocket-loop-" + THREAD_IDS.incrementAndGet());
        synchronized (this) {
            if (closed) throw new InvalidStateException("ERR_LOOP_CLOSED", "The event loop is closed");
            if (thread != null) throw new InvalidStateException("ERR_LOOP_RUNNING", "The event loop is already running");
            // Claimed before start() so calls made right after this return are handed over, not run here.
            thread = t;
        }
        t.start();
        return t;
    }

    /**
     * libuv's {@code uv_run} in default mode, phase by phase: timers, pending callbacks, (idle,
     * prepare: none here), poll for I/O (tasks from other threads arrive there, as libuv's async
     * handle does), pending callbacks the poll produced, check (immediates), closing handles.
     * Node drains its nextTick queue after every callback of every phase.
     */
    private void loop() {
        now = System.nanoTime() / 1_000_000;
        // What was queued before run() is the main module's work: it runs before the first turn.
        drainTicks();
        runTasks();
        boolean alive = alive();
        while (alive && !stopped()) alive = turn();
        if (closed) release();
    }

    /**
     * One turn of {@link #loop()}: the body of libuv's {@code uv_run} loop. It is a method of its
     * own so the JIT compiles it after a few thousand turns, as it does any hot method: inside
     * {@code loop()}, a method entered once, it stayed interpreted until on-stack replacement
     * after tens of thousands of turns (a second or more of a ping-pong's run, decisions D87).
     *
     * @return whether the loop is still alive ({@link #alive()})
     */
    private boolean turn() {
        updateNow();
        runTimers();
        if (stopped()) return false;
        runPending();
        if (stopped()) return false;
        poll(pollTimeout());
        for (int r = 0; r < 8 && !pending.isEmpty() && !stopped(); r++) runPending();
        if (stopped()) return false;
        runImmediates();
        if (stopped()) return false;
        runClosing();
        return alive();
    }

    private boolean stopped() {
        return closed || fatal != null;
    }

    /** libuv's {@code uv__loop_alive}: active referenced handles, pending work, closing handles (and Node's timers and ticks). */
    private boolean alive() {
        // Ref'd immediates are counted in refTimers; an unref'd one alone does not hold the loop (Node).
        return activeHandles > 0 || activeReqs > 0 || refTimers > 0 || !pending.isEmpty() || !closing.isEmpty()
                || !ticks.isEmpty() || !tasks.isEmpty();
    }

    /** libuv's {@code uv__backend_timeout}: 0 while anything is due now, else until the next timer. */
    private int pollTimeout() {
        if (!immediates.isEmpty() || !ticks.isEmpty() || !pending.isEmpty() || !closing.isEmpty()) return 0;
        if (activeHandles == 0 && activeReqs == 0 && refTimers == 0) return 0;
        Timer next = timers.peek();
        return next == null ? -1 : (int) Math.max(0, Math.min(Integer.MAX_VALUE, next.due - now));
    }

    private void poll(int timeout) {
        flushWatchers();
        if (timeout != 0) {
            sleeping.set(true);
            if (!tasks.isEmpty()) timeout = 0;
        }
        int n = epoll.poll(timeout);
        sleeping.set(false);
        updateNow();
        int wakeFd = epoll.wakeFd();
        dispatching = n;
        try {
            for (int i = 0; i < n && !stopped(); i++) {
                int fd = epoll.fd(i);
                if (fd < 0) continue; // closed since the poll (ioClose)
                if (fd == wakeFd) {
                    epoll.drainWakeup();
                    continue;
                }
                IoHandle h = fd < watchers.length ? watchers[fd] : null;
                if (h == null || h.pevents == 0) {
                    // libuv: an fd nobody watches any more is disarmed when it next reports.
                    epoll.control(Sys.EPOLL_CTL_DEL, fd, 0);
                    if (h != null) h.events = 0;
                    continue;
                }
                int ops = epoll.ops(i) & (h.pevents | Sys.EPOLLERR | Sys.EPOLLHUP);
                if (ops == 0) continue;
                try { // invoke()'s body, inlined: no lambda per ready fd on the hot path
                    h.onIo(ops);
                } catch (Throwable e) {
                    uncaught(e);
                }
                drainTicks();
            }
        } finally {
            dispatching = 0;
        }
        runTasks();
    }

    private void runPending() {
        ArrayDeque<Runnable> batch = pending;
        pending = runningPending;
        runningPending = batch;
        Runnable r;
        while ((r = batch.poll()) != null) {
            if (stopped()) continue;
            invoke(r);
        }
    }

    private void runClosing() {
        // Close callbacks queued while these run wait for the next turn, as in libuv.
        ArrayDeque<Runnable> batch = closing;
        closing = runningClosing;
        runningClosing = batch;
        Runnable r;
        while ((r = batch.poll()) != null) {
            if (stopped()) continue;
            invoke(r);
        }
    }

    private void updateNow() {
        now = System.nanoTime() / 1_000_000;
    }

    private void runTimers() {
        // Node's processTimers(now): the phase judges every timer against the time it started
        // with, though setTimeout() refreshes the loop's time meanwhile (decisions D85): a timer
        // set by a timer callback is never due in the same phase.
        long phaseNow = now;
        Timer t;
        while (!stopped() && (t = timers.peek()) != null && t.due <= phaseNow) {
            timers.poll();
            if (t.interval >= 0) {
                t.due = now + t.interval;
                t.seq = timerSeq++;
                timers.add(t);
            } else {
                t.pending = false;
                if (t.ref) refTimers--;
            }
            invoke(t.task);
        }
    }

    private void runImmediates() {
        ArrayDeque<Timer> batch = immediates;
        immediates = runningImmediates;
        runningImmediates = batch;
        Timer t;
        while ((t = batch.poll()) != null) {
            if (!t.pending) continue;
            t.pending = false;
            if (t.ref) refTimers--;
            if (fatal != null || closed) continue;
            invoke(t.task);
        }
    }

    private void runTasks() {
        // Bounded per turn, so a stream of execute() calls (or a task that re-submits itself)
        // cannot hold off timers and I/O; what is left runs next turn, which then does not sleep.
        Runnable r;
        for (int n = 0; n < MAX_TASKS_PER_TURN && fatal == null && !closed && (r = tasks.poll()) != null; n++) {
            invoke(r);
        }
    }

    /** Node's nextTick drain; also run by a socket between the chunks of one read (node-semantics N40). Loop thread. */
    void drainTicks() {
        Runnable r;
        while (fatal == null && (r = ticks.poll()) != null) {
            try {
                r.run();
            } catch (Throwable e) {
                uncaught(e);
            }
        }
    }

    /** Runs one callback as a turn of the loop does: guarded, then the nextTick queue. */
    private void invoke(Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            uncaught(e);
        }
        drainTicks();
    }

    private void uncaught(Throwable e) {
        Consumer<Throwable> h = uncaughtHandler;
        if (h == null) {
            if (fatal == null) fatal = e;
            return;
        }
        try {
            h.accept(e);
        } catch (Throwable again) {
            if (fatal == null) fatal = again;
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException) throw (RuntimeException) t;
        if (t instanceof Error) throw (Error) t;
        throw new USocketException("ERR_UNCAUGHT_EXCEPTION", String.valueOf(t.getMessage()), t);
    }

    /**
     * Hands a task to the loop; safe from any thread. Tasks from one thread run in the order given.
     *
     * @throws InvalidStateException {@code ERR_LOOP_CLOSED} once the loop is closed (decisions D22)
     */
    @Override
    public void execute(Runnable task) {
        if (task == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"task\" argument must be a Runnable. Received null");
        checkOpen();
        tasks.add(task);
        if (sleeping.compareAndSet(true, false)) epoll.wakeup();
    }

    /** Throws {@code ERR_LOOP_CLOSED} once the loop is closed (decisions D22). */
    void checkOpen() {
        if (closed) throw new InvalidStateException("ERR_LOOP_CLOSED", "The event loop is closed");
    }

    /**
     * Whether the caller may act on the loop's state (decisions D20): it is the loop's thread,
     * or no thread runs the loop (set-up code before {@link #run()}, like a node main module;
     * the library then serializes such calls on the loop's monitor).
     *
     * @return whether the calling thread is the loop's thread
     */
    public boolean inEventLoop() {
        Thread t = thread;
        return t == null || t == Thread.currentThread();
    }

    /** Whether the caller is the thread running the loop. */
    boolean isLoopThread() {
        return thread == Thread.currentThread();
    }

    /**
     * Runs {@code r} now when the caller may act on the loop: on the loop's thread, or, while no
     * thread runs the loop, under the loop's monitor (so set-up calls from several threads never
     * interleave). Otherwise hands it to the loop as a task. On a closed loop a call from
     * another thread is dropped: every handle is already closed.
     */
    void onLoop(Runnable r) {
        if (!runHere(r) && !closed) {
            try {
                execute(r);
            } catch (InvalidStateException closedMeanwhile) {
                // Closed between the check and the hand-over: the handles are gone, nothing to do.
            }
        }
    }

    /** Runs {@code r} if the caller may act on the loop (see {@link #onLoop}); false if it did not. */
    boolean runHere(Runnable r) {
        Thread t = thread;
        if (t == Thread.currentThread()) {
            r.run();
            return true;
        }
        if (t != null) return false;
        synchronized (this) {
            // run()/start() take the loop under this monitor: once they did, hand over instead.
            if (thread != null) return false;
            r.run();
            return true;
        }
    }

    /** Queues {@code r} on libuv's pending queue: it runs in the next pending phase. Loop thread. */
    void pending(Runnable r) {
        pending.add(r);
    }

    /** Queues a handle's close callback: it runs in this turn's closing phase (libuv's uv_close). Loop thread. */
    void closing(Runnable r) {
        // libuv prepends to loop->closing_handles: close callbacks run last-closed first.
        closing.addFirst(r);
    }

    /**
     * Queues {@code task} to run right after the current callback, before any I/O. Node: {@code process.nextTick}.
     *
     * @param task what to run, on the loop thread
     */
    public void nextTick(Runnable task) {
        if (isLoopThread()) ticks.add(task);
        else onLoop(() -> ticks.add(task));
    }

    /**
     * Runs {@code task} once after {@code ms} milliseconds. As in Node, a delay under 1 becomes
     * 1, and one above 2^31-1 becomes 1 with a {@code TimeoutOverflowWarning} (decisions D23).
     * Node: {@code setTimeout}.
     *
     * @param task what to run, on the loop thread
     * @param ms milliseconds
     * @return the timer, which can clear it
     */
    public Timer setTimeout(Runnable task, long ms) {
        return schedule(new Timer(this, task, -1), timerDuration(ms));
    }

    /**
     * Runs {@code task} every {@code ms} milliseconds until cleared; {@code ms} as for
     * {@link #setTimeout}. Node: {@code setInterval}.
     *
     * @param task what to run, on the loop thread
     * @param ms milliseconds
     * @return the timer, which can clear it
     */
    public Timer setInterval(Runnable task, long ms) {
        long delay = timerDuration(ms);
        return schedule(new Timer(this, task, delay), delay);
    }

    /** The largest timer delay Node keeps: 2^31-1 ms ({@code TIMEOUT_MAX} of node's lib/internal/timers.js). */
    static final long TIMEOUT_MAX = Integer.MAX_VALUE;

    /** Node's Timeout constructor: {@code !(after >= 1 && after <= TIMEOUT_MAX)} becomes 1, warning when it was too large. */
    private static long timerDuration(long ms) {
        if (ms >= 1 && ms <= TIMEOUT_MAX) return ms;
        if (ms > TIMEOUT_MAX) {
            warn("TimeoutOverflowWarning", ms + " does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.");
        }
        return 1;
    }

    /** Node's {@code process.emitWarning}: printed to stderr as node prints it. */
    static void warn(String type, String message) {
        System.err.println("(usocket) " + type + ": " + message);
    }

    /**
     * Runs {@code task} after this turn's I/O callbacks. Node: {@code setImmediate}.
     *
     * @param task what to run, on the loop thread
     * @return the timer, which can clear it
     */
    public Timer setImmediate(Runnable task) {
        Timer t = new Timer(this, task, -2);
        onLoop(() -> {
            t.pending = true;
            refTimers++;
            immediates.add(t);
        });
        return t;
    }

    private Timer schedule(Timer t, long ms) {
        if (t.task == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"callback\" argument must be a Runnable. Received null");
        long delay = ms;
        onLoop(() -> {
            if (closed) return;
            t.due = currentTime() + delay; // from the call, as Node measures, not from the turn's start
            t.seq = timerSeq++;
            t.pending = true;
            if (t.ref) refTimers++;
            timers.add(t);
        });
        return t;
    }

    void cancel(Timer t) {
        if (!t.pending) return;
        t.pending = false;
        if (t.ref) refTimers--;
        if (!t.isImmediate()) timers.remove(t);
    }

    void setTimerRef(Timer t, boolean ref) {
        if (t.ref == ref) return;
        t.ref = ref;
        if (t.pending) refTimers += ref ? 1 : -1;
    }

    /**
     * Where uncaught exceptions go instead of stopping the loop. Node: {@code process.on('uncaughtException')}.
     *
     * @param handler gets every uncaught exception; null restores the default (stop the loop, run() throws)
     */
    public void onUncaughtException(Consumer<Throwable> handler) {
        this.uncaughtHandler = handler;
    }

    /**
     * Destroys every socket and server of this loop (their descriptors are closed, no events are
     * emitted), drops pending timers and tasks, and releases the epoll and eventfd descriptors.
     * From another thread while the loop runs, it waits until the loop has stopped.
     */
    @Override
    public void close() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                execute(() -> closed = true);
            } catch (InvalidStateException alreadyClosing) {
                // a second close() while the loop winds down: just wait for it (close is idempotent)
            }
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // The loop may have ended by itself before it saw the task.
            closed = true;
            release();
            return;
        }
        closed = true;
        if (t == null) {
            release();
            wakeStopWaiters();
        }
    }

    // ---- for threads blocked on the loop from outside (decisions D55) ----

    /**
     * Whether this loop can still complete what a thread outside it waits for: it is open and a
     * thread runs it (or start() has claimed one).
     */
    boolean canDeliver() {
        return !closed && thread != null;
    }

    /** Whether {@link #close()} was called. */
    boolean isClosed() {
        return closed;
    }

    /** The uncaught exception that ended the last {@code run()}, or null. */
    Throwable stopCause() {
        return stopCause;
    }

    /** {@code wake} runs (once per stop, on the stopping thread) when the loop stops running or closes. */
    void addStopWaiter(Runnable wake) {
        stopWaiters.add(wake);
    }

    void removeStopWaiter(Runnable wake) {
        stopWaiters.remove(wake);
    }

    private void wakeStopWaiters() {
        for (Runnable w : stopWaiters) {
            try {
                w.run();
            } catch (RuntimeException ignored) {
                // A wake-up only signals; one failing must not keep the others asleep.
            }
        }
    }

    private synchronized void release() {
        if (released) return;
        released = true;
        for (IoHandle h : new ArrayList<>(handles)) {
            try {
                h.forceClose();
            } catch (RuntimeException ignored) {
                // Closing is best-effort: one handle failing must not keep the others open.
            }
        }
        handles.clear();
        Arrays.fill(watchers, null);
        watcherQueue.clear();
        pending.clear();
        closing.clear();
        timers.clear();
        immediates.clear();
        ticks.clear();
        tasks.clear();
        activeHandles = 0;
        activeReqs = 0;
        refTimers = 0;
        epoll.close();
    }

    // ---- for UServer and USocket (loop thread only) ----

    long now() {
        return now;
    }

    /** Node's {@code getLibuvNow()}: the loop's time brought up to date first (uv_update_time), as a timer's start. */
    long currentTime() {
        updateNow();
        return now;
    }

    /** The loop's sendmsg/recvmsg buffers, shared by its sockets since all their I/O runs here. */
    MsgIo msgIo() {
        if (msgIo == null) msgIo = new MsgIo();
        return msgIo;
    }

    /** A handle now owns a descriptor: {@link #close()} closes it. */
    void addHandle(IoHandle h) {
        handles.add(h);
    }

    /** The handle has released its descriptor. */
    void removeHandle(IoHandle h) {
        handles.remove(h);
    }

    /** A handle became active or inactive, or was ref'd or unref'd: libuv's active handle count. */
    void handleCountChanged(int delta) {
        activeHandles += delta;
    }

    /** A handle's pending requests started or ended (libuv's uv__req_register/unregister). */
    void requestCountChanged(int delta) {
        activeReqs += delta;
    }

    /**
     * libuv's {@code uv__io_start}/{@code uv__io_stop}: the events {@code h} wants on {@code fd}
     * from now on. As in libuv, epoll is told at the start of the next poll, in the order of
     * these calls (uv__io_poll's watcher queue): the kernel then sees the same sequence of
     * epoll_ctl calls as under node, and reports ready fds in the same order.
     */
    void ioSet(IoHandle h, int fd, int pevents) {
        if (fd >= watchers.length) watchers = Arrays.copyOf(watchers, Math.max(fd + 1, watchers.length * 2));
        watchers[fd] = h;
        h.fd = fd;
        h.pevents = pevents;
        if (pevents != h.events && !h.queued) {
            h.queued = true;
            watcherQueue.add(h);
        }
    }

    /**
     * {@code fd} is about to be closed: it is forgotten, as libuv's {@code uv__io_close} does.
     * It leaves epoll now: closing our descriptor removes it only when no other reference to
     * its socket is left, and one may be (a process being forked, which holds a copy of every
     * descriptor until it execs; a copy passed with SCM_RIGHTS; an adopted or inherited one).
     * A registration that outlived the close would report the old socket's events (its hang-up)
     * under the number the next socket gets. Its events still waiting in this poll's batch are
     * dropped, for the same reason.
     */
    void ioClose(IoHandle h, int fd) {
        if (fd < watchers.length && watchers[fd] == h) watchers[fd] = null;
        if (dispatching > 0) epoll.invalidate(fd, dispatching);
        if (h.events != 0) epoll.control(Sys.EPOLL_CTL_DEL, fd, 0);
        h.events = 0;
        h.pevents = 0;
        h.fd = -1;
    }

    /** The watcher queue reaches epoll (libuv's first loop of uv__io_poll). */
    private void flushWatchers() {
        IoHandle h;
        while ((h = watcherQueue.poll()) != null) {
            h.queued = false;
            // Nothing wanted: left registered, as libuv does; its next event disarms it.
            if (h.fd < 0 || h.pevents == h.events || h.pevents == 0) continue;
            int op = h.events == 0 ? Sys.EPOLL_CTL_ADD : Sys.EPOLL_CTL_MOD;
            int err = epoll.control(op, h.fd, h.pevents);
            if (err == Errno.EEXIST) err = epoll.control(Sys.EPOLL_CTL_MOD, h.fd, h.pevents);
            else if (err == Errno.ENOENT) err = epoll.control(Sys.EPOLL_CTL_ADD, h.fd, h.pevents);
            if (err != 0) {
                IoHandle failed = h;
                int e = err;
                invoke(() -> failed.onWatchError(e));
                continue;
            }
            h.events = h.pevents;
        }
    }
}
