package io.usocket;

import io.usocket.internal.sys.Epoll;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A single-threaded event loop on epoll: the Java stand-in for the libuv loop a node process runs.
 *
 * <p>Every listener and callback of the sockets and servers created on a loop runs on the thread
 * that runs it. One turn goes as in Node: due timers (in due order, ties in creation order), then
 * I/O callbacks and tasks handed over from other threads, then immediates; the
 * {@link #nextTick} queue is drained after every callback. {@link #run()} returns when no
 * referenced socket, server, timer or task is left, as a node process exits.
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
    private IoHandle[] watchers = new IoHandle[256];
    private long timerSeq;
    private int refHandles;
    private int refTimers;
    private long now;
    private volatile Thread thread;
    private Consumer<Throwable> uncaughtHandler;
    private Throwable fatal;
    private volatile boolean closed;
    private boolean released;
    /** run() is executing (guarded by this): a nested run() from a callback is refused. */
    private boolean running;
    private MsgIo msgIo;

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
            if ((thread != null && thread != me) || running) {
                throw new InvalidStateException("ERR_LOOP_RUNNING", "The event loop is already running on " + thread.getName());
            }
            thread = me;
            running = true;
        }
        try {
            loop();
        } finally {
            synchronized (this) {
                thread = null;
                running = false;
            }
            sleeping.set(false);
            Throwable t = fatal;
            fatal = null;
            if (t != null) rethrow(t);
        }
    }

    /**
     * Runs the loop on a new thread named {@code usocket-loop-N}, as {@link #run()} would.
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

    private void loop() {
        now = System.nanoTime() / 1_000_000;
        drainTicks();
        runTasks();
        while (!closed && fatal == null) {
            updateNow();
            runTimers();
            if (closed || fatal != null || !alive()) break;
            poll();
            runTasks();
            runImmediates();
        }
        if (closed) release();
    }

    private boolean alive() {
        // Ref'd immediates are counted in refTimers; an unref'd one alone does not hold the loop (Node).
        return refHandles > 0 || refTimers > 0 || !ticks.isEmpty() || !tasks.isEmpty();
    }

    private void poll() {
        int timeout = 0;
        if (immediates.isEmpty() && ticks.isEmpty()) {
            Timer next = timers.peek();
            timeout = next == null ? -1 : (int) Math.max(0, Math.min(Integer.MAX_VALUE, next.due - now));
        }
        if (timeout != 0) {
            sleeping.set(true);
            if (!tasks.isEmpty()) timeout = 0;
        }
        int n = epoll.poll(timeout);
        sleeping.set(false);
        updateNow();
        int wakeFd = epoll.wakeFd();
        for (int i = 0; i < n && !closed && fatal == null; i++) {
            int fd = epoll.fd(i);
            if (fd == wakeFd) {
                epoll.drainWakeup();
                continue;
            }
            IoHandle h = fd < watchers.length ? watchers[fd] : null;
            if (h != null) {
                int ops = epoll.ops(i);
                invoke(() -> h.onIo(ops));
            }
        }
    }

    private void updateNow() {
        now = System.nanoTime() / 1_000_000;
    }

    private void runTimers() {
        Timer t;
        while (fatal == null && !closed && (t = timers.peek()) != null && t.due <= now) {
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

    private void drainTicks() {
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

    /** Hands a task to the loop; safe from any thread. Tasks from one thread run in the order given. */
    @Override
    public void execute(Runnable task) {
        if (task == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"task\" argument must be a Runnable. Received null");
        tasks.add(task);
        if (sleeping.compareAndSet(true, false)) epoll.wakeup();
    }

    /**
     * Whether the caller may act on the loop's state directly: it is the loop's thread, or no
     * thread runs the loop (set-up code before {@link #run()}, like a node main module).
     *
     * @return whether the calling thread is the loop's thread
     */
    public boolean inEventLoop() {
        Thread t = thread;
        return t == null || t == Thread.currentThread();
    }

    /** Runs {@code r} now when on the loop (see {@link #inEventLoop()}), else hands it to the loop. */
    void onLoop(Runnable r) {
        if (inEventLoop()) r.run();
        else execute(r);
    }

    /**
     * Queues {@code task} to run right after the current callback, before any I/O. Node: {@code process.nextTick}.
     *
     * @param task what to run, on the loop thread
     */
    public void nextTick(Runnable task) {
        if (inEventLoop()) ticks.add(task);
        else execute(() -> ticks.add(task));
    }

    /**
     * Runs {@code task} once after {@code ms} milliseconds (at least 1, as in Node). Node: {@code setTimeout}.
     *
     * @param task what to run, on the loop thread
     * @param ms milliseconds
     * @return the timer, which can clear it
     */
    public Timer setTimeout(Runnable task, long ms) {
        return schedule(new Timer(this, task, -1), ms);
    }

    /**
     * Runs {@code task} every {@code ms} milliseconds until cleared. Node: {@code setInterval}.
     *
     * @param task what to run, on the loop thread
     * @param ms milliseconds
     * @return the timer, which can clear it
     */
    public Timer setInterval(Runnable task, long ms) {
        return schedule(new Timer(this, task, Math.max(1, ms)), ms);
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
        long delay = Math.max(1, ms);
        onLoop(() -> {
            if (closed) return;
            updateNow(); // Node measures from the call (GetNow refreshes libuv's time), not from the turn's start
            t.due = now + delay;
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
            execute(() -> closed = true);
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
        if (t == null) release();
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
        timers.clear();
        immediates.clear();
        ticks.clear();
        tasks.clear();
        refHandles = 0;
        refTimers = 0;
        epoll.close();
    }

    // ---- for UServer and USocket (loop thread only) ----

    long now() {
        return now;
    }

    /** The loop's sendmsg/recvmsg buffers, shared by its sockets since all their I/O runs here. */
    MsgIo msgIo() {
        if (msgIo == null) msgIo = new MsgIo();
        return msgIo;
    }

    /** A handle now owns a descriptor: it keeps the loop alive while {@code ref}. */
    void addHandle(IoHandle h) {
        if (handles.add(h) && h.hasRef()) refHandles++;
    }

    /** The handle has released its descriptor. */
    void removeHandle(IoHandle h) {
        if (handles.remove(h) && h.hasRef()) refHandles--;
    }

    /** A live handle's ref() or unref(). */
    void handleRefChanged(IoHandle h) {
        if (handles.contains(h)) refHandles += h.hasRef() ? 1 : -1;
    }

    /** Starts epoll interest in {@code fd}; returns 0 or the errno. */
    int watch(int fd, IoHandle h, int interest) {
        if (fd >= watchers.length) watchers = Arrays.copyOf(watchers, Math.max(fd + 1, watchers.length * 2));
        watchers[fd] = h;
        int err = epoll.control(Sys.EPOLL_CTL_ADD, fd, interest);
        if (err != 0) watchers[fd] = null;
        return err;
    }

    /** Changes the interest set of a watched fd. */
    void rewatch(int fd, int interest) {
        epoll.control(Sys.EPOLL_CTL_MOD, fd, interest);
    }

    /**
     * Forgets {@code fd} just before the caller closes it, without an epoll_ctl: closing the only
     * descriptor of a socket removes it from epoll. Only for fds the library created and never
     * shared; anything else needs {@link #unwatch}.
     */
    void forget(int fd) {
        if (fd < watchers.length) watchers[fd] = null;
    }

    /** Stops watching {@code fd}; call before closing it, since dup'd descriptors keep it in epoll. */
    void unwatch(int fd) {
        if (fd < watchers.length && watchers[fd] != null) {
            watchers[fd] = null;
            epoll.control(Sys.EPOLL_CTL_DEL, fd, 0);
        }
    }
}
