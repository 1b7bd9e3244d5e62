package io.usocket.interop;

import static io.usocket.interop.PeerSetup.EXIT;
import static io.usocket.interop.PeerSetup.GUARD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.ChildProcess;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.USocket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A C peer (interop/peer.c: plain sendmsg/recvmsg with SCM_RIGHTS, compiled with gcc here), both
 * ways and with the roles the Python test does not take: a C server sends to our client, and our
 * server's accepted socket sends to a C client. Our receiver here takes fds through an
 * {@code 'fds'} listener (decisions D8) instead of {@code read(size, count)}. Same scenario as
 * {@link PythonInteropTest}: trap 7's plain bytes before an fd message, an fd-only frame, 253 fds
 * in one message, fds between and with 3 MB payloads.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CInteropTest {
    static final InteropScenario SCENARIO = PythonInteropTest.SCENARIO;

    @TempDir
    static Path bin;
    private static Path peerBinary;

    @TempDir
    Path dir;

    private static String missing;

    @BeforeAll
    static void compilePeer() {
        SocketTestKit.warmUp();
        missing = ChildProcess.probe("gcc", "gcc", "--version");
        if (missing != null) return;
        peerBinary = bin.resolve("peer");
        try (ChildProcess gcc = ChildProcess.start("gcc", bin, List.of("gcc", "-O2", "-Wall", "-o", peerBinary.toString(),
                InteropScenario.RESOURCES.resolve("peer.c").toString()))) {
            ChildProcess.Result r = gcc.finish(Duration.ofSeconds(60));
            assertEquals(0, r.exitCode(), () -> "gcc failed: " + r.stdout() + r.stderr());
        }
    }

    @BeforeEach
    void requireGcc() {
        ChildProcess.require(missing);
    }

    private static List<String> c(String mode, String path, String role, Path tmp) {
        return List.of(peerBinary.toString(), mode, path, role, SCENARIO.spec, tmp.toString());
    }

    /** C listens and sends; our client receives, taking fds from its {@code 'fds'} event. */
    @Test
    void cServerSendsToOurClient() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            ChildProcess peer = PeerSetup.listeningPeer(h, "c", dir, c("listen", path, "send", dir));
            USocket client = PeerSetup.client(h, path);
            FrameReceiver rx = new FrameReceiver(client, SCENARIO, FrameReceiver.Mode.FDS_EVENT);
            h.run();
            ChildProcess.Result r = peer.finish(EXIT);

            assertEquals(List.of("C connect", "C end", "C finish", "C close(false)"), h.log.all(), r.stderr());
            assertEquals(SCENARIO.expectedReport(), rx.report);
            assertEquals(new ChildProcess.Result(0, List.of(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }

    /** A C client connects and receives; our server's accepted socket sends. */
    @Test
    void ourServerSendsToCClient() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        FrameSender[] tx = new FrameSender[1];
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            AtomicReference<ChildProcess> peer = PeerSetup.serveOnePeer(h, path, s -> {
                tx[0] = new FrameSender(s, SCENARIO, dir.resolve("files"));
                tx[0].start();
            }, () -> ChildProcess.start("c", dir, c("connect", path, "recv", dir)));
            h.run();
            ChildProcess.Result r = peer.get().finish(EXIT);

            assertEquals(List.of("S finish", "S end", "S close(false)"), h.log.all(), r.stderr());
            assertEquals(tx[0].expectedResults(), tx[0].results);
            assertEquals(new ChildProcess.Result(0, SCENARIO.expectedReport(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }
}
