package io.usocket;

import io.usocket.internal.sys.UnixAddress;
import io.usocket.internal.sys.UnixSockets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code listen(new ListenOptions().fd(fd))}: serving a listening socket someone handed us (Node's listen({fd})). */
@Timeout(20)
class ListenFdTest {
    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    @BeforeAll
    static void warmUp() {
        // First use loads native code and JDK internals that keep descriptors of their own.
        EventLoop.create().close();
        Fds.close(Fds.open(Path.of("/dev/null")));
    }

    /** A listening socket made with plain syscalls, as another program (or a parent) would. */
    private static int listeningSocket(String path) {
        int fd = UnixSockets.open();
        assertTrue(fd >= 0);
        assertEquals(0, UnixSockets.bind(fd, UnixAddress.of(path)));
        assertEquals(0, UnixSockets.listen(fd, 16));
        return fd;
    }

    private static void guard(EventLoop loop) {
        loop.setTimeout(() -> {
            throw new AssertionError("the loop did not finish");
        }, 10_000).unref();
    }

    @Test
    void servesAnInheritedListeningSocketAndLeavesItsFileAlone() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("inherited.sock").toString();
        int lfd = listeningSocket(path);
        EventLoop loop = EventLoop.create();
        guard(loop);
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.end(d)));
        server.listen(new ListenOptions().fd(lfd), () -> {
            log.add("listening address=" + server.address());
            USocket client = new USocket(loop, path);
            client.write("echo me");
            client.on("data", (byte[] d) -> log.add("client got " + new String(d, StandardCharsets.UTF_8)));
            client.on("close", (Boolean had) -> server.close(() -> log.add("server closed")));
        });
        loop.run();
        loop.close();
        assertEquals(List.of("listening address=null", "client got echo me", "server closed"), log);
        assertTrue(Files.exists(Path.of(path)), "the file was not ours to unlink");
        // assertNoLeak also shows the server closed the listening fd it took over.
        TestFds.assertNoLeak(before);
    }

    /** The zero-downtime move: a listening socket passed over a unix socket keeps serving in its new owner. */
    @Test
    void aListeningSocketReceivedAsAnFdServesInItsNewOwner() {
        int before = TestFds.openFdCount();
        String publicPath = dir.resolve("public.sock").toString();
        String controlPath = dir.resolve("control.sock").toString();
        int lfd = listeningSocket(publicPath);
        EventLoop loop = EventLoop.create();
        guard(loop);
        UServer control = new UServer(loop);
        UServer heir = new UServer(loop);
        heir.on("connection", (USocket s) -> {
            log.add("heir accepted");
            s.end("served by the heir");
        });
        control.on("connection", (USocket c) -> c.resume().on("fds", (int[] fds) -> {
            log.add("heir got " + fds.length + " fd");
            heir.listen(new ListenOptions().fd(fds[0]), () -> {
                USocket client = new USocket(loop, publicPath);
                client.on("data", (byte[] d) -> log.add("client got " + new String(d, StandardCharsets.UTF_8)));
                client.on("close", (Boolean had) -> {
                    heir.close();
                    control.close();
                });
            });
        }));
        control.listen(controlPath, () -> {
            USocket owner = new USocket(loop, controlPath);
            // The old owner hands the socket over and closes its own copy once it is sent.
            owner.end(new Message("x".getBytes(StandardCharsets.UTF_8), lfd), err -> Fds.close(lfd));
        });
        loop.run();
        loop.close();
        assertEquals(List.of("heir got 1 fd", "heir accepted", "client got served by the heir"), log);
        TestFds.assertNoLeak(before);
    }

    @Test
    void aDescriptorThatIsNotListeningGivesEinvalAndStaysTheCallers() {
        int before = TestFds.openFdCount();
        int[] pipe = Fds.pipe();
        EventLoop loop = EventLoop.create();
        guard(loop);
        UServer server = new UServer(loop);
        server.on("error", (USocketException e) -> log.add(e.code() + " " + e.syscall() + " listening=" + server.listening()));
        server.listen(new ListenOptions().fd(pipe[0]));
        loop.run();
        loop.close();
        assertEquals(List.of("EINVAL listen listening=false"), log);
        assertTrue(Fds.isOpen(pipe[0]), "a failed listen leaves the fd to its owner");
        Fds.close(pipe[0]);
        Fds.close(pipe[1]);
        TestFds.assertNoLeak(before);
    }

    @Test
    void aNegativeFdIsRefusedAtOnce() {
        InvalidArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidArgumentException.class,
                () -> new ListenOptions().fd(-1));
        assertEquals("ERR_OUT_OF_RANGE", e.code());
    }
}
