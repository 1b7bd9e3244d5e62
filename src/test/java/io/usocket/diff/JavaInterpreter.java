package io.usocket.diff;

import io.usocket.CodedError;
import io.usocket.EventEmitter;
import io.usocket.EventLoop;
import io.usocket.SocketOptions;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;
import io.usocket.diff.Scenario.Op;
import io.usocket.diff.Scenario.Rule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a {@link Scenario} on this library, op for op as src/test/resources/diff/interp.js runs
 * it on node, on a fresh {@link EventLoop} in a thread of its own. A loop that has not finished
 * within {@link #WATCHDOG_MS} is a hang: the trace so far is returned with status
 * {@code HANG} and the loop is abandoned (closed on a side thread), so the harness goes on.
 */
final class JavaInterpreter {
    static final int QUIET_TURNS = 20;   // as interp.js: a scenario is over after this many quiet turns...
    static final long QUIET_MS = 30;     // ...and this long without an event
    static final long MAX_MS = 3000;     // still busy after this: TIMEOUT
    /** How long a scenario may run before it is a hang; {@code -Ddiff.watchdogMs} on a very slow machine. */
    static final long WATCHDOG_MS = Long.getLong("diff.watchdogMs", 10_000);
    /**
     * As interp.js {@code --slow} (node's run the harness requires to agree with its plain runs):
     * every traced event busy-waits past the next millisecond, so a 1 ms timer falls due at the
     * first timers phase after it was set, on both sides. Without it, whether a fast loop turns
     * once or five times before a {@code setTimeout(0)} is due is a matter of the clock.
     * {@code -Ddiff.javaSlow=false} turns it off.
     */
    static final boolean SLOW = Boolean.parseBoolean(System.getProperty("diff.javaSlow", "true"));
    static final List<String> SOCKET_EVENTS = List.of("connect", "ready", "end", "prefinish", "finish", "close", "error", "drain", "timeout");

    private final Path dir;
    private int index;

    JavaInterpreter(Path dir) {
        this.dir = dir;
    }

    /** The trace of one scenario: status {@code ok}, {@code TIMEOUT} or {@code HANG}. */
    Trace run(Scenario sc) {
        String serverPath = switch (sc.listenPath()) {
            case "nodir" -> dir.resolve("nodir" + index).resolve("s.sock").toString();
            default -> dir.resolve("j" + index + ".sock").toString();
        };
        Run run = new Run(sc, serverPath, dir.resolve("j" + index + ".file").toString(), dir.resolve("jmissing" + index + ".sock").toString());
        index++;
        Thread t = new Thread(run::execute, "diff-java-" + sc.seed());
        t.setDaemon(true);
        t.start();
        try {
            t.join(WATCHDOG_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            Thread closer = new Thread(run.loop::close, "diff-close-" + sc.seed());
            closer.setDaemon(true);
            closer.start();
            List<String> partial = run.snapshot();
            partial.add("main HANG" + (run.done ? " after cleanup (run() did not return)" : ""));
            return new Trace(sc.seed(), "HANG", partial);
        }
        return new Trace(sc.seed(), run.timedOut ? "TIMEOUT" : "ok", run.snapshot(), run.revivedEarly);
    }

    /** One scenario's state; everything but {@link #snapshot()} runs on the loop's thread. */
    private static final class Run {
        final Scenario sc;
        final String sockPath;
        final String filePath;
        final String missingPath;
        final EventLoop loop = EventLoop.create();
        final List<String> trace = new ArrayList<>();
        final Map<String, EventEmitter> objs = new LinkedHashMap<>();
        final Map<String, Map<String, Consumer<Object>>> removable = new HashMap<>();
        final Map<String, Integer> counts = new HashMap<>();
        /** Sockets connect() revived before their destroy's tick ran (see {@link Trace}). */
        final Set<String> revivedEarly = new HashSet<>();
        volatile boolean done;
        boolean timedOut;
        long last = System.nanoTime();
        long started = System.nanoTime();
        int quietTurns;
        int pending;
        int nextS = 1;

        Run(Scenario sc, String sockPath, String filePath, String missingPath) {
            this.sc = sc;
            this.sockPath = sockPath;
            this.filePath = filePath;
            this.missingPath = missingPath;
        }

        /** Whether {@code obj} already emitted {@code event} (loop thread). */
        synchronized boolean traced(String obj, String event) {
            String prefix = obj + " " + event;
            for (String e : trace) if (e.equals(prefix) || e.startsWith(prefix + " ")) return true;
            return false;
        }

        synchronized List<String> snapshot() {
            return new ArrayList<>(trace);
        }

        synchronized void log(String obj, String what) {
            if (done) return;
            trace.add(obj + " " + what);
            last = System.nanoTime();
            quietTurns = 0;
        }

        void execute() {
            try {
                // interp.js starts each scenario from the previous one's setTimeout (its promise
                // continuation runs in node's timers phase): start it from a timer here too, so
                // the scenario's first ops and the timers they set see the same phase.
                loop.setTimeout(() -> {
                    try {
                        setUp();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, 5);
                loop.run();
            } catch (Throwable e) {
                log("main", "run threw " + errText(e));
                done = true;
            } finally {
                loop.close();
            }
        }

        private void setUp() throws IOException {
            loop.onUncaughtException(e -> log("main", "uncaught " + errText(e)));
            if (sc.listenPath().equals("taken")) Files.writeString(Path.of(sockPath), "not a socket");
            Files.writeString(Path.of(filePath), "not a socket");
            UServer server = new UServer(loop, new SocketOptions().allowHalfOpen(sc.serverHalfOpen()));
            if (sc.maxConnections() > 0) server.maxConnections(sc.maxConnections());
            objs.put("server", server);
            for (String ev : List.of("listening", "close", "error", "drop")) server.on(ev, recorder("server", ev));
            server.on("connection", (USocket sock) -> {
                if (done) {
                    sock.destroy();
                    return;
                }
                String name = "s" + nextS++;
                watchSocket(name, sock);
                recorder("server", "connection").accept(null);
                fire(name, "accepted");
            });
            for (int i = 1; i <= sc.clients(); i++) {
                watchSocket("c" + i, new USocket(loop, new SocketOptions().allowHalfOpen(sc.clientHalfOpen().get(i - 1))));
            }
            try {
                server.listen(sockPath);
                log("server", "listen()");
            } catch (RuntimeException e) {
                log("server", "listen threw " + errText(e));
            }
            fire("main", "start");
            loop.setImmediate(this::sentinel);
        }

        private void sentinel() {
            long now = System.nanoTime();
            boolean over = (now - started) / 1_000_000 > MAX_MS;
            if (!over && (pending > 0 || ++quietTurns < QUIET_TURNS)) {
                loop.setImmediate(this::sentinel);
                return;
            }
            long quietMs = (now - last) / 1_000_000;
            if (!over && quietMs < QUIET_MS) {
                // As interp.js: quiet for a few turns, then wait for stragglers without spinning.
                loop.setTimeout(this::sentinel, QUIET_MS - quietMs);
                return;
            }
            timedOut = over;
            done = true;
            for (Map.Entry<String, EventEmitter> e : objs.entrySet()) {
                if (e.getValue() instanceof UServer s) s.close();
                else ((USocket) e.getValue()).destroy();
            }
        }

        private void fire(String obj, String event) {
            int n = counts.merge(obj + " " + event, 1, Integer::sum);
            for (Rule rule : sc.rules()) {
                if (rule.obj().equals(obj) && rule.event().equals(event) && rule.nth() == n) schedule(rule);
            }
        }

        private void schedule(Rule rule) {
            Runnable run = () -> {
                if (!done) for (Op op : rule.ops()) doOp(op);
            };
            switch (rule.defer()) {
                case "sync" -> run.run();
                case "tick" -> loop.nextTick(later(run));
                case "immediate" -> loop.setImmediate(later(run));
                case "immediate2" -> loop.setImmediate(later(() -> loop.setImmediate(later(run))));
                case "timeout0" -> loop.setTimeout(later(run), 0);
                default -> throw new IllegalArgumentException("defer " + rule.defer());
            }
        }

        private Runnable later(Runnable r) {
            pending++;
            return () -> {
                pending--;
                r.run();
            };
        }

        private Consumer<Object> recorder(String name, String ev) {
            return arg -> {
                if (done) return;
                slowHere();
                switch (ev) {
                    case "data" -> log(name, "data " + text(arg));
                    case "error" -> log(name, "error " + errText(arg));
                    // Java has no undefined: a listener of an event emitted with no argument
                    // (emit("close"), as node's emitCloseNT for a socket that never had a handle)
                    // gets null. USocket emits 'close' with a boolean otherwise, never null, so a
                    // null here is node's undefined.
                    case "close" -> log(name, "close" + (name.equals("server") ? "" : " " + (arg == null ? "undefined" : arg)));
                    default -> log(name, ev);
                }
                fire(name, ev);
            };
        }

        private void watchSocket(String name, USocket sock) {
            objs.put(name, sock);
            removable.put(name, new HashMap<>());
            for (String ev : SOCKET_EVENTS) sock.on(ev, recorder(name, ev));
            if (!sc.noData().contains(name)) addData(name, sock);
        }

        private void addData(String name, USocket sock) {
            if (removable.get(name).containsKey("data")) return;
            Consumer<Object> rec = recorder(name, "data");
            removable.get(name).put("data", rec);
            sock.on("data", rec);
        }

        private void addReadable(String name, USocket sock, boolean drain) {
            if (removable.get(name).containsKey("readable")) return;
            Consumer<Object> rec = recorder(name, "readable");
            Consumer<Object> listener = arg -> {
                rec.accept(arg);
                if (drain && !done) {
                    byte[] chunk;
                    while ((chunk = sock.read()) != null) log(name, "read()=" + text(chunk).substring(2));
                    log(name, "read()=null");
                }
            };
            removable.get(name).put("readable", listener);
            sock.on("readable", listener);
        }

        private void remove(String name, USocket sock, String ev) {
            Consumer<Object> r = removable.get(name).remove(ev);
            if (r != null) sock.off(ev, r);
        }

        private Consumer<Throwable> cbFor(String name, String what) {
            return err -> {
                if (done) return;
                slowHere();
                log(name, what + " " + errText(err));
            };
        }

        private void doOp(Op op) {
            String name = op.target();
            EventEmitter obj = objs.get(name);
            if (obj == null) {
                log(name, op.op() + " skipped");
                return;
            }
            try {
                if (obj instanceof UServer server) {
                    if (!op.op().equals("close")) throw new IllegalArgumentException("server op " + op.op());
                    server.close(cbFor(name, "close-cb"));
                    log(name, "close()");
                    return;
                }
                USocket s = (USocket) obj;
                switch (op.op()) {
                    case "connect" -> {
                        // Never connected and destroyed, its 'close' not yet emitted: the destroy's
                        // tick is still to come (it emits that 'close'), after this revival.
                        if (s.destroyed() && !traced(name, "close") && !traced(name, "connect")) revivedEarly.add(name);
                        String t = sc.clientTargets().get(Integer.parseInt(name.substring(1)) - 1);
                        s.connect(t.equals("missing") ? missingPath : t.equals("file") ? filePath : sockPath);
                    }
                    case "write" -> log(name, "write(" + op.data() + ")=" + (op.cb()
                            ? s.write(op.data(), cbFor(name, "write-cb(" + op.data() + ")")) : s.write(op.data())));
                    case "writeBig" -> {
                        byte[] big = new byte[op.size()];
                        Arrays.fill(big, (byte) 'x');
                        log(name, "writeBig(" + op.size() + ")=" + s.write(big));
                    }
                    case "end" -> {
                        if (op.data() != null && op.cb()) s.end(op.data(), cbFor(name, "end-cb"));
                        else if (op.data() != null) s.end(op.data());
                        else if (op.cb()) s.end(cbFor(name, "end-cb"));
                        else s.end();
                        log(name, "end(" + (op.data() == null ? "" : op.data()) + ")");
                    }
                    case "destroy" -> {
                        if (op.err()) s.destroy(new USocketException("EBOOM", "boom"));
                        else s.destroy();
                        log(name, "destroy(" + (op.err() ? "EBOOM" : "") + ")");
                    }
                    case "pause" -> {
                        s.pause();
                        log(name, "pause");
                    }
                    case "resume" -> {
                        s.resume();
                        log(name, "resume");
                    }
                    case "cork" -> {
                        s.cork();
                        log(name, "cork");
                    }
                    case "uncork" -> {
                        s.uncork();
                        log(name, "uncork");
                    }
                    case "read" -> {
                        byte[] r = op.n() < 0 ? s.read() : s.read(op.n());
                        log(name, "read(" + (op.n() < 0 ? "" : op.n()) + ")=" + (r == null ? "null" : text(r).substring(2)));
                    }
                    case "setEncoding" -> {
                        s.setEncoding("utf8");
                        log(name, "setEncoding");
                    }
                    case "onData" -> {
                        addData(name, s);
                        log(name, "on(data)");
                    }
                    case "offData" -> {
                        remove(name, s, "data");
                        log(name, "off(data)");
                    }
                    case "onReadable" -> {
                        addReadable(name, s, op.drain());
                        log(name, "on(readable" + (op.drain() ? ",drain" : "") + ")");
                    }
                    case "offReadable" -> {
                        remove(name, s, "readable");
                        log(name, "off(readable)");
                    }
                    case "pipe" -> {
                        EventEmitter dst = objs.get(op.dst());
                        if (dst == null) {
                            log(name, "pipe skipped");
                            return;
                        }
                        s.pipe((USocket) dst, op.end());
                        log(name, "pipe(" + op.dst() + "," + op.end() + ")");
                    }
                    case "unshift" -> {
                        s.unshift(op.data().getBytes(StandardCharsets.UTF_8));
                        log(name, "unshift(" + op.data() + ")");
                    }
                    case "state" -> log(name, "state " + s.readyState() + " destroyed=" + s.destroyed()
                            + " rl=" + s.readableLength() + " wl=" + s.writableLength()
                            + " br=" + s.bytesRead() + " bw=" + s.bytesWritten());
                    case "setTimeout" -> {
                        s.setTimeout(op.ms());
                        log(name, "setTimeout(" + op.ms() + ")");
                    }
                    default -> throw new IllegalArgumentException("op " + op.op());
                }
            } catch (RuntimeException e) {
                log(name, op.op() + " threw " + errText(e));
            }
        }
    }

    /** interp.js's --slow busy-wait (see {@link #SLOW}). */
    static void slowHere() {
        if (!SLOW) return;
        long until = System.nanoTime() + 1_200_000L;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }

    /** As interp.js: an error's code, or {@code Error:message} when it has none; {@code null} for none. */
    static String errText(Object e) {
        if (e == null) return "null";
        if (e instanceof CodedError c && c.code() != null) return c.code();
        if (e instanceof Throwable t) return "Error:" + t.getMessage();
        return String.valueOf(e);
    }

    /** As interp.js: {@code s:} for a string chunk, {@code b:} for bytes; long ones by length. */
    static String text(Object chunk) {
        String typed = chunk instanceof String ? "s:" : "b:";
        String str = chunk instanceof String s ? s : new String((byte[]) chunk, StandardCharsets.ISO_8859_1);
        return typed + (str.length() <= 40 ? str : "#" + str.length());
    }
}
