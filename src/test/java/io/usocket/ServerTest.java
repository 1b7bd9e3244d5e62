package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link UServer}: listen (N9, D4, N21), close (D5, N20), maxConnections (N22), getConnections
 * (N23), pause/resume (usocket), listen options; sequences from node 20,
 * 07-server-close-pipe-misc and 09-async-timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(5));
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    /** Node's errStr shape (the node trace format.js), with the temp dir shown as {@code <dir>}. */
    private String describe(Throwable t) {
        return EventLog.describe((USocketException) t, kit.dir());
    }

    /** One client round trip on {@code server} (already listening on {@code p}); the server's handler must echo. */
    private void roundTrip(String p, String name) {
        USocket c = new USocket(loop, p);
        c.on("data", (byte[] d) -> log.add(name + " got " + EventLog.text(d)));
        c.on("close", (Boolean had) -> log.add(name + " close(" + had + ")"));
        c.end("ping");
    }

    private static void echo(UServer server) {
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.write(d)));
    }

    // ---- N9 + 09-async-timing ----

    @Test
    void listenReturnsTheServerIsListeningAtOnceAndEmitsListeningOnALaterTick() {
        String p = kit.path("a.sock");
        UServer server = new UServer(loop);
        server.on("listening", () -> log.add("listening event address=" + server.address().equals(p)
                + " isSocket=" + SocketTestKit.isSocket(p)));
        UServer returned = server.listen(p, () -> {
            log.add("listen cb");
            server.on("close", log.rec("close event"));
            server.close(err -> log.add("close cb err=" + err + " exists=" + new File(p).exists()));
            log.add("close: sync-after-call listening=" + server.listening());
            loop.nextTick(log.rec("close: nextTick"));
            loop.setImmediate(log.rec("close: setImmediate"));
        });
        log.add("listen: sync-after-call listening=" + server.listening());
        loop.nextTick(log.rec("listen: nextTick"));
        loop.setImmediate(log.rec("listen: setImmediate"));
        loop.run();

        assertSame(server, returned);
        assertEquals(List.of(
                "listen: sync-after-call listening=true",
                "listening event address=true isSocket=true",
                "listen cb",
                "close: sync-after-call listening=false",
                "listen: nextTick",
                "close event",
                "close cb err=null exists=false",
                "close: nextTick",
                "listen: setImmediate",
                "close: setImmediate"), log.all());
        assertEquals(p, server.address(), "address() stays the path after close (Node)");
    }

    @Test
    void listenErrorComesOnTheNextTickBeforeOtherTicks() throws Exception {
        String p = kit.path("busy.sock");
        Files.writeString(Path.of(p), "x");
        UServer server = new UServer(loop);
        server.on("error", (Throwable e) -> log.add("error event " + EventLog.code(e) + " listening=" + server.listening()));
        server.on("listening", log.rec("listening (unexpected)"));
        server.listen(p);
        log.add("sync-after-call");
        loop.nextTick(log.rec("nextTick"));
        loop.setImmediate(log.rec("setImmediate"));
        loop.run();
        assertEquals(List.of("sync-after-call", "error event EADDRINUSE listening=false", "nextTick", "setImmediate"), log.all());
    }

    // ---- D4 ----

    @Test
    void listenOnAStaleSocketFileReplacesIt() {
        String p = kit.path("stale.sock");
        SocketTestKit.staleSocket(p);
        UServer server = new UServer(loop);
        echo(server);
        server.on("error", (Throwable e) -> log.add("error " + describe(e)));
        server.listen(p, () -> {
            log.add("listening");
            roundTrip(p, "C");
        });
        server.on("connection", (USocket s) -> s.on("close", () -> server.close()));
        loop.run();
        assertEquals(List.of("listening", "C got ping", "C close(false)"), log.all());
        assertFalse(new File(p).exists());
    }

    @Test
    void listenOnALiveServersPathGivesEaddrinuseAndTheLiveServerKeepsWorking() {
        String p = kit.path("live.sock");
        UServer live = new UServer(loop);
        echo(live);
        live.on("connection", (USocket s) -> {
            log.add("live connection");
            s.on("close", () -> live.close());
        });
        UServer thief = new UServer(loop);
        thief.on("listening", log.rec("thief listening (unexpected)"));
        thief.on("error", (Throwable e) -> {
            log.add("thief error " + describe(e));
            log.add("thief listening=" + thief.listening() + " file isSocket=" + SocketTestKit.isSocket(p));
            roundTrip(p, "C");
        });
        live.listen(p, () -> thief.listen(p));
        loop.run();
        assertEquals(List.of(
                "thief error {code=EADDRINUSE errno=-98 syscall=listen address=<dir>/live.sock"
                        + " message=\"listen EADDRINUSE: address already in use <dir>/live.sock\"}",
                "thief listening=false file isSocket=true",
                "live connection",
                "C got ping",
                "C close(false)"), log.all());
        assertFalse(new File(p).exists(), "the live server unlinked its own file at close");
    }

    /**
     * A socket someone has bound there but not (yet) listening on is not stale either: a server
     * between its bind and its listen must not lose its file. (A stream connect would get
     * ECONNREFUSED from it; the library's probe tells it apart from a file nobody holds.)
     */
    @Test
    void listenOnAPathBoundByAnotherSocketGivesEaddrinuse() {
        String p = kit.path("bound.sock");
        int holder = io.usocket.internal.sys.LibC.INSTANCE.socket(1, 1 | 0x80000, 0);
        io.usocket.internal.sys.UnixAddress addr = io.usocket.internal.sys.UnixAddress.of(p);
        assertEquals(0, io.usocket.internal.sys.LibC.INSTANCE.bind(holder, addr));
        try {
            UServer server = new UServer(loop);
            server.on("listening", log.rec("listening (unexpected)"));
            server.on("error", (Throwable e) -> log.add("error " + EventLog.code(e)));
            server.listen(p);
            loop.run();
            assertEquals(List.of("error EADDRINUSE"), log.all());
            assertTrue(SocketTestKit.isSocket(p));
        } finally {
            Fds.close(holder);
        }
    }

    @Test
    void listenOnARegularFileGivesEaddrinuseAndLeavesItUntouchedThenTheServerCanListenElsewhere() throws Exception {
        String p = kit.path("regular.sock");
        Files.writeString(Path.of(p), "precious");
        Object inodeBefore = Files.getAttribute(Path.of(p), "unix:ino", LinkOption.NOFOLLOW_LINKS);
        String other = kit.path("other.sock");
        UServer server = new UServer(loop);
        echo(server);
        server.on("connection", (USocket s) -> s.on("close", () -> server.close()));
        server.once("error", (Throwable e) -> {
            log.add("error " + describe(e));
            // N21: after an error the same server may listen again
            server.listen(other, () -> {
                log.add("listening on other");
                roundTrip(other, "C");
            });
        });
        server.listen(p);
        loop.run();
        assertEquals(List.of(
                "error {code=EADDRINUSE errno=-98 syscall=listen address=<dir>/regular.sock"
                        + " message=\"listen EADDRINUSE: address already in use <dir>/regular.sock\"}",
                "listening on other",
                "C got ping",
                "C close(false)"), log.all());
        assertEquals("precious", Files.readString(Path.of(p)));
        assertEquals(inodeBefore, Files.getAttribute(Path.of(p), "unix:ino", LinkOption.NOFOLLOW_LINKS));
    }

    // ---- D5 / N20 (node 20, first scenario) ----

    @Test
    void closeWithALiveConnectionStopsAcceptingAndClosesAfterTheLastConnection() {
        String p = kit.path("sc.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            s.resume();
            s.on("close", log.rec("S-sock close (accepted socket)"));
        });
        server.on("close", log.rec("server close event"));
        server.listen(p, () -> {
            USocket c1 = new USocket(loop);
            c1.connect(p, () -> {
                server.getConnections((e, n) -> log.add("getConnections err=" + e + " n=" + n));
                server.close(e -> log.add("server.close cb err=" + e));
                log.add("close() called: listening=" + server.listening() + " socket file exists=" + new File(p).exists());
                USocket c2 = new USocket(loop, p);
                c2.on("error", (Throwable e) -> log.add("new connection after close(): " + describe(e)));
                c2.on("close", () -> {
                    log.add("existing c1 still works? " + c1.readyState());
                    c1.write("still-alive".getBytes(), () -> log.add("c1 write ok after server.close"));
                    loop.setTimeout(() -> {
                        log.add("ending c1");
                        c1.end();
                    }, 50);
                });
            });
            c1.resume();
            c1.on("close", log.rec("c1 close"));
        });
        loop.run();
        assertEquals(List.of(
                "close() called: listening=false socket file exists=false",
                "getConnections err=null n=1",
                "new connection after close(): {code=ENOENT errno=-2 syscall=connect address=<dir>/sc.sock"
                        + " message=\"connect ENOENT <dir>/sc.sock\"}",
                "existing c1 still works? open",
                "c1 write ok after server.close",
                "ending c1",
                "server close event",
                "server.close cb err=null",
                "S-sock close (accepted socket)",
                "c1 close"), log.all());
    }

    /** node 20: close() on a server that never listened. */
    @Test
    void closeOnANonListeningServerEmitsCloseAndPassesErrServerNotRunning() {
        UServer server = new UServer(loop);
        server.on("close", log.rec("close event emitted"));
        server.on("error", (Throwable e) -> log.add("error event " + EventLog.code(e)));
        AtomicReference<Throwable> err = new AtomicReference<>();
        server.close(e -> {
            err.set(e);
            log.add("close cb " + EventLog.code(e));
        });
        log.add("close() returned");
        loop.run();
        assertEquals(List.of("close() returned", "close event emitted", "close cb ERR_SERVER_NOT_RUNNING"), log.all());
        assertEquals("Server is not running.", err.get().getMessage());
    }

    /** node 20: close() twice; the second callback gets ERR_SERVER_NOT_RUNNING. */
    @Test
    void closeTwice() {
        UServer server = new UServer(loop);
        server.listen(kit.path("close2.sock"), () -> {
            server.close(e -> log.add("first close cb err=" + e));
            server.close(e -> log.add("second close cb " + EventLog.code(e)));
            server.on("close", log.rec("close event"));
        });
        loop.run();
        assertEquals(List.of("first close cb err=null", "second close cb ERR_SERVER_NOT_RUNNING", "close event", "close event"),
                log.all());
    }

    // ---- N21 ----

    @Test
    void secondListenThrowsAndCloseAllowsListeningAgain() {
        String p = kit.path("relisten.sock");
        UServer server = new UServer(loop);
        int[] n = {0};
        server.on("listening", () -> log.add("listening #" + (++n[0])));
        server.on("close", log.rec("close event"));
        server.listen(p, () -> {
            InvalidStateException e = assertThrows(InvalidStateException.class, () -> server.listen(kit.path("twice2.sock")));
            log.add("threw " + e.code() + " " + e.getMessage());
            server.close(() -> server.listen(p, () -> server.close()));
        });
        // a second listen before the first one's 'listening' throws too
        InvalidStateException early = assertThrows(InvalidStateException.class, () -> server.listen(p));
        assertEquals("ERR_SERVER_ALREADY_LISTEN", early.code());
        loop.run();
        assertEquals(List.of("listening #1",
                "threw ERR_SERVER_ALREADY_LISTEN Listen method has been called more than once without closing.",
                "close event", "listening #2", "close event"), log.all());
        assertFalse(new File(p).exists());
        assertFalse(new File(kit.path("twice2.sock")).exists());
    }

    // ---- N22 ----

    @Test
    void overMaxConnectionsTheExtraConnectionIsDroppedAtOnce() {
        String p = kit.path("max.sock");
        UServer server = new UServer(loop).maxConnections(1);
        assertEquals(1, server.maxConnections());
        server.on("connection", (USocket s) -> {
            log.add("S connection accepted");
            s.resume();
        });
        server.on("drop", (Object d) -> log.add("S drop " + d));
        server.listen(p, () -> {
            USocket c1 = new USocket(loop, p);
            c1.resume();
            c1.on("connect", () -> {
                USocket c2 = new USocket(loop, p);
                log.trace(c2, "c2", "connect", "end", "close", "error");
                c2.resume();
                c2.on("close", () -> {
                    c1.end();
                    server.close(() -> log.add("S closed"));
                });
            });
        });
        loop.run();
        assertEquals(List.of("S connection accepted", "S drop null", "S closed"), log.of("S"));
        assertEquals(List.of("c2 connect", "c2 end", "c2 close(false)"), log.of("c2"));
    }

    // ---- N23 ----

    @Test
    void getConnectionsReportsNullAndTheCount() {
        String p = kit.path("count.sock");
        UServer server = new UServer(loop);
        server.getConnections((e, n) -> log.add("before listen " + e + " " + n));
        List<USocket> accepted = new java.util.ArrayList<>();
        server.on("connection", (USocket s) -> {
            accepted.add(s);
            s.resume();
            server.getConnections((e, n) -> {
                log.add("after connection " + e + " " + n);
                if (n == 2) {
                    accepted.forEach(USocket::destroy);
                    server.close(() -> server.getConnections((e2, n2) -> log.add("after close " + e2 + " " + n2)));
                }
            });
        });
        server.listen(p, () -> {
            for (int i = 0; i < 2; i++) new USocket(loop, p).resume();
        });
        loop.run();
        assertEquals(List.of("before listen null 0", "after connection null 1", "after connection null 2", "after close null 0"),
                log.all());
    }

    @Test
    void anAcceptedSocketRevivedByConnectIsCountedOutOnce() {
        // The count is of open accepted connections: an accepted socket is counted out at its
        // destroy, once (decisions D90); connect() then makes it a client of its own, whose
        // destroy leaves the count alone. Node 20 counts it out again (docs/differences.md).
        String p = kit.path("revive.sock");
        UServer server = new UServer(loop);
        USocket[] first = new USocket[1];
        USocket[] client = new USocket[1];
        server.on("connection", (USocket s) -> {
            log.add("connection count=" + server.connectionCount());
            if (first[0] == null) {
                first[0] = s;
                s.once("close", () -> {
                    log.add("first close count=" + server.connectionCount());
                    s.connect(p);
                });
                s.destroy();
            } else {
                first[0].destroy();
                log.add("revived destroyed count=" + server.connectionCount());
                s.destroy();
                client[0].destroy();
                server.close(() -> log.add("closed count=" + server.connectionCount()));
            }
        });
        server.listen(p, () -> client[0] = new USocket(loop, p));
        loop.run();
        assertEquals(List.of("connection count=1", "first close count=0", "connection count=1",
                "revived destroyed count=1", "closed count=0"), log.all());
    }

    // ---- usocket: pause / resume ----

    @Test
    void pauseBeforeListenHoldsConnectionsInTheBacklogUntilResume() {
        String p = kit.path("pause.sock");
        UServer server = new UServer(loop);
        server.pause();
        server.on("connection", (USocket s) -> {
            log.add("S connection");
            s.end("hi");
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.on("connect", () -> {
                log.add("C connect (in the backlog)");
                loop.setTimeout(() -> {
                    log.add("resume");
                    server.resume();
                }, 100);
            });
            c.on("data", (byte[] d) -> log.add("C data " + EventLog.text(d)));
            c.on("close", () -> server.close());
        });
        loop.run();
        assertEquals(List.of("C connect (in the backlog)", "resume", "S connection", "C data hi"), log.all());
    }

    @Test
    void pauseWhileListeningStopsAcceptingAndResumeDeliversTheQueuedClients() {
        String p = kit.path("pause2.sock");
        UServer server = new UServer(loop);
        int[] accepted = {0};
        server.on("connection", (USocket s) -> {
            log.add("S connection " + (++accepted[0]));
            s.resume();
            s.on("end", () -> {
                if (accepted[0] == 3) server.close();
            });
            if (accepted[0] == 1) {
                server.pause();
                USocket c2 = new USocket(loop, p);
                USocket c3 = new USocket(loop, p);
                int[] up = {0};
                Runnable both = () -> {
                    if (++up[0] < 2) return;
                    log.add("c2, c3 connected; resume later");
                    loop.setTimeout(() -> {
                        log.add("resume");
                        server.resume();
                    }, 100);
                };
                c2.on("connect", both);
                c3.on("connect", both);
                c2.end();
                c3.end();
            }
        });
        server.listen(p, () -> new USocket(loop, p).end());
        loop.run();
        assertEquals(List.of("S connection 1", "c2, c3 connected; resume later", "resume", "S connection 2", "S connection 3"),
                log.all());
    }

    // ---- listen options ----

    @Test
    void listenOptionsPathBacklogAndPermissions() throws Exception {
        String plain = kit.path("plain.sock");
        String open = kit.path("open.sock");
        UServer s1 = new UServer(loop);
        UServer s2 = new UServer(loop);
        s1.listen(new ListenOptions().path(plain).backlog(5), () -> log.add("s1 listening"));
        s2.listen(new ListenOptions().path(open).readableAll(true).writableAll(true), () -> log.add("s2 listening"));
        int plainMode = (Integer) Files.getAttribute(Path.of(plain), "unix:mode") & 0777;
        int openMode = (Integer) Files.getAttribute(Path.of(open), "unix:mode") & 0777;
        echo(s2);
        s2.on("connection", (USocket s) -> s.on("close", () -> {
            s1.close();
            s2.close();
        }));
        roundTrip(open, "C");
        loop.run();
        assertEquals(List.of("s1 listening", "s2 listening", "C got ping", "C close(false)"), log.all());
        assertEquals(0066, openMode & 0066, "readableAll + writableAll: rw for group and others, mode " + Integer.toOctalString(openMode));
        // Node (libuv uv_pipe_chmod) adds the bits to the file's mode; it never takes any away
        assertEquals(plainMode, openMode & plainMode, "plain " + Integer.toOctalString(plainMode) + " open " + Integer.toOctalString(openMode));
    }

    @Test
    void readableAllAloneAddsOnlyReadBits() throws Exception {
        String plain = kit.path("plain.sock");
        String readable = kit.path("readable.sock");
        UServer s1 = new UServer(loop);
        UServer s2 = new UServer(loop);
        s1.listen(plain);
        s2.listen(new ListenOptions().path(readable).readableAll(true));
        int plainMode = (Integer) Files.getAttribute(Path.of(plain), "unix:mode") & 0777;
        int readableMode = (Integer) Files.getAttribute(Path.of(readable), "unix:mode") & 0777;
        s1.close();
        s2.close();
        loop.run();
        assertEquals(plainMode | 0444, readableMode, "plain " + Integer.toOctalString(plainMode));
    }
}
