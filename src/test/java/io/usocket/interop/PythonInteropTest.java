package io.usocket.interop;

import static io.usocket.interop.PeerSetup.EXIT;
import static io.usocket.interop.PeerSetup.GUARD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.ChildProcess;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python 3's {@code socket.send_fds} / {@code socket.recv_fds} as the peer (interop/peer.py), both
 * ways: a Python client sends to our {@link UServer}, and our {@link USocket} sends to a Python
 * server. The scenario has plain bytes written right before an fd message (native T7), a
 * frame of fds without payload, 253 fds in one message (SCM_MAX_FD, decisions D11/D13), and fds between
 * two 3 MB payloads and with the first bytes of one (partial sends, decisions D10). Every fd's file is
 * read through the received fd and checked by CRC-32.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PythonInteropTest {
    static final InteropScenario SCENARIO =
            InteropScenario.parse("5:0,7:1,0:3,16:253,3000000:0,100:2,3000000:1,3:0");

    @TempDir
    Path dir;

    private static String missing;

    @BeforeAll
    static void probePython() {
        missing = ChildProcess.probe("python3 with socket.send_fds",
                "python3", "-c", "import socket; socket.send_fds; socket.recv_fds");
        SocketTestKit.warmUp();
    }

    @BeforeEach
    void requirePython() {
        ChildProcess.require(missing);
    }

    private static List<String> python(String mode, String path, String role, Path tmp) {
        return List.of("python3", InteropScenario.RESOURCES.resolve("peer.py").toString(), mode, path, role,
                SCENARIO.spec, tmp.toString());
    }

    /** Python connects and sends; our server receives with {@code read(size, count)}. */
    @Test
    void pythonClientSendsToOurServer() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        FrameReceiver[] rx = new FrameReceiver[1];
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            AtomicReference<ChildProcess> peer = PeerSetup.serveOnePeer(h, path,
                    c -> rx[0] = new FrameReceiver(c, SCENARIO, FrameReceiver.Mode.READ_SIZE_COUNT),
                    () -> ChildProcess.start("python", dir, python("connect", path, "send", dir)));
            h.run();
            ChildProcess.Result r = peer.get().finish(EXIT);

            assertEquals(List.of("S end", "S finish", "S close(false)"), h.log.all(), r.stderr() + rx[0].report);
            assertEquals(SCENARIO.expectedReport(), rx[0].report);
            assertEquals(new ChildProcess.Result(0, List.of(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }

    /** Python listens and receives; our client writes every frame at once, before it is even connected (N11). */
    @Test
    void ourClientSendsToPythonServer() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            ChildProcess peer = PeerSetup.listeningPeer(h, "python", dir, python("listen", path, "recv", dir));
            USocket client = PeerSetup.client(h, path);
            FrameSender tx = new FrameSender(client, SCENARIO, dir.resolve("files"));
            h.loop().execute(tx::start);
            h.run();
            ChildProcess.Result r = peer.finish(EXIT);

            assertEquals(List.of("C connect", "C finish", "C end", "C close(false)"), h.log.all(), r.stderr());
            assertEquals(tx.expectedResults(), tx.results);
            assertEquals(new ChildProcess.Result(0, SCENARIO.expectedReport(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }
}
