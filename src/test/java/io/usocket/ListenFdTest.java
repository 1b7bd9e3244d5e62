package io.usocket;

import io.usocket.internal.sys.UnixAddress;
import io.usocket.internal.sys.UnixSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code listen(new ListenOptions().fd(fd))}: serving a listening socket someone handed us (Node's listen({fd})). */
@Timeout(20)
class ListenFdTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(10));
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    /** A listening socket made with plain syscalls, as another program (or a parent) would. */
    private static int listeningSocket(String path) {
        int fd = UnixSockets.open();
        assertTrue(fd >= 0);
        assertEquals(0, UnixSockets.bind(fd, UnixAddress.of(path)));
        assertEquals(0, UnixSockets.listen(fd, 16));
        return fd;
    }

    @Test
    void servesAnInheritedListeningSocketAndLeavesItsFileAlone() {
        String path = kit.path("inherited.sock");
        int lfd = listeningSocket(path);
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.end(d)));
        server.listen(new ListenOptions().fd(lfd), () -> {
            log.add("listening address=" + server.address());
            USocket client = new USocket(loop, path);
            client.write("echo me");
            client.on("data", (byte[] d) -> log.add("client got " + new String(d, StandardCharsets.UTF_8)));
            client.on("close", (Boolean had) -> server.close(() -> log.add("server closed")));
        });
        kit.run();
        assertEquals(List.of("listening address=null", "client got echo me", "server closed"), log.all());
        assertTrue(Files.exists(Path.of(path)), "the file was not ours to unlink");
        // The kit's leak check also shows the server closed the listening fd it took over.
    }

    /** The zero-downtime move: a listening socket passed over a unix socket keeps serving in its new owner. */
    @Test
    void aListeningSocketReceivedAsAnFdServesInItsNewOwner() {
        String publicPath = kit.path("public.sock");
        String controlPath = kit.path("control.sock");
        int lfd = listeningSocket(publicPath);
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
        kit.run();
        assertEquals(List.of("heir got 1 fd", "heir accepted", "client got served by the heir"), log.all());
    }

    @Test
    void aDescriptorThatIsNotListeningGivesEinvalAndStaysTheCallers() {
        int[] pipe = Fds.pipe();
        UServer server = new UServer(loop);
        server.on("error", (USocketException e) -> log.add(e.code() + " " + e.syscall() + " listening=" + server.listening()));
        server.listen(new ListenOptions().fd(pipe[0]));
        kit.run();
        assertEquals(List.of("EINVAL listen listening=false"), log.all());
        assertTrue(Fds.isOpen(pipe[0]), "a failed listen leaves the fd to its owner");
        Fds.close(pipe[0]);
        Fds.close(pipe[1]);
    }

    @Test
    void aNegativeFdIsRefusedAtOnce() {
        InvalidArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidArgumentException.class,
                () -> new ListenOptions().fd(-1));
        assertEquals("ERR_OUT_OF_RANGE", e.code());
    }
}
