package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors on unix paths and bad arguments: Node's error fields and messages (decisions D6, as node 20 prints
 * them), connect failures (N25, N26), listen failures (N27), path length and abstract
 * names (D18), synchronous argument errors. Each test ends by running a fresh round trip on the
 * same loop: an error must leave the loop usable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketErrorsTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(5));
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();
    private final Path dir = kit.dir();
    private int usableRuns;

    /** Node's errStr shape (the node trace format.js), with the temp dir shown as {@code <dir>}. */
    private String describe(Throwable t) {
        return EventLog.describe((USocketException) t, dir);
    }

    /** Records a client's error (with Node's fields and state) and close, and fails if its connect callback runs. */
    private USocket tracedClient() {
        USocket c = new USocket(loop);
        c.on("error", (Throwable e) -> log.add("C error " + describe(e) + " destroyed=" + c.destroyed() + " connecting=" + c.connecting()));
        c.on("close", (Boolean had) -> log.add("C close(" + had + ") destroyed=" + c.destroyed()));
        return c;
    }

    /** A full round trip on the same loop, after whatever went wrong before. */
    private void assertLoopUsable() {
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        String p = kit.path("usable-" + (++usableRuns) + ".sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.end(d)));
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.on("data", (byte[] d) -> got.add(EventLog.text(d)));
            c.on("close", (Boolean had) -> {
                got.add("close(" + had + ")");
                server.close();
            });
            c.write("still usable");
        });
        loop.run();
        assertEquals(List.of("still usable", "close(false)"), got, "round trip after the errors");
    }

    private static void assertCode(String code, Executable call) {
        Throwable t = assertThrows(RuntimeException.class, call);
        assertTrue(t instanceof CodedError, t.toString());
        assertEquals(code, ((CodedError) t).code(), t.toString());
    }

    /**
     * A server's options for its connections (decisions D59): a path or an fd to adopt make no
     * sense for an accepted socket and are refused when the server is made; the options are
     * copied then, so a later change does not reach accepted sockets. Before D59 each accepted
     * socket connected itself to that path (or adopted that fd).
     */
    @Test
    void aConnectResetInTheBacklogFailsFromThePollBeforeAShutdownFedEarlier() {
        // node 20, the same program, every run: connection | c1 connect | c2 error ECONNRESET |
        // s prefinish | s finish | c2 close | c1 end | c1 close | server closed | s close.
        // uv__stream_connect reports SO_ERROR's failure at once, from the poll callback; the
        // shutdown s.end() fed to the pending queue completes after the poll.
        String p = kit.path("reset-backlog.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            log.add("connection");
            s.on("prefinish", log.rec("s prefinish"));
            s.on("finish", log.rec("s finish"));
            s.on("close", log.rec("s close"));
            server.close(() -> log.add("server closed")); // c2, still in the backlog, is reset
            s.end();
        });
        server.listen(p, () -> {
            USocket c1 = new USocket(loop, p);
            USocket c2 = new USocket(loop, p);
            c1.on("connect", log.rec("c1 connect"));
            c1.on("end", log.rec("c1 end"));
            c1.on("close", log.rec("c1 close"));
            c1.resume();
            c2.on("connect", log.rec("c2 connect"));
            c2.on("error", (Throwable e) -> log.add("c2 error " + ((USocketException) e).code()));
            c2.on("close", log.rec("c2 close"));
        });
        loop.run();
        assertEquals(List.of("connection", "c1 connect", "c2 error ECONNRESET", "s prefinish", "s finish",
                "c2 close", "c1 end", "c1 close", "server closed", "s close"), log.all());
    }

    @Test
    void serverConnectionOptionsThatCannotApplyToAnAcceptedSocketAreRefused() throws Exception {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> new UServer(loop, new SocketOptions().path(kit.path("x.sock"))));
        assertEquals("ERR_INVALID_ARG_VALUE", e.code());
        assertTrue(e.getMessage().startsWith("The argument 'connectionOptions.path' is invalid for a server's connections"), e.getMessage());
        int[] pipe = Fds.pipe();
        try {
            e = assertThrows(InvalidArgumentException.class, () -> new UServer(loop, new SocketOptions().fd(pipe[0])));
            assertEquals("ERR_INVALID_ARG_VALUE", e.code());
            assertTrue(e.getMessage().endsWith("Received " + pipe[0]), e.getMessage());
        } finally {
            Fds.close(pipe[0]);
            Fds.close(pipe[1]);
        }
        assertCode("ERR_INVALID_ARG_TYPE", () -> new UServer(loop, null));

        // Changed after the server was made: the accepted socket neither connects nor errs, and keeps allowHalfOpen.
        SocketOptions opts = new SocketOptions().allowHalfOpen(true);
        UServer server = new UServer(loop, opts);
        opts.path(kit.path("elsewhere.sock")).allowHalfOpen(false);
        String p = kit.path("opts.sock");
        List<String> got = new ArrayList<>();
        server.on(UServer.CONNECTION, s -> {
            s.on(USocket.ERROR, err -> got.add("error " + ((CodedError) err).code()));
            s.on(USocket.END, () -> {
                got.add("end, " + s.readyState() + ", allowHalfOpen " + s.allowHalfOpen());
                s.end("after the end");   // allowHalfOpen: still writable
            });
            s.resume();
            server.close();
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop, new SocketOptions().path(p).allowHalfOpen(true));
            c.on(USocket.DATA, d -> got.add("client got " + EventLog.text(d)));
            c.on(USocket.CONNECT, () -> c.end());
        });
        loop.run();
        assertEquals(List.of("end, writeOnly, allowHalfOpen true", "client got after the end"), got);
    }

    // ---- N25 / D6 (node 20) ----

    @Test
    void connectToAMissingPathGivesEnoentThenCloseTrueAndTheCallbackNeverRuns() {
        String p = kit.path("nope.sock");
        USocket c = tracedClient();
        c.connect(p, log.rec("connect cb (must not run)"));
        log.add("sync-after-call connecting=" + c.connecting());
        loop.nextTick(log.rec("nextTick"));
        loop.setImmediate(log.rec("setImmediate"));
        loop.run();

        List<String> all = log.all();
        assertTrue(all.indexOf("setImmediate") > all.indexOf("nextTick") + 1, "'error' comes after nextTick, before setImmediate: " + all);
        all.remove("setImmediate");
        assertEquals(List.of(
                "sync-after-call connecting=true",
                "nextTick",
                "C error {code=ENOENT errno=-2 syscall=connect address=<dir>/nope.sock message=\"connect ENOENT <dir>/nope.sock\"}"
                        + " destroyed=true connecting=false",
                "C close(true) destroyed=true"), all);
        assertEquals("closed", c.readyState());
        assertLoopUsable();
    }

    /**
     * node 20 (two writes while connecting to a missing path): write true | write true |
     * connecting bytesWritten 5 | error ENOENT bytesWritten 5 | write-cb ERR_SOCKET_CLOSED_BEFORE_CONNECTION
     * bytesWritten 5 | write2-cb ENOENT bytesWritten 5 | close bytesWritten 2 | later bytesWritten 2.
     * The first write, held for the connect (net.js's _pendingData), stays counted after the
     * failure; the second, buffered, leaves with the buffer, once its callback has run.
     */
    @Test
    void aWriteHeldForAFailedConnectStaysInBytesWritten() {
        USocket c = new USocket(loop, kit.path("missing.sock"));
        log.add("write " + c.write("AB", e -> log.add("write-cb " + EventLog.code(e) + " bytesWritten " + c.bytesWritten())));
        log.add("write " + c.write("CDE", e -> log.add("write2-cb " + EventLog.code(e) + " bytesWritten " + c.bytesWritten())));
        log.add("connecting bytesWritten " + c.bytesWritten());
        c.on("error", (Throwable e) -> log.add("error " + EventLog.code(e) + " bytesWritten " + c.bytesWritten()));
        c.on("close", () -> {
            log.add("close bytesWritten " + c.bytesWritten());
            loop.setImmediate(() -> log.add("later bytesWritten " + c.bytesWritten()));
        });
        loop.run();
        assertEquals(List.of("write true", "write true", "connecting bytesWritten 5", "error ENOENT bytesWritten 5",
                "write-cb ERR_SOCKET_CLOSED_BEFORE_CONNECTION bytesWritten 5", "write2-cb ENOENT bytesWritten 5",
                "close bytesWritten 2", "later bytesWritten 2"), log.all());
    }

    // ---- N26 ----

    @ParameterizedTest
    @ValueSource(strings = {"stale", "regular", "directory"})
    void connectToSomethingThatIsNotAListeningSocketGivesEconnrefused(String kind) throws Exception {
        String p = kit.path(kind + ".sock");
        switch (kind) {
            case "stale" -> SocketTestKit.staleSocket(p);
            case "regular" -> Files.writeString(Path.of(p), "x");
            default -> Files.createDirectory(Path.of(p));
        }
        USocket c = tracedClient();
        c.connect(p, log.rec("connect cb (must not run)"));
        loop.run();
        assertEquals(List.of(
                "C error {code=ECONNREFUSED errno=-111 syscall=connect address=<dir>/" + kind + ".sock"
                        + " message=\"connect ECONNREFUSED <dir>/" + kind + ".sock\"} destroyed=true connecting=false",
                "C close(true) destroyed=true"), log.all());
        assertTrue(new File(p).exists(), "connect leaves the file alone");
        assertLoopUsable();
    }

    // ---- N27 ----

    @Test
    void listenInAMissingDirectoryFails() {
        String p = kit.path("missing/x.sock");
        UServer server = new UServer(loop);
        AtomicReference<USocketException> err = new AtomicReference<>();
        server.on("error", (USocketException e) -> {
            err.set(e);
            log.add("error listening=" + server.listening());
        });
        server.on("listening", log.rec("listening (unexpected)"));
        server.listen(p);
        loop.run();
        assertEquals(List.of("error listening=false"), log.all());
        USocketException e = err.get();
        // Node 20 reports EACCES (libuv maps bind's ENOENT); the spec accepts either
        assertTrue(List.of("ENOENT", "EACCES").contains(e.code()), e.code());
        assertEquals("ENOENT".equals(e.code()) ? -2 : -13, e.errno());
        assertEquals("listen", e.syscall());
        assertEquals(p, e.address());
        String text = "ENOENT".equals(e.code()) ? "no such file or directory" : "permission denied";
        assertEquals("listen " + e.code() + ": " + text + " " + p, e.getMessage());
        assertFalse(new File(kit.path("missing")).exists());
        assertLoopUsable();
    }

    // ---- D18 ----

    /** A path under the temp dir of exactly {@code bytes} UTF-8 bytes. */
    private String pathOfBytes(int bytes, String filler) {
        StringBuilder sb = new StringBuilder(dir.toString()).append('/');
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length + filler.getBytes(StandardCharsets.UTF_8).length <= bytes) {
            sb.append(filler);
        }
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < bytes) sb.append('x');
        String s = sb.toString();
        assertEquals(bytes, s.getBytes(StandardCharsets.UTF_8).length);
        return s;
    }

    @Test
    void pathsOf107BytesWork() {
        String p = pathOfBytes(107, "s");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.end(d)));
        server.listen(p, () -> {
            log.add("listening isSocket=" + SocketTestKit.isSocket(p));
            USocket c = new USocket(loop, p);
            c.on("data", (byte[] d) -> log.add("C data " + EventLog.text(d)));
            c.on("close", () -> server.close());
            c.write("107");
        });
        loop.run();
        assertEquals(List.of("listening isSocket=true", "C data 107"), log.all());
        assertFalse(new File(p).exists());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "é"})
    void pathsOver107BytesGiveEinvalForListenAndConnect(String filler) {
        // "é" is two bytes: a path of fewer than 108 characters can still be too long
        String p = pathOfBytes(108, filler);
        if (filler.equals("é")) assertTrue(p.length() < 108);
        UServer server = new UServer(loop);
        server.on("error", (Throwable e) -> log.add("S error " + describe(e) + " listening=" + server.listening()));
        server.on("listening", log.rec("S listening (unexpected)"));
        server.listen(p);
        USocket c = tracedClient();
        c.connect(p, log.rec("connect cb (must not run)"));
        loop.run();
        String shown = p.replace(dir.toString(), "<dir>");
        assertEquals(List.of(
                "S error {code=EINVAL errno=-22 syscall=listen address=" + shown
                        + " message=\"listen EINVAL: invalid argument " + shown + "\"} listening=false",
                "C error {code=EINVAL errno=-22 syscall=connect address=" + shown
                        + " message=\"connect EINVAL " + shown + "\"} destroyed=true connecting=false",
                "C close(true) destroyed=true"), log.all());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing created (no truncated file, unlike Node 20)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertLoopUsable();
    }

    @Test
    void abstractNamesWorkForListenAndConnectAndLeaveNoFile() throws Exception {
        String name = "\0usocket-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String visible = name.substring(1);
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.end(d)));
        UServer second = new UServer(loop);
        second.on("error", (Throwable e) -> log.add("second " + EventLog.code(e)));
        server.listen(name, () -> {
            log.add("listening address=" + name.equals(server.address()));
            second.listen(name); // a live abstract name is in use, never "stale"
            USocket c = new USocket(loop, name);
            c.on("data", (byte[] d) -> log.add("C data " + EventLog.text(d)));
            c.on("close", () -> server.close(() -> {
                log.add("closed");
                // the name is free again: nobody there
                USocket late = tracedClient();
                late.connect(name);
            }));
            c.write("abstract");
        });
        loop.run();
        List<String> all = log.all();
        assertEquals(List.of("listening address=true", "second EADDRINUSE", "C data abstract", "closed"), all.subList(0, 4));
        assertEquals(2, all.size() - 4, all.toString());
        assertTrue(all.get(4).startsWith("C error {code=ECONNREFUSED errno=-111 syscall=connect"), all.get(4));
        assertEquals("C close(true) destroyed=true", all.get(5));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
        assertFalse(new File(visible).exists(), "no file in the working directory");
        assertLoopUsable();
    }

    // ---- D17 with a connect error (node 20: no error listener) ----

    @Test
    void aConnectErrorWithNoListenerIsThrownByRunAndTheLoopStaysUsable() {
        String p = kit.path("zzz.sock");
        USocket c = new USocket(loop, p);
        c.on("close", (Boolean had) -> log.add("close(" + had + ")"));
        USocketException e = assertThrows(USocketException.class, loop::run);
        assertEquals("ENOENT", e.code());
        assertEquals("connect ENOENT " + p, e.getMessage());
        assertLoopUsable();
        // the next run() went on where the crash stopped: 'close' was still due
        assertEquals(List.of("close(true)"), log.all());
    }

    @Test
    void aConnectErrorWithNoListenerGoesToTheUncaughtHandlerWhenSet() {
        loop.onUncaughtException(t -> log.add("uncaught " + EventLog.code(t)));
        USocket c = new USocket(loop, kit.path("zzz.sock"));
        c.on("close", (Boolean had) -> log.add("close(" + had + ")"));
        loop.run();
        assertEquals(List.of("uncaught ENOENT", "close(true)"), log.all());
        assertLoopUsable();
    }

    // ---- node 20: the server destroys the accepted socket at once ----

    @Test
    void aServerDestroyingTheConnectionGivesTheClientAPlainEnd() {
        String p = kit.path("srvdestroy.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.destroy());
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            log.trace(c, "C", "connect", "ready", "end", "finish", "close", "error");
            c.resume();
            c.on("close", () -> server.close());
        });
        loop.run();
        assertEquals(List.of("C connect", "C ready", "C end", "C finish", "C close(false)"), log.all());
        assertLoopUsable();
    }

    // ---- bad arguments: thrown at once with a code; nothing else happens ----

    @Test
    void badArgumentsThrowAtOnceWithNodeCodes() {
        assertCode("ERR_INVALID_ARG_TYPE", () -> new USocket((EventLoop) null));
        assertCode("ERR_INVALID_ARG_TYPE", () -> new UServer((EventLoop) null));
        USocket c = new USocket(loop);
        assertCode("ERR_INVALID_ARG_TYPE", () -> c.connect(null));
        UServer server = new UServer(loop);
        assertCode("ERR_INVALID_ARG_VALUE", () -> server.listen((ListenOptions) null));
        assertCode("ERR_INVALID_ARG_VALUE", () -> server.listen(new ListenOptions()));
        assertFalse(server.listening());
        assertCode("ERR_OUT_OF_RANGE", () -> server.maxConnections(-1));
        assertCode("ERR_OUT_OF_RANGE", () -> new ListenOptions().backlog(-1));
        int[] pipe = Fds.pipe();
        Fds.close(pipe[0]);
        Fds.close(pipe[1]);
        assertCode("ERR_INVALID_FD", () -> new USocket(loop, new SocketOptions().fd(pipe[0])));
        assertCode("ERR_OUT_OF_RANGE", () -> new SocketOptions().fd(-5));

        // connect while connecting: node 20 does not refuse it; libuv reports one error, the latest
        // connect's (its delayed_error): connect ENOENT other.sock (decisions D58)
        c.on("error", (Throwable e) -> log.add("C error " + EventLog.code(e) + " " + ((USocketException) e).address().endsWith("other.sock")));
        c.on("close", (Boolean had) -> log.add("C close(" + had + ")"));
        c.connect(kit.path("nobody.sock"));
        c.connect(kit.path("other.sock"));
        loop.run();
        assertEquals(List.of("C error ENOENT true", "C close(true)"), log.all());
        assertLoopUsable();
    }

    @Test
    void adoptingAnFdThatIsNotASocketFailsWithAnErrorAndClosesIt() {
        int[] pipe = Fds.pipe();
        // By identity, not number: once closed, a number may be taken at once by another thread's file.
        String reader = TestFds.identity(pipe[0]);
        String writer = TestFds.identity(pipe[1]);
        try {
            USocket c = new USocket(loop, new SocketOptions().fd(pipe[0]));
            c.on("error", (Throwable e) -> log.add("C error " + EventLog.code(e)));
            c.on("close", (Boolean had) -> log.add("C close(" + had + ")"));
            c.resume();
            Fds.close(pipe[1]); // EOF on the pipe: makes it readable
            loop.run();
            assertEquals(List.of("C error ENOTSOCK", "C close(true)"), log.all());
            TestFds.assertClosed(pipe[0], reader, "the adopted pipe end");
        } finally {
            if (reader.equals(TestFds.identity(pipe[0]))) Fds.close(pipe[0]);
            if (writer.equals(TestFds.identity(pipe[1]))) Fds.close(pipe[1]);
        }
        assertLoopUsable();
    }
}
