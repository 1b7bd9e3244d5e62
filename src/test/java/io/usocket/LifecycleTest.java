package io.usocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * A connection's life: connect events (decisions D1), {@code 'close'(hadError)} (D2), the echo
 * round trip and readyState (N10, N11, node 20), setTimeout (N24), ref/unref
 * (N23), the options constructors (usocket's {@code new USocket({path})} / {@code {fd}}),
 * calls from other threads (D16) and close-on-exec (D19).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(5));
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    /** Records {@code events} of {@code s} as {@code "<name> <event> <readyState> destroyed=<b>"}. */
    private void traceState(USocket s, String name, String... events) {
        for (String ev : events) {
            if ("close".equals(ev)) {
                s.on("close", (Boolean had) -> log.add(name + " close(" + had + ") " + s.readyState() + " destroyed=" + s.destroyed()));
            } else {
                s.on(ev, () -> log.add(name + " " + ev + " " + s.readyState() + " destroyed=" + s.destroyed()));
            }
        }
    }

    // ---- D1 ----

    @Test
    void connectEmitsConnectConnectedReadyAndTheCallbackIsAOnceListenerOfConnected() {
        String p = kit.path("d1.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            log.add("S connection");
            log.trace(s, "S-sock", "connect", "connected", "ready", "close");
            s.resume();
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop);
            log.trace(c, "C", "connect", "connected", "ready", "close");
            c.connect(p, () -> log.add("C connect cb"));
            // the callback is a once-listener of 'connected', not of 'connect' or 'ready'
            log.add("C listeners connect=" + c.listenerCount("connect") + " connected=" + c.listenerCount("connected")
                    + " ready=" + c.listenerCount("ready"));
            c.on("ready", () -> {
                log.add("C connected listeners after=" + c.listenerCount("connected"));
                c.end();
            });
            c.on("close", () -> server.close());
        });
        loop.run();

        assertEquals(List.of("C listeners connect=1 connected=2 ready=1", "C connect", "C connected", "C connect cb",
                "C ready", "C connected listeners after=1", "C close(false)"), log.of("C"));
        // accepted sockets are connected from birth: none of the three
        assertEquals(List.of("S-sock close(false)"), log.of("S-sock"));
        assertTrue(log.contains("S connection"));
    }

    @Test
    void pathConstructorCallbackRunsOnConnectedAfterEarlierListeners() {
        String p = kit.path("d1b.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.resume());
        server.listen(p, () -> {
            USocket c = new USocket(loop, p, () -> log.add("C cb"));
            // added after the constructor's callback: runs after it
            log.trace(c, "C", "connect", "connected", "ready", "close");
            c.on("ready", () -> c.end());
            c.on("close", () -> server.close());
        });
        loop.run();
        assertEquals(List.of("C connect", "C cb", "C connected", "C ready", "C close(false)"), log.all());
    }

    // ---- D2 ----

    @Test
    void closeCarriesHadErrorAndZeroArgumentListenersWork() {
        String p = kit.path("d2.sock");
        UServer server = new UServer(loop);
        USocketException boom = new USocketException("ERR_TEST", "boom");
        AtomicReference<Throwable> seen = new AtomicReference<>();
        server.on("connection", (USocket s) -> {
            log.trace(s, "S", "end", "close");
            s.resume();
        });
        server.listen(p, () -> {
            USocket a = new USocket(loop, p);
            a.on("close", log.rec("A close()"));
            a.on("close", (Boolean had) -> log.add("A close(" + had + ")"));
            a.on("connected", () -> a.destroy());

            USocket b = new USocket(loop, p);
            b.on("error", (Throwable e) -> {
                seen.set(e);
                log.add("B error " + e.getMessage());
            });
            b.on("close", log.rec("B close()"));
            b.on("close", (Boolean had) -> log.add("B close(" + had + ")"));
            b.on("connected", () -> {
                b.destroy(boom);
                log.add("B destroyed=" + b.destroyed());
            });
        });
        // both clients closed and both accepted sockets saw end + close: then the server may close
        server.on("connection", (USocket s) -> s.on("close", () -> server.getConnections((e, n) -> {
            if (n == 0) server.close();
        })));
        loop.run();

        assertEquals(List.of("A close()", "A close(false)"), log.of("A"));
        assertEquals(List.of("B destroyed=true", "B error boom", "B close()", "B close(true)"), log.of("B"));
        assertSame(boom, seen.get(), "'error' carries the object given to destroy");
        // each peer sees a plain end and close(false) (N16)
        assertEquals(List.of("S end", "S close(false)", "S end", "S close(false)"), log.of("S"));
    }

    // ---- N10, N11 (node 20, first scenario) ----

    @Test
    void echoRoundTripFollowsNodesOrderAndReadyStates() {
        String p = kit.path("a.sock");
        UServer server = new UServer(loop);
        List<String> serverSide = new ArrayList<>();
        server.on("connection", (USocket s) -> {
            log.add("S connection " + s.readyState());
            traceState(s, "S-sock", "connect", "connected", "ready", "end", "prefinish", "finish", "close");
            s.on("data", (byte[] d) -> {
                log.add("S-sock data " + EventLog.text(d) + " " + s.readyState());
                s.write("echo:" + EventLog.text(d));
            });
        });
        server.on("close", log.rec("server close"));
        AtomicReference<USocket> client = new AtomicReference<>();
        server.listen(p, () -> {
            log.add("listen cb");
            USocket c = new USocket(loop);
            client.set(c);
            traceState(c, "C", "connect", "connected", "ready", "end", "prefinish", "finish", "close");
            c.connect(p, () -> log.add("C connect cb"));
            log.add("C created connecting=" + c.connecting() + " " + c.readyState());
            c.write("hello".getBytes(StandardCharsets.UTF_8), () -> log.add("C write cb"));
            c.on("data", (byte[] d) -> {
                log.add("C data " + EventLog.text(d) + " " + c.readyState());
                log.add("C ends");
                c.end(() -> log.add("C end cb"));
            });
            c.on("close", () -> {
                log.add("C bytesWritten=" + c.bytesWritten() + " bytesRead=" + c.bytesRead());
                server.close(() -> log.add("server close cb; file exists=" + new java.io.File(p).exists()));
            });
        });
        loop.run();

        assertEquals(List.of(
                "listen cb",
                "C created connecting=true opening",
                "S connection open",
                "C connect open destroyed=false",
                "C connected open destroyed=false",
                "C connect cb",
                "C write cb",
                "C ready open destroyed=false",
                "S-sock data hello open",
                "C data echo:hello open",
                "C ends",
                "C prefinish readOnly destroyed=false",
                "C end cb",
                "C finish readOnly destroyed=false",
                "S-sock end writeOnly destroyed=false",
                "S-sock prefinish closed destroyed=false",
                "S-sock finish closed destroyed=false",
                "S-sock close(false) closed destroyed=true",
                "C end closed destroyed=false",
                "C close(false) closed destroyed=true",
                "C bytesWritten=5 bytesRead=10",
                "server close",
                "server close cb; file exists=false"), log.all());
        assertEquals("closed", client.get().readyState());
    }

    /**
     * node 20 (new net.Socket(), then each state):
     * {@code fresh open | destroyed closed | ended fresh readOnly | connecting opening | error ENOENT closed | close closed}.
     * A socket that never connected is readable and writable, as Node's streams are until ended or destroyed.
     */
    @Test
    void socketsThatNeverConnectedHaveNodesReadyState() {
        log.add("fresh " + new USocket(loop).readyState());
        USocket destroyed = new USocket(loop);
        destroyed.destroy();
        log.add("destroyed " + destroyed.readyState());
        USocket ended = new USocket(loop);
        ended.end();
        log.add("ended fresh " + ended.readyState());
        USocket failing = new USocket(loop, kit.path("nope.sock"));
        log.add("connecting " + failing.readyState());
        failing.on("error", (Throwable e) -> log.add("error " + ((USocketException) e).code() + " " + failing.readyState()));
        failing.on("close", () -> log.add("close " + failing.readyState()));
        loop.run();
        assertEquals(List.of("fresh open", "destroyed closed", "ended fresh readOnly", "connecting opening",
                "error ENOENT closed", "close closed"), log.all());
    }

    /** node 20, second scenario: the server writes and ends first; the client (allowHalfOpen=false) follows. */
    @Test
    void serverEndsFirstAndTheClientEndsInTurn() {
        String p = kit.path("b.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            traceState(s, "S-sock", "end", "prefinish", "finish", "close");
            s.resume();
            s.end("bye");
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            traceState(c, "C", "connect", "ready", "end", "prefinish", "finish", "close");
            c.on("data", (byte[] d) -> log.add("C data " + EventLog.text(d)));
            c.on("close", () -> server.close());
        });
        loop.run();

        assertEquals(List.of(
                "C connect open destroyed=false",
                "C ready open destroyed=false",
                "C data bye",
                "C end writeOnly destroyed=false",
                "C prefinish closed destroyed=false",
                "C finish closed destroyed=false",
                "C close(false) closed destroyed=true"), log.of("C"));
        assertEquals(List.of(
                "S-sock prefinish readOnly destroyed=false",
                "S-sock finish readOnly destroyed=false",
                "S-sock end closed destroyed=false",
                "S-sock close(false) closed destroyed=true"), log.of("S-sock"));
        List<String> all = log.all();
        assertTrue(all.indexOf("S-sock finish readOnly destroyed=false") < all.indexOf("C data bye"), all.toString());
        assertTrue(all.indexOf("C finish closed destroyed=false") < all.indexOf("S-sock end closed destroyed=false"), all.toString());
    }

    // ---- N24 ----

    @Test
    void setTimeoutEmitsTimeoutWithoutClosing() {
        String p = kit.path("to.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.resume());
        AtomicLong elapsed = new AtomicLong();
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            long t0 = System.nanoTime();
            c.setTimeout(100, () -> {
                elapsed.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                log.add("timeout cb destroyed=" + c.destroyed() + " " + c.readyState());
                // still usable: a write goes through, then a quiet 150 ms must not time out again
                c.setTimeout(0);
                c.write("x", null, err -> log.add("write after timeout err=" + err));
                loop.setTimeout(() -> c.end(), 150);
            });
            c.on("timeout", log.rec("timeout event"));
            c.on("close", (Boolean had) -> {
                log.add("close(" + had + ")");
                server.close();
            });
        });
        loop.run();

        assertEquals(List.of("timeout cb destroyed=false open", "timeout event", "write after timeout err=null", "close(false)"),
                log.all());
        assertTrue(elapsed.get() >= 95, "timeout after " + elapsed.get() + " ms");
    }

    @Test
    void activityPostponesTheTimeout() {
        String p = kit.path("to2.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            // traffic every 25 ms for 30 ticks (>= 750 ms) keeps a 400 ms idle timeout from firing;
            // the margins are wide so that a loaded machine's late timers cannot fake a timeout
            int[] ticks = {0};
            Timer[] t = new Timer[1];
            t[0] = loop.setInterval(() -> {
                s.write(".");
                if (++ticks[0] == 30) {
                    t[0].clear();
                    log.add("traffic stopped");
                }
            }, 25);
            s.resume();
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.resume();
            c.setTimeout(400);
            c.on("timeout", () -> {
                log.add("timeout");
                c.end();
            });
            c.on("close", () -> server.close());
        });
        loop.run();
        assertEquals(List.of("traffic stopped", "timeout"), log.all());
    }

    // ---- N49: what counts as activity ----

    @Test
    void aWriteStalledBehindAPeerThatReadsNothingTimesOutAfterTwiceTheTimeout() {
        // node 20, the same program: 'timeout' after 201 ms. The expiry at 100 ms sees the write
        // moved since it was handed over (the kernel took a first piece) and starts over; at 200
        // nothing moved. Counting each piece sent as activity would give 100.
        String p = kit.path("to3.sock");
        UServer server = new UServer(loop);
        AtomicReference<USocket> accepted = new AtomicReference<>();
        server.on("connection", (USocket s) -> {
            s.pause();
            accepted.set(s);
        });
        AtomicLong elapsed = new AtomicLong();
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.on("connect", () -> {
                long t0 = System.nanoTime();
                c.setTimeout(100);
                log.add("write " + c.write(new byte[4 << 20]));
                c.on("timeout", () -> {
                    elapsed.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    log.add("timeout");
                    c.destroy();
                    accepted.get().destroy();
                    server.close();
                });
            });
        });
        loop.run();
        assertEquals(List.of("write false", "timeout"), log.all());
        assertTrue(elapsed.get() >= 190, "timeout after " + elapsed.get() + " ms");
    }

    @Test
    void aWriteThatCompletesLaterStartsTheTimeoutOver() {
        // node 20, the same program: the write completes after 162 ms, 'timeout' at 262.
        String p = kit.path("to4.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            s.pause();
            loop.setTimeout(s::resume, 150);
            s.on("end", () -> {
                s.end();
                server.close();
            });
        });
        AtomicLong written = new AtomicLong();
        AtomicLong timedOut = new AtomicLong();
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.on("connect", () -> {
                c.setTimeout(100);
                c.write(new byte[4 << 20], () -> {
                    written.set(System.nanoTime());
                    log.add("written");
                });
                c.on("timeout", () -> {
                    timedOut.set(System.nanoTime());
                    log.add("timeout");
                    c.end();
                });
            });
        });
        loop.run();
        assertEquals(List.of("written", "timeout"), log.all());
        long quiet = TimeUnit.NANOSECONDS.toMillis(timedOut.get() - written.get());
        assertTrue(quiet >= 95, "timeout " + quiet + " ms after the write completed");
    }

    @Test
    void activityCountsFromWhenItHappensNotFromTheTurnsStart() {
        // node 20, the same program: 'timeout' 51 ms after the write. refresh() takes the loop's
        // time brought up to date: the 40 ms the timer callback spent before writing do not count.
        String p = kit.path("to6.sock");
        UServer server = new UServer(loop);
        AtomicReference<USocket> accepted = new AtomicReference<>();
        server.on("connection", (USocket s) -> {
            accepted.set(s);
            s.resume();
        });
        AtomicLong written = new AtomicLong();
        AtomicLong timedOut = new AtomicLong();
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.on("connect", () -> {
                c.setTimeout(50);
                loop.setTimeout(() -> {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(40);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // a callback busy for 40 ms, not a wait
                    }
                    written.set(System.nanoTime());
                    c.write("x");
                }, 10);
                c.on("timeout", () -> {
                    timedOut.set(System.nanoTime());
                    c.destroy();
                    accepted.get().destroy();
                    server.close();
                });
            });
        });
        loop.run();
        long quiet = TimeUnit.NANOSECONDS.toMillis(timedOut.get() - written.get());
        assertTrue(quiet >= 48, "timeout " + quiet + " ms after the write");
    }

    @Test
    void destroyEndsTheIdleTimeoutEvenForASocketConnectRevives() {
        // node 20, the same program: close | connected again | quiet 100 ms | close. _destroy's
        // clearTimeout leaves a timer refresh() cannot revive.
        String p = kit.path("to5.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            s.resume();
            s.on("end", () -> {
                s.end();
                server.close();
            });
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.once("connect", () -> {
                c.setTimeout(20);
                c.destroy();
                loop.setImmediate(() -> c.connect(p, () -> {
                    log.add("connected again");
                    loop.setTimeout(() -> {
                        log.add("quiet 100 ms");
                        c.end();
                    }, 100);
                }));
            });
            c.on("timeout", log.rec("timeout"));
            c.on("close", log.rec("close"));
        });
        loop.run();
        assertEquals(List.of("close", "connected again", "quiet 100 ms", "close"), log.all());
    }

    // ---- N23 ref / unref ----

    @Test
    void unrefServerLetsRunReturnWhileListeningAndRefUndoesIt() {
        String p = kit.path("unref.sock");
        UServer server = new UServer(loop);
        server.on("close", log.rec("server close"));
        server.listen(p, log.rec("listening"));
        server.unref();
        loop.run(); // returns: only an unref'd server is left
        assertEquals(List.of("listening"), log.all());
        assertTrue(server.listening());
        assertTrue(SocketTestKit.isSocket(p));

        // still accepting meanwhile
        server.on("connection", (USocket s) -> {
            log.add("connection");
            s.destroy();
        });
        server.ref();
        // an unref'd timer closes it: run() can only wait for it because the server is ref'd again
        loop.setTimeout(() -> {
            log.add("timer");
            server.close();
        }, 100).unref();
        USocket c = new USocket(loop, p);
        c.on("close", log.rec("client close"));
        c.resume();
        loop.run();
        assertEquals(List.of("listening", "connection", "client close", "timer", "server close"), log.all());
        assertFalse(server.listening());
    }

    @Test
    void unrefSocketsLetRunReturnWhileConnected() {
        String p = kit.path("unref2.sock");
        UServer server = new UServer(loop);
        AtomicReference<USocket> accepted = new AtomicReference<>();
        AtomicReference<USocket> client = new AtomicReference<>();
        // once both ends exist, unref all three handles
        Runnable unrefAllWhenBothUp = () -> {
            if (accepted.get() == null || !log.contains("connected")) return;
            log.add("unref all");
            accepted.get().unref();
            client.get().unref();
            server.unref();
        };
        server.on("connection", (USocket s) -> {
            accepted.set(s);
            s.on("end", log.rec("S end"));
            s.on("close", log.rec("S close"));
            s.resume();
            unrefAllWhenBothUp.run();
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop, p, () -> {
                log.add("connected");
                unrefAllWhenBothUp.run();
            });
            client.set(c);
        });
        loop.run();
        // returned with everything open
        assertEquals(List.of("connected", "unref all"), log.all());
        assertEquals("open", client.get().readyState());
        assertEquals("open", accepted.get().readyState());
        assertTrue(server.listening());

        accepted.get().ref();
        client.get().destroy();
        server.close(log.rec("server close cb"));
        loop.run();
        // Node: the server's close (its last connection is gone) comes before that socket's own 'close'
        assertEquals(List.of("connected", "unref all", "S end", "server close cb", "S close"), log.all());
    }

    // ---- options constructors (usocket U notes) ----

    @Test
    void socketOptionsWithPathConnectsAtOnce() {
        String p = kit.path("opt.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> {
            log.add("S data " + EventLog.text(d));
            s.end();
        }));
        server.listen(p, () -> {
            USocket c = new USocket(loop, new SocketOptions().path(p));
            log.add("C connecting=" + c.connecting());
            log.trace(c, "C", "connect", "connected", "ready", "end", "close");
            c.write("via options");
            c.resume();
            c.on("close", () -> server.close());
        });
        loop.run();
        assertEquals(List.of("C connecting=true", "C connect", "C connected", "C ready", "S data via options",
                "C end", "C close(false)"), log.all());
    }

    /**
     * {@code new USocket(loop, new SocketOptions().fd(fd))} adopts a connected socket. Both ends of
     * a {@code socketpair(2)} are adopted (one made without close-on-exec and blocking: adoption
     * sets both flags); adopted sockets are connected already and emit no connect events.
     */
    @Test
    void socketOptionsWithFdAdoptsAConnectedSocket() {
        int[] pair = SocketTestKit.socketPair();
        USocket a = new USocket(loop, new SocketOptions().fd(pair[0]));
        USocket b = new USocket(loop, new SocketOptions().fd(pair[1]));
        String[] was = {TestFds.identity(pair[0]), TestFds.identity(pair[1])};
        log.add("a " + a.readyState() + " connecting=" + a.connecting());
        log.trace(a, "a", "connect", "connected", "ready", "end", "finish", "close");
        log.trace(b, "b", "connect", "connected", "ready", "end", "finish", "close");
        b.on("data", (byte[] d) -> log.add("b data " + EventLog.text(d)));
        a.end("over the pair");
        a.resume();
        loop.run();

        assertEquals(List.of("a open connecting=false", "a finish", "a end", "a close(false)"), log.of("a"));
        assertEquals(List.of("b data over the pair", "b end", "b finish", "b close(false)"), log.of("b"));
        TestFds.assertClosed(pair[0], was[0], "destroying the socket closed the adopted fd");
        TestFds.assertClosed(pair[1], was[1], "destroying the socket closed the adopted fd");
    }

    // ---- D16 ----

    @Test
    void callsFromOtherThreadsRunOnTheLoopAndReadOffTheLoopThrows() throws Exception {
        String p = kit.path("thr.sock");
        UServer server = new UServer(loop);
        Set<String> listenerThreads = java.util.Collections.synchronizedSet(new HashSet<>());
        Consumer<String> rec = e -> {
            listenerThreads.add(Thread.currentThread().getName());
            log.add(e);
        };
        server.on("connection", (USocket s) -> {
            rec.accept("S connection");
            s.on("data", (byte[] d) -> rec.accept("S data " + EventLog.text(d)));
            s.on("end", () -> rec.accept("S end"));
            s.on("close", () -> rec.accept("S close"));
        });
        server.on("close", () -> rec.accept("server close"));
        USocket c = new USocket(loop);
        c.on("connect", () -> rec.accept("C connect"));
        c.on("finish", () -> rec.accept("C finish"));
        c.on("close", () -> rec.accept("C close"));
        c.resume();
        USocket d = new USocket(loop);
        d.on("connect", () -> rec.accept("D connect"));
        d.on("close", (Boolean had) -> rec.accept("D close(" + had + ")"));

        // listening before start(): a loop with nothing to do would end at once
        server.listen(p, () -> rec.accept("listening"));
        Thread loopThread = loop.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("listening"));
        // from this thread, handed to the loop: pause/resume of the server, connects
        server.pause();
        server.resume();
        c.connect(p);
        d.connect(p);
        await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("C connect") && log.contains("D connect"));

        assertWrongThread(() -> c.read());
        assertWrongThread(() -> c.read(1));
        assertWrongThread(() -> c.read(1, 1));
        assertWrongThread(() -> c.unshift(new byte[] {1}));

        c.write("from ".getBytes(StandardCharsets.UTF_8), err -> rec.accept("C write cb " + err));
        c.end("test thread".getBytes(StandardCharsets.UTF_8), err -> rec.accept("C end cb " + err));
        d.destroy();
        await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("S end") && log.contains("D close(false)"));
        server.close(err -> rec.accept("server close cb " + err));
        loopThread.join(5_000);
        assertFalse(loopThread.isAlive(), "the loop ends once everything is closed");

        assertEquals(Set.of(loopThread.getName()), listenerThreads, "every listener ran on the loop thread");
        assertEquals(List.of("C connect", "C write cb null", "C end cb null", "C finish", "C close"), log.of("C"));
        assertEquals("from test thread", String.join("", log.of("S data").stream().map(s -> s.substring(7)).toList()));
        assertTrue(log.contains("server close") && log.contains("server close cb null"), log.all().toString());
    }

    private static void assertWrongThread(Executable call) {
        InvalidStateException e = assertThrows(InvalidStateException.class, call);
        assertEquals("ERR_WRONG_THREAD", e.code());
    }

    // ---- D19 ----

    @Test
    void listeningAcceptedConnectedAndAdoptedSocketsAreCloseOnExec() {
        String p = kit.path("cloexec.sock");
        UServer server = new UServer(loop);
        Set<Integer> before = TestFds.socketFds();
        server.listen(p); // the loop is not running: bound here and now
        Set<Integer> listenFds = new HashSet<>(TestFds.socketFds());
        listenFds.removeAll(before);
        assertEquals(1, listenFds.size(), "one new socket fd for the listener: " + listenFds);
        int listenFd = listenFds.iterator().next();
        log.add("listening cloexec=" + TestFds.isCloexec(listenFd));

        server.on("connection", (USocket s) -> {
            log.add("accepted cloexec=" + TestFds.isCloexec(s.fd));
            s.resume();
        });
        USocket c = new USocket(loop, p, () -> {});
        c.on("connect", () -> {
            log.add("connected cloexec=" + TestFds.isCloexec(c.fd));
            c.end();
        });
        c.on("close", () -> server.close());

        // a socketpair made without SOCK_CLOEXEC: adoption sets the flag
        io.usocket.internal.sys.NativeBuffer b = new io.usocket.internal.sys.NativeBuffer(8);
        assertEquals(0, io.usocket.internal.sys.LibC.INSTANCE.socketpair(1, 1, 0, b));
        int[] pair = {b.buf.getInt(0), b.buf.getInt(4)};
        assertFalse(TestFds.isCloexec(pair[0]));
        USocket adopted = new USocket(loop, new SocketOptions().fd(pair[0]));
        log.add("adopted cloexec=" + TestFds.isCloexec(pair[0]));
        adopted.destroy();
        Fds.close(pair[1]);
        loop.run();

        List<String> all = log.all();
        assertEquals(List.of("listening cloexec=true", "adopted cloexec=true"), all.subList(0, 2));
        assertTrue(all.contains("accepted cloexec=true"), all.toString());
        assertTrue(all.contains("connected cloexec=true"), all.toString());
        assertEquals(4, all.size(), all.toString());
    }
}
