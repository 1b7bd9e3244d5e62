package io.usocket.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python 3's {@code socket.send_fds} / {@code socket.recv_fds} as the peer (interop/peer.py), both
 * ways: a Python client sends to our {@link UServer}, and our {@link USocket} sends to a Python
 * server. The scenario has plain bytes written right before an fd message (NATIVE.md trap 7), a
 * frame of fds without payload, 253 fds in one message (SCM_MAX_FD, SPEC D11/D13), and fds between
 * two 3 MB payloads and with the first bytes of one (partial sends, SPEC D10). Every fd's file is
 * read through the received fd and checked by CRC-32.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PythonInteropTest {
    static final InteropScenario SCENARIO =
            InteropScenario.parse("5:0,7:1,0:3,16:253,3000000:0,100:2,3000000:1,3:0");
    private static final Duration EXIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static String missing;

    @BeforeAll
    static void probePython() {
        missing = InteropPeer.probe("python3 with socket.send_fds",
                "python3", "-c", "import socket; socket.send_fds; socket.recv_fds");
        InteropHarness.warmUpJdk();
    }

    @BeforeEach
    void requirePython() {
        InteropPeer.require(missing);
    }

    private static List<String> python(String mode, String path, String role, Path tmp) {
        return List.of("python3", InteropPeer.RESOURCES.resolve("peer.py").toString(), mode, path, role,
                SCENARIO.spec, tmp.toString());
    }

    /** Python connects and sends; our server receives with {@code read(size, count)}. */
    @Test
    void pythonClientSendsToOurServer() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        FrameReceiver[] rx = new FrameReceiver[1];
        InteropPeer[] peer = new InteropPeer[1];
        try (InteropHarness h = new InteropHarness()) {
            UServer server = new UServer(h.loop);
            h.trace(server, "server");
            server.on("connection", (USocket c) -> {
                h.trace(c, "S");
                rx[0] = new FrameReceiver(c, SCENARIO, FrameReceiver.Mode.READ_SIZE_COUNT);
                server.close();
            });
            server.listen(path, () -> peer[0] = h.peer(InteropPeer.start("python", dir, python("connect", path, "send", dir))));
            h.run();
            InteropPeer.Result r = peer[0].finish(EXIT);

            assertEquals(List.of("S end", "S finish", "S close(false)"), h.events, r.stderr() + rx[0].report);
            assertEquals(SCENARIO.expectedReport(), rx[0].report);
            assertEquals(new InteropPeer.Result(0, List.of(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }

    /** Python listens and receives; our client writes every frame at once, before it is even connected (N11). */
    @Test
    void ourClientSendsToPythonServer() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        try (InteropHarness h = new InteropHarness()) {
            InteropPeer peer = h.peer(InteropPeer.start("python", dir, python("listen", path, "recv", dir)));
            peer.awaitLine("listening", EXIT);
            USocket client = new USocket(h.loop, path);
            h.trace(client, "C");
            FrameSender tx = new FrameSender(client, SCENARIO, dir.resolve("files"));
            h.loop.execute(tx::start);
            h.run();
            InteropPeer.Result r = peer.finish(EXIT);

            assertEquals(List.of("C connect", "C finish", "C end", "C close(false)"), h.events, r.stderr());
            assertEquals(tx.expectedResults(), tx.results);
            assertEquals(new InteropPeer.Result(0, SCENARIO.expectedReport(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }
}
