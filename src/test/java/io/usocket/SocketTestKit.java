package io.usocket;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's event-loop world: loops with a guard timer, an {@link EventLog}, a temp directory
 * for socket paths, and connected pairs of sockets.
 *
 * <p>A guarded loop has an unref'd timer that logs {@link #GUARD} and closes the loop once the
 * kit's guard time has passed, so a loop that fails to stop ends {@code run()} with a visible
 * entry instead of hanging the test.
 *
 * <p>Registered as a JUnit extension ({@code @RegisterExtension final SocketTestKit kit = ...}),
 * it checks after each test that the guard did not fire and that no descriptor leaked (decisions
 * D14): while its loops are still open (closing a loop closes what it still holds), the count is
 * back to what it was right after the last of them was made; once it closed them, back to what it
 * was when the kit was made. Used in try-with-resources instead, it only closes. The JDK and the
 * library are warmed up (once per JVM) before the kit takes its first count.
 */
public final class SocketTestKit implements AfterEachCallback, AutoCloseable {
    /** The entry a guard timer logs when it fires. */
    public static final String GUARD = "GUARD";

    /** What the kit's loops log into (the guards too). */
    public final EventLog log = new EventLog();
    private final Duration guard;
    private final boolean checkFds;
    private final int fdsBefore;
    private final List<EventLoop> loops = new ArrayList<>();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private int fdsWithLoops = -1;
    private EventLoop loop;
    private Path dir;
    private boolean closed;

    /** A kit whose guards fire after 10 s. */
    public SocketTestKit() {
        this(Duration.ofSeconds(10));
    }

    /** A kit whose guards fire after {@code guard}. */
    public SocketTestKit(Duration guard) {
        this(guard, true);
    }

    private SocketTestKit(Duration guard, boolean checkFds) {
        warmUp();
        this.guard = guard;
        this.checkFds = checkFds;
        this.fdsBefore = TestFds.openFdCount();
    }

    /** A kit that does not count descriptors (for tests of the loop that make the process-wide default loop). */
    public static SocketTestKit withoutFdCheck(Duration guard) {
        return new SocketTestKit(guard, false);
    }

    // ---- loops ----

    /** The kit's main guarded loop, made on first use. */
    public synchronized EventLoop loop() {
        if (loop == null) loop = guardedLoop();
        return loop;
    }

    /** Runs {@link #loop()} on this thread until it ends. */
    public void run() {
        loop().run();
    }

    /** A new guarded loop, closed with the kit. */
    public synchronized EventLoop guardedLoop() {
        EventLoop l = newLoop();
        l.setTimeout(() -> {
            log.add(GUARD);
            l.close();
        }, guard.toMillis()).unref();
        return l;
    }

    /** A new loop without a guard, closed with the kit. */
    public synchronized EventLoop newLoop() {
        EventLoop l = EventLoop.create();
        loops.add(l);
        fdsWithLoops = TestFds.openFdCount();
        return l;
    }

    /** Closes {@code c} when the kit closes (after its loops); returns it. */
    public synchronized <T extends AutoCloseable> T closeWithKit(T c) {
        owned.add(c);
        return c;
    }

    // ---- paths ----

    /** The kit's temp directory, made on first use and deleted when the kit closes. */
    public synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("usocket-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /** {@code name} in the kit's temp directory. */
    public String path(String name) {
        return dir().resolve(name).toString();
    }

    /**
     * Leaves a stale socket file at {@code path}: a socket bound there and closed without
     * listening or unlinking (what a crashed server leaves behind). Connecting to it gives
     * ECONNREFUSED.
     */
    public static void staleSocket(String path) {
        int fd = LibC.INSTANCE.socket(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IllegalStateException("socket: errno " + LibC.errno());
        try {
            UnixAddress addr = UnixAddress.of(path);
            if (LibC.INSTANCE.bind(fd, addr) != 0) {
                throw new IllegalStateException("bind: errno " + LibC.errno());
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
        if (!isSocket(path)) throw new IllegalStateException("no socket file at " + path);
    }

    /** Whether {@code path} is a socket file. */
    public static boolean isSocket(String path) {
        try {
            int mode = (Integer) Files.getAttribute(Path.of(path), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- connected pairs ----

    /**
     * Listens on {@code path}, connects a client (made with {@code clientOptions}, which hold no
     * path) once listening and calls {@code body(client, accepted)} once the server emitted
     * {@code 'connection'} and the client is connected (in whichever order they come). The
     * server is closed right after it accepted, so the loop ends once both sockets are closed.
     */
    public static UServer pair(EventLoop loop, String path, SocketOptions serverOptions, SocketOptions clientOptions,
                               BiConsumer<USocket, USocket> body) {
        UServer server = new UServer(loop, serverOptions);
        USocket[] client = {null};
        USocket[] accepted = {null};
        boolean[] connected = {false};
        Runnable both = () -> {
            if (accepted[0] != null && connected[0]) body.accept(client[0], accepted[0]);
        };
        server.on("connection", (USocket s) -> {
            server.close();
            accepted[0] = s;
            both.run();
        });
        server.listen(path, () -> {
            client[0] = new USocket(loop, clientOptions);
            client[0].connect(path, () -> {
                connected[0] = true;
                both.run();
            });
        });
        return server;
    }

    /** {@link #pair(EventLoop, String, SocketOptions, SocketOptions, BiConsumer)} with default options. */
    public static UServer pair(EventLoop loop, String path, BiConsumer<USocket, USocket> body) {
        return pair(loop, path, new SocketOptions(), new SocketOptions(), body);
    }

    /** A pair on {@link #loop()}, in the kit's directory, with default options. */
    public UServer pair(BiConsumer<USocket, USocket> body) {
        return pair(loop(), path("pair.sock"), body);
    }

    /** A connected pair of unix stream sockets made with {@code socketpair(2)} (blocking, close-on-exec); the caller owns both. */
    public static int[] socketPair() {
        NativeBuffer b = new NativeBuffer(8);
        if (LibC.INSTANCE.socketpair(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0, b) != 0) {
            throw new IllegalStateException("socketpair: errno " + LibC.errno());
        }
        return new int[] {b.buf.getInt(0), b.buf.getInt(4)};
    }

    // ---- the end ----

    /** Closes the loops, then what was handed to {@link #closeWithKit}, and deletes the temp directory. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (EventLoop l : loops) l.close();
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + c, e);
            }
        }
        if (dir != null) deleteTree(dir);
    }

    /** After each test: the guard did not fire, nothing leaked with the loops open or after they closed. */
    @Override
    public void afterEach(ExtensionContext context) {
        try {
            assertFalse(log.contains(GUARD), "the loop had to be stopped by the guard: " + log);
            if (checkFds && fdsWithLoops >= 0 && !closed) TestFds.assertNoLeak(fdsWithLoops);
        } finally {
            close();
        }
        if (checkFds) TestFds.assertNoLeak(fdsBefore);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- warm-up ----

    private static boolean warm;

    /**
     * Does once per JVM what opens descriptors for good the first time (the libc binding and its
     * jars, the JDK's descriptor for closing channels, a child process's reaper, the classes of an
     * echo round trip), so that a test's descriptor count does not take them for leaks.
     */
    public static synchronized void warmUp() {
        if (warm) return;
        warm = true;
        try {
            Path tmp = Files.createTempDirectory("usocket-warm-up");
            Path file = Files.writeString(tmp.resolve("warm.txt"), "x");
            Files.readAllBytes(file);
            ContentFiles.readAndClose(Fds.open(file));
            Process proc = new ProcessBuilder("true").start();
            proc.waitFor();
            proc.getInputStream().close();
            proc.getErrorStream().close();
            proc.getOutputStream().close();
            try (EventLoop loop = EventLoop.create()) {
                pair(loop, tmp.resolve("warm.sock").toString(), (c, s) -> {
                    s.pipe(s);
                    c.setEncoding("utf8");
                    c.on("data", (Object d) -> { });
                    c.write("77", "hex", err -> { });
                    c.end("warm");
                });
                loop.run();
            }
            deleteTree(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
