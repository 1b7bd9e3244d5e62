package io.usocket.hard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import io.usocket.ChildProcess;
import io.usocket.ContentFiles;
import io.usocket.EventEmitter;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of errors a caller can meet: every error of decisions D6, D10–D13, D18, N14, N15,
 * N17, N18, N21, N25–N27 (and D5), one short scenario each, with how it is delivered and Node's
 * fields ({@code code}, {@code errno}, {@code syscall}, {@code address}, {@code message}).
 * Some overlap tests elsewhere; this class is the one place that lists them all.
 *
 * <p>Delivery is written as it happens: {@code thrown} (synchronously, an
 * {@code IllegalArgumentException}/{@code IllegalStateException} with a {@code code()}),
 * {@code callback} (the write/close callback), {@code 'error'} (the event), joined with
 * {@code +} when the same error object goes to several in that order. Paths show the test's
 * directory as {@code <dir>}, a path of 108 bytes as {@code <108 bytes>}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputCatalogueTest {
    /** A fd number that is never open here (above any descriptor this process holds). */
    private static final int NOT_OPEN = 1_000_000;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(10));

    @TempDir
    Path dir;

    /** One scenario's world: a guarded loop, paths in the temp dir, and the deliveries seen. */
    static final class Ctx {
        final EventLog events;
        final EventLoop loop;
        final Path dir;
        final List<String> hows = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        /** Runs after the loop, on the test thread. */
        final List<Runnable> after = new ArrayList<>();
        /** A result made elsewhere (a child process's report), taken as it is. */
        String raw;

        Ctx(SocketTestKit kit, Path dir) {
            this.events = kit.log;
            this.loop = kit.loop();
            this.dir = dir;
        }

        String path(String name) {
            return dir.resolve(name).toString();
        }

        /** A path of exactly 108 bytes: one more than sun_path holds (D18). */
        String longPath() {
            StringBuilder sb = new StringBuilder(dir.toString()).append('/');
            while (sb.toString().getBytes(StandardCharsets.UTF_8).length < 108) sb.append('x');
            return sb.toString();
        }

        synchronized void got(String how, Throwable t) {
            hows.add(how);
            errors.add(t);
        }

        /** Records the call's synchronous exception. */
        void thrown(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                got("thrown", e);
                return;
            }
            fail("nothing thrown");
        }

        /** A write/close callback that records a non-null error. */
        Consumer<Throwable> cb() {
            return t -> {
                if (t != null) got("callback", t);
            };
        }

        /** Records {@code 'error'} events of {@code e}. */
        <T extends EventEmitter> T watch(T e) {
            e.on("error", (Throwable t) -> got("'error'", t));
            return e;
        }

        /**
         * A listening server and a connected client; {@code body(client, accepted)} runs once both
         * are up. The server closes after its one connection; the accepted socket flows.
         */
        void pair(SocketOptions clientOptions, BiConsumer<USocket, USocket> body) {
            SocketTestKit.pair(loop, path("pair.sock"), new SocketOptions(), clientOptions, (client, s) -> {
                s.resume();
                body.accept(client, s);
            });
        }

        void pair(BiConsumer<USocket, USocket> body) {
            pair(new SocketOptions(), body);
        }

        /** Runs the loop to its end; returns "how[+how] {fields}" with every delivery the same object. */
        String run() {
            loop.run();
            loop.close();
            after.forEach(Runnable::run);
            assertFalse(events.contains(SocketTestKit.GUARD), "the loop had to be stopped by the guard");
            if (raw != null) return raw;
            assertFalse(errors.isEmpty(), "no error was delivered");
            for (Throwable t : errors) assertSame(errors.get(0), t, "one error object for every delivery: " + errors);
            String d = EventLog.describe(errors.get(0), dir);
            String longName = longPath().substring(dir.toString().length());
            return String.join("+", hows) + " " + d.replace("<dir>" + longName, "<108 bytes>");
        }
    }

    interface Scenario {
        void setUp(Ctx c) throws Exception;
    }

    private static Arguments c(String spec, String expected, Scenario s) {
        return Arguments.of(spec, expected, Named.of("scenario", s));
    }

    static Stream<Arguments> catalogue() {
        return Stream.of(
                // ---- paths: connect (N25, N26, D18) ----
                c("N25/D6 connect to a missing path",
                        "'error' {code=ENOENT errno=-2 syscall=connect address=<dir>/missing.sock message=\"connect ENOENT <dir>/missing.sock\"}",
                        x -> x.watch(new USocket(x.loop)).connect(x.path("missing.sock"))),
                c("N26 connect to a stale socket file",
                        "'error' {code=ECONNREFUSED errno=-111 syscall=connect address=<dir>/stale.sock message=\"connect ECONNREFUSED <dir>/stale.sock\"}",
                        x -> {
                            SocketTestKit.staleSocket(x.path("stale.sock"));
                            x.watch(new USocket(x.loop)).connect(x.path("stale.sock"));
                        }),
                c("N26 connect to a regular file",
                        "'error' {code=ECONNREFUSED errno=-111 syscall=connect address=<dir>/file message=\"connect ECONNREFUSED <dir>/file\"}",
                        x -> {
                            Files.writeString(Path.of(x.path("file")), "x");
                            x.watch(new USocket(x.loop)).connect(x.path("file"));
                        }),
                c("N26 connect to a directory",
                        "'error' {code=ECONNREFUSED errno=-111 syscall=connect address=<dir>/sub message=\"connect ECONNREFUSED <dir>/sub\"}",
                        x -> {
                            Files.createDirectory(Path.of(x.path("sub")));
                            x.watch(new USocket(x.loop)).connect(x.path("sub"));
                        }),
                c("D18 connect to a path over 107 bytes",
                        "'error' {code=EINVAL errno=-22 syscall=connect address=<108 bytes> message=\"connect EINVAL <108 bytes>\"}",
                        x -> x.watch(new USocket(x.loop)).connect(x.longPath())),
                // ---- paths: listen (D4, N27, D18, N21, D5) ----
                c("D4/D6 listen on a regular file",
                        "'error' {code=EADDRINUSE errno=-98 syscall=listen address=<dir>/file message=\"listen EADDRINUSE: address already in use <dir>/file\"}",
                        x -> {
                            Files.writeString(Path.of(x.path("file")), "x");
                            x.watch(new UServer(x.loop)).listen(x.path("file"));
                        }),
                // node v20: "listen EACCES: permission denied /tmp/nt/no/s.sock" (libuv's uv_pipe_bind maps ENOENT to EACCES)
                c("N27 listen in a missing directory",
                        "'error' {code=EACCES errno=-13 syscall=listen address=<dir>/no/s.sock message=\"listen EACCES: permission denied <dir>/no/s.sock\"}",
                        x -> x.watch(new UServer(x.loop)).listen(x.path("no/s.sock"))),
                c("D18 listen on a path over 107 bytes",
                        "'error' {code=EINVAL errno=-22 syscall=listen address=<108 bytes> message=\"listen EINVAL: invalid argument <108 bytes>\"}",
                        x -> x.watch(new UServer(x.loop)).listen(x.longPath())),
                c("N21 listen on a listening server",
                        "thrown {InvalidStateException code=ERR_SERVER_ALREADY_LISTEN message=\"Listen method has been called more than once without closing.\"}",
                        x -> {
                            UServer s = new UServer(x.loop).listen(x.path("s.sock"));
                            x.thrown(() -> s.listen(x.path("t.sock")));
                            s.close();
                        }),
                c("D5 close a server that is not listening",
                        "callback {code=ERR_SERVER_NOT_RUNNING errno=0 syscall=null address=null message=\"Server is not running.\"}",
                        x -> new UServer(x.loop).close(x.cb())),
                // ---- sending fds (D10, D11, D12) ----
                c("D10 end while fds written without data wait",
                        "callback+'error' {code=ERR_FDS_WITHOUT_DATA errno=0 syscall=null address=null"
                                + " message=\"The socket ended while fds written without data were waiting for bytes to carry them\"}",
                        x -> x.pair((client, s) -> {
                            int fd = Fds.open(x.dir);
                            x.watch(client).write(new int[] {fd}, err -> {
                                x.got("callback", err);
                                Fds.close(fd); // the write is over: the fd is ours again (D14)
                            });
                            client.end();
                        })),
                c("D11 more fds than the data can carry",
                        "thrown {InvalidArgumentException code=ERR_OUT_OF_RANGE message=\"Sending 254 fds needs at least 2 bytes of data (253 fds per message). Received 1\"}",
                        x -> {
                            int fd = Fds.open(x.dir);
                            int[] fds = new int[254];
                            java.util.Arrays.fill(fds, fd);
                            x.pair((client, s) -> {
                                x.thrown(() -> client.write(new Message(new byte[1], fds)));
                                Fds.close(fd);
                                client.end();
                            });
                        }),
                c("D12 a negative fd",
                        "thrown {InvalidArgumentException code=ERR_INVALID_FD message=\"The \"fds\" argument must hold open file descriptors. Received -1\"}",
                        x -> x.pair((client, s) -> {
                            x.thrown(() -> client.write(new Message(new byte[1], -1)));
                            client.end();
                        })),
                c("D12 an fd that is not open",
                        "thrown {InvalidArgumentException code=ERR_INVALID_FD message=\"The \"fds\" argument must hold open file descriptors. Received 1000000\"}",
                        x -> x.pair((client, s) -> {
                            x.thrown(() -> client.write(new int[] {NOT_OPEN}));
                            client.end();
                        })),
                c("D12 an fd closed between write and send",
                        "callback+'error' {code=EBADF errno=-9 syscall=write address=null message=\"write EBADF\"}",
                        x -> x.pair((client, s) -> {
                            int fd = Fds.open(x.dir);
                            x.watch(client).cork();
                            client.write(new Message(new byte[1], fd), x.cb());
                            Fds.close(fd);
                            client.uncork();
                        })),
                // ---- receiving fds (D13): a child JVM with too few free descriptors ----
                c("D13 received fds truncated (MSG_CTRUNC)",
                        "'error' {code=ERR_FDS_TRUNCATED errno=0 syscall=null address=null"
                                + " message=\"Received file descriptors were lost (MSG_CTRUNC): the process may be out of descriptors\"}",
                        BadInputCatalogueTest::truncatedInAChild),
                // ---- the stream after end / destroy (N14, N15, N17, N18) ----
                c("N14 write after end",
                        "callback+'error' {code=ERR_STREAM_WRITE_AFTER_END errno=0 syscall=null address=null message=\"write after end\"}",
                        x -> x.pair((client, s) -> {
                            x.watch(client).end();
                            client.write("x".getBytes(StandardCharsets.UTF_8), x.cb());
                        })),
                c("N15 write to a peer that has gone",
                        "callback+'error' {code=EPIPE errno=-32 syscall=write address=null message=\"write EPIPE\"}",
                        x -> x.pair(new SocketOptions().allowHalfOpen(true), (client, s) -> {
                            x.watch(client).on("end", () -> client.write("x".getBytes(StandardCharsets.UTF_8), x.cb()));
                            client.resume();
                            s.destroy();
                        })),
                c("N17 write after destroy",
                        "callback {code=ERR_STREAM_DESTROYED errno=0 syscall=null address=null message=\"Cannot call write after a stream was destroyed\"}",
                        x -> x.pair((client, s) -> {
                            x.watch(client).destroy();
                            client.write("x".getBytes(StandardCharsets.UTF_8), x.cb());
                        })),
                c("N18 destroy while connecting",
                        "callback {code=ERR_SOCKET_CLOSED_BEFORE_CONNECTION errno=0 syscall=null address=null message=\"Socket closed before the connection was established\"}",
                        x -> {
                            UServer server = new UServer(x.loop);
                            server.listen(x.path("s.sock"), () -> {
                                USocket c = x.watch(new USocket(x.loop, x.path("s.sock")));
                                c.write("x".getBytes(StandardCharsets.UTF_8), x.cb());
                                c.destroy();
                                server.close();
                            });
                        }),
                // ---- bad arguments (D6: Node's ERR_* codes) ----
                c("D6 connect(null)",
                        "thrown {InvalidArgumentException code=ERR_INVALID_ARG_TYPE message=\"The \"path\" argument must be of type string. Received null\"}",
                        x -> x.thrown(() -> new USocket(x.loop).connect(null))),
                // node 20: a second connect() is not refused; libuv connects the same fd again and the
                // kernel says EISCONN: 'error' then 'close'(true), no 'connect' (decisions D58)
                c("D58 connect while connecting",
                        "'error' {code=EISCONN errno=-106 syscall=connect address=<dir>/s.sock message=\"connect EISCONN <dir>/s.sock\"}",
                        x -> {
                            UServer server = new UServer(x.loop);
                            server.on(UServer.CONNECTION, (USocket s) -> s.on(USocket.CLOSE, () -> server.close()));
                            server.listen(x.path("s.sock"), () -> {
                                USocket c = x.watch(new USocket(x.loop));
                                c.connect(x.path("s.sock"));
                                c.connect(x.path("s.sock"));
                            });
                        }),
                c("D6 write(null)",
                        "thrown {InvalidArgumentException code=ERR_STREAM_NULL_VALUES message=\"May not write null values to stream\"}",
                        x -> x.thrown(() -> new USocket(x.loop).write((byte[]) null))));
    }

    /** A child JVM under {@code ulimit -n 96} connects; we send it 200 fds with one byte. */
    private static void truncatedInAChild(Ctx x) {
        String path = x.path("trunc.sock");
        int[] fds = new ContentFiles(x.dir).openAll("trunc", 200);
        UServer server = new UServer(x.loop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.resume();
            s.on("error", (Throwable e) -> { }); // the child's side is what this case is about
            s.write(new Message(new byte[] {1}, fds), err -> ContentFiles.closeAll(fds));
            s.end();
        });
        server.listen(path);
        ChildProcess child = ChildProcess.start("trunc", x.dir,
                ChildProcess.javaCommandUnderUlimit(96, TruncationChild.class, path, x.dir.toString()));
        x.after.add(() -> {
            try (child) {
                String first = child.nextLine(Duration.ofSeconds(20));
                assertEquals("close(true)", child.nextLine(Duration.ofSeconds(20)), child::stderr);
                assertEquals(null, child.nextLine(Duration.ofSeconds(20)), child::stderr);
                x.raw = first;
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void catalogue(String spec, String expected, Scenario scenario) throws Exception {
        int before = TestFds.openFdCount();
        Ctx ctx = new Ctx(kit, dir);
        try {
            scenario.setUp(ctx);
            assertEquals(expected, ctx.run(), spec);
        } finally {
            ctx.loop.close();
        }
        TestFds.assertNoLeak(before);
    }
}
