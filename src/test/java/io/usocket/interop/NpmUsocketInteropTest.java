package io.usocket.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static io.usocket.interop.PeerSetup.EXIT;
import static io.usocket.interop.PeerSetup.GUARD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ChildProcess;
import io.usocket.ContentFiles;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original npm package {@code usocket} (pinned in interop/node/package.json, installed by
 * .ci/run) on node as the peer: the npm README example with each half swapped for the Java port
 * (API.md's port of it), and the frame scenario both ways.
 *
 * <p>Scenarios stay within what the original can do: it receives at most 64 fds per recvmsg (more
 * are lost), so what we send it has at most 64 fds per message; it loses the fds of a write whose
 * sendmsg hits EAGAIN, so what it sends waits ({@code !}) for our ack after a large payload before
 * the next fds; and it re-sends a write's fds with every part of a partial sendmsg, so it never
 * sends fds with a large payload. It sends 253 fds in one message fine.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NpmUsocketInteropTest {
    /** What our side sends to the original: at most 64 fds per message. */
    static final InteropScenario TO_NPM =
            InteropScenario.parse("5:0,7:1,0:3,16:64,3000000:0,100:2,3000000:1,3:0");
    /** What the original sends to us: 253 fds at once; fds between large payloads, never with one. */
    static final InteropScenario FROM_NPM =
            InteropScenario.parse("5:0,7:1,0:3,16:253,3000000:0!,100:2,3000000:0,3:0");
    private static final Path NODE_DIR = InteropScenario.RESOURCES.resolve("node");

    @TempDir
    Path dir;

    private static String missing;

    @BeforeAll
    static void probeNpmUsocket() {
        SocketTestKit.warmUp();
        missing = ChildProcess.probe("node", "node", "--version");
        if (missing == null) {
            missing = ChildProcess.probe("the npm package usocket in " + NODE_DIR.resolve("node_modules"),
                    "node", "-e", "require(process.argv[1])", NODE_DIR.resolve("node_modules/usocket").toString());
        }
    }

    @BeforeEach
    void requireNpmUsocket() {
        ChildProcess.require(missing);
    }

    private static List<String> node(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", NODE_DIR.resolve(script).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * README's server (node) and README's client ported to Java, as in API.md: {@code 'connected'}
     * → {@code read(0)}; {@code 'readable'} → {@code read(7, 1)}. The fd the node server passes is
     * its own script file, read here through the fd. After the message, {@code read(7, 1)} at EOF
     * returns null and lets {@code 'end'} come (decisions D7).
     */
    @Test
    void npmReadmeServerToOurReadmeClient() throws IOException {
        byte[] script = Files.readAllBytes(NODE_DIR.resolve("readme-server.js"));
        int before = TestFds.openFdCount();
        String path = dir.resolve("socket").toString();
        List<String> reads = new ArrayList<>();
        byte[][] content = new byte[1][];
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            ChildProcess peer = PeerSetup.listeningPeer(h, "node", dir, node("readme-server.js", path));
            USocket client = new USocket(h.loop());
            PeerSetup.trace(h, client, "C");
            client.connect(path);
            client.on("connected", () -> client.read(0));
            client.on("readable", () -> {
                Message msg = client.read(7, 1);
                reads.add(String.valueOf(msg == null ? null
                        : new String(msg.data(), StandardCharsets.UTF_8) + " fds=" + msg.fds().length));
                if (msg == null) return;
                content[0] = ContentFiles.drainAndClose(msg.fds()[0]);
                client.end();
            });
            h.run();
            ChildProcess.Result r = peer.finish(EXIT);

            // 'finish' (our end) and 'end' (the peer's EOF) are independent: EOF may be read in the
            // same wakeup as the message, or later.
            assertEquals("C connect", h.log.all().get(0), r.stderr());
            assertEquals(List.of("C end", "C finish"), h.log.all().subList(1, 3).stream().sorted().toList(), h.log.all().toString());
            assertEquals("C close(false)", h.log.all().get(3), h.log.all().toString());
            assertEquals(4, h.log.all().size(), h.log.all().toString());
            // A second 'readable' (read -> null) comes only when EOF arrives in a later wakeup.
            assertEquals("message fds=1", reads.get(0), reads.toString());
            assertTrue(reads.size() == 1 || reads.equals(List.of("message fds=1", "null")), reads.toString());
            assertArrayEquals(script, content[0]);
            assertEquals(new ChildProcess.Result(0, List.of("closed"), ""), r);
        }
        TestFds.assertNoLeak(before);
    }

    /** README's server ported to Java (API.md), README's client on node: it reads our message and fd. */
    @Test
    void ourReadmeServerToNpmReadmeClient() throws IOException {
        Path file = Files.writeString(dir.resolve("README.md"), "# a file whose fd crosses to node\n".repeat(40));
        byte[] expected = Files.readAllBytes(file);
        int before = TestFds.openFdCount();
        String path = dir.resolve("socket").toString();
        List<String> callbacks = new ArrayList<>();
        ChildProcess[] peer = new ChildProcess[1];
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            EventLoop loop = h.loop();
            UServer server = new UServer(loop);
            h.log.trace(server, "server", "error");
            server.listen(path, () -> peer[0] = h.closeWithKit(ChildProcess.start("node", dir, node("readme-client.js", path))));
            server.on("connection", (USocket connection) -> {
                PeerSetup.trace(h, connection, "S");
                byte[] msg = "message".getBytes(StandardCharsets.UTF_8);
                int fd = Fds.open(file);
                loop.setTimeout(() -> connection.end(new Message(msg, fd), err -> {
                    callbacks.add("end " + FrameSender.outcome(err));
                    Fds.close(fd);
                }), 500);
                connection.on("close", () -> server.close()); // README's client closes the server
            });
            h.run();
            ChildProcess.Result r = peer[0].finish(EXIT);

            assertEquals(List.of("S finish", "S end", "S close(false)"), h.log.all(), r.stderr());
            assertEquals(List.of("end ok"), callbacks);
            String report = "data message fds 1 size " + expected.length + " crc " + InteropScenario.crc(expected);
            assertEquals(new ChildProcess.Result(0, List.of(report), ""), r);
        }
        TestFds.assertNoLeak(before);
    }

    /** The original connects and sends (253 fds in one message among them); our server receives with {@code read(size, count)}. */
    @Test
    void npmClientSendsToOurServer() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        FrameReceiver[] rx = new FrameReceiver[1];
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            AtomicReference<ChildProcess> peer = PeerSetup.serveOnePeer(h, path,
                    c -> rx[0] = new FrameReceiver(c, FROM_NPM, FrameReceiver.Mode.READ_SIZE_COUNT),
                    () -> ChildProcess.start("node", dir, node("peer.js", "connect", path, "send", FROM_NPM.spec, dir.toString())));
            h.run();
            ChildProcess.Result r = peer.get().finish(EXIT);

            assertEquals(List.of("S end", "S finish", "S close(false)"), h.log.all(), r.stderr());
            assertEquals(FROM_NPM.expectedReport(), rx[0].report);
            assertEquals(new ChildProcess.Result(0, List.of(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }

    /**
     * The original listens and receives; our client sends, an fd with the first bytes of a 3 MB
     * payload among the rest. The original counts every fd it gets, so an fd we sent twice (say,
     * again with the rest of a partial send, decisions D10) would show as unclaimed.
     */
    @Test
    void ourClientSendsToNpmServer() {
        int before = TestFds.openFdCount();
        String path = dir.resolve("s.sock").toString();
        try (SocketTestKit h = new SocketTestKit(GUARD)) {
            ChildProcess peer = PeerSetup.listeningPeer(h, "node", dir,
                    node("peer.js", "listen", path, "recv", TO_NPM.spec, dir.toString()));
            USocket client = PeerSetup.client(h, path);
            FrameSender tx = new FrameSender(client, TO_NPM, dir.resolve("files"));
            client.on("connect", tx::start);
            h.run();
            ChildProcess.Result r = peer.finish(EXIT);

            // 'finish' (our end) and 'end' (the peer's EOF) are independent: EOF may be read in the
            // same wakeup as the message, or later.
            assertEquals("C connect", h.log.all().get(0), r.stderr());
            assertEquals(List.of("C end", "C finish"), h.log.all().subList(1, 3).stream().sorted().toList(), h.log.all().toString());
            assertEquals("C close(false)", h.log.all().get(3), h.log.all().toString());
            assertEquals(4, h.log.all().size(), h.log.all().toString());
            assertEquals(tx.expectedResults(), tx.results);
            assertEquals(new ChildProcess.Result(0, TO_NPM.expectedReport(), ""), r);
        }
        TestFds.assertNoLeak(before);
    }
}
