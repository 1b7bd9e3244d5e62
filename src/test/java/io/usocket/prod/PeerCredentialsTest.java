package io.usocket.prod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.usocket.ChildProcess;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.ListenOptions;
import io.usocket.PeerCredentials;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link USocket#peerCredentials()} and {@link UServer#verifyPeer}: who is at the other end, as
 * the kernel recorded it (SO_PEERCRED), including a peer process that dropped to {@code nobody}
 * before connecting.
 */
@Timeout(60)
class PeerCredentialsTest {
    private static final int NOBODY = 65534;
    /** A peer in Python: optionally drops to nobody, connects, says who it is, prints what it gets back. */
    private static final String PEER = String.join("\n",
            "import os, socket, sys",
            "path, drop = sys.argv[1], sys.argv[2] == 'drop'",
            "if drop:",
            "    os.setgroups([]); os.setgid(65534); os.setuid(65534)",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.connect(path)",
            "print('connected uid=%d pid=%d' % (os.getuid(), os.getpid()), flush=True)",
            "data = s.recv(100)",
            "print('got ' + (data.decode() if data else 'EOF'), flush=True)");

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(40));
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    private static final PeerCredentials SELF = self();

    /** This process's credentials, as the kernel gives them for a socketpair we made. */
    private static PeerCredentials self() {
        int[] pair = SocketTestKit.socketPair();
        EventLoop l = EventLoop.create();
        try {
            USocket a = new USocket(l, new SocketOptions().fd(pair[0]));
            PeerCredentials c = a.peerCredentials();
            a.destroy();
            io.usocket.Fds.close(pair[1]);
            l.run();
            return c;
        } finally {
            l.close();
        }
    }

    @Test
    void bothEndsOfAConnectionInThisProcessSeeThisProcess() {
        long pid = ProcessHandle.current().pid();
        assertEquals(pid, SELF.pid(), "an adopted socketpair fd: its creator is us");
        USocket unconnected = new USocket(loop);
        assertNull(unconnected.peerCredentials(), "no peer before connecting");
        unconnected.destroy();
        PeerCredentials[] seen = new PeerCredentials[2];
        kit.pair((client, accepted) -> {
            seen[0] = client.peerCredentials();
            seen[1] = accepted.peerCredentials();
            client.end();
            accepted.end();
        });
        kit.run();
        assertEquals(SELF, seen[0], "the client sees the listening process");
        assertEquals(SELF, seen[1], "the server sees the connecting process");
        assertEquals(pid, seen[1].pid());
    }

    /** The written-out equals/hashCode (decisions D91) keep the record's rule: all three fields. */
    @Test
    void credentialsAreEqualExactlyWhenPidUidAndGidAre() {
        PeerCredentials a = new PeerCredentials(10, 1000, 100);
        assertEquals(new PeerCredentials(10, 1000, 100), a);
        assertEquals(new PeerCredentials(10, 1000, 100).hashCode(), a.hashCode());
        assertNotEquals(new PeerCredentials(11, 1000, 100), a);
        assertNotEquals(new PeerCredentials(10, 1001, 100), a);
        assertNotEquals(new PeerCredentials(10, 1000, 101), a);
        assertNotEquals(a, null);
        assertNotEquals(a, "PeerCredentials[pid=10, uid=1000, gid=100]");
        assertEquals("PeerCredentials[pid=10, uid=1000, gid=100]", a.toString());
    }

    @Test
    void aServersConnectionsFromOnePeerShareOneRecord() {
        // Consecutive connections from one process share its credentials record (decisions D91);
        // a peer with other credentials gets its own (the nobody/root tests below).
        String path = kit.path("same.sock");
        UServer server = new UServer(loop);
        List<PeerCredentials> seen = new ArrayList<>();
        List<USocket> clients = new ArrayList<>();
        server.on("connection", (USocket s) -> {
            seen.add(s.peerCredentials());
            s.destroy();
            if (seen.size() == 2) {
                clients.forEach(USocket::destroy);
                server.close();
            }
        });
        server.listen(path, () -> {
            for (int i = 0; i < 2; i++) clients.add(new USocket(loop, path));
        });
        loop.run();
        assertEquals(List.of(SELF, SELF), seen);
        assertSame(seen.get(0), seen.get(1));
    }

    @Test
    void aPeerThatDroppedToNobodyIsSeenWithItsUidGidAndPid() throws Exception {
        requireRootAndPython();
        String path = publicPath();
        UServer server = new UServer(loop);
        List<PeerCredentials> seen = new ArrayList<>();
        server.on("connection", (USocket s) -> {
            seen.add(s.peerCredentials());
            s.end("welcome");
            server.close();
        });
        ChildProcess[] child = {null};
        server.listen(new ListenOptions().path(path).writableAll(true),
                () -> child[0] = kit.closeWithKit(ChildProcess.start("nobody-peer", kit.dir(), python(path, "drop"))));
        kit.run();
        ChildProcess peer = child[0];
        assertEquals("connected uid=" + NOBODY + " pid=" + peer.process.pid(), peer.nextLine(Duration.ofSeconds(30)));
        assertEquals("got welcome", peer.nextLine(Duration.ofSeconds(30)));
        assertEquals(0, peer.finish(Duration.ofSeconds(30)).exitCode());
        assertEquals(List.of(new PeerCredentials((int) peer.process.pid(), NOBODY, NOBODY)), seen);
    }

    @Test
    void verifyPeerClosesRefusedPeersBeforeConnectionCountsThemAndEmitsDrop() throws Exception {
        requireRootAndPython();
        String path = publicPath();
        UServer server = new UServer(loop).verifyPeer(c -> c.uid() == 0);
        List<PeerCredentials> dropped = new ArrayList<>();
        List<PeerCredentials> connected = new ArrayList<>();
        server.on("drop", (PeerCredentials c) -> {
            dropped.add(c);
            log.add("drop");
        });
        server.on("connection", (USocket s) -> {
            connected.add(s.peerCredentials());
            log.add("connection");
            s.end("welcome");
            server.close();
        });
        ChildProcess[] children = new ChildProcess[2];
        server.listen(new ListenOptions().path(path).writableAll(true), () -> {
            // nobody first; the root peer only once nobody was dropped, so the order is fixed
            children[0] = kit.closeWithKit(ChildProcess.start("nobody-peer", kit.dir(), python(path, "drop")));
        });
        server.once("drop", () -> children[1] = kit.closeWithKit(ChildProcess.start("root-peer", kit.dir(), python(path, "stay"))));
        kit.run();
        ChildProcess nobody = children[0];
        ChildProcess root = children[1];
        assertNotNull(root, "the nobody peer was never dropped: " + log.all());
        assertEquals("connected uid=" + NOBODY + " pid=" + nobody.process.pid(), nobody.nextLine(Duration.ofSeconds(30)));
        assertEquals("got EOF", nobody.nextLine(Duration.ofSeconds(30)), "a refused peer reads EOF");
        assertEquals("connected uid=0 pid=" + root.process.pid(), root.nextLine(Duration.ofSeconds(30)));
        assertEquals("got welcome", root.nextLine(Duration.ofSeconds(30)));
        assertEquals(List.of("drop", "connection"), log.all());
        assertEquals(List.of(new PeerCredentials((int) nobody.process.pid(), NOBODY, NOBODY)), dropped);
        assertEquals(List.of(new PeerCredentials((int) root.process.pid(), 0, 0)), connected);
        assertEquals(1, server.peersRefused());
        assertEquals(0, nobody.finish(Duration.ofSeconds(30)).exitCode());
        assertEquals(0, root.finish(Duration.ofSeconds(30)).exitCode());
    }

    @Test
    void aCheckThatThrowsRefusesTheConnectionAndReachesTheUncaughtHandler() {
        UServer server = new UServer(loop).verifyPeer(c -> {
            throw new IllegalStateException("check failed for pid " + c.pid());
        });
        List<Throwable> uncaught = new ArrayList<>();
        loop.onUncaughtException(e -> {
            uncaught.add(e);
            server.close();
        });
        server.on("connection", (USocket s) -> log.add("connection"));
        server.on("drop", () -> log.add("drop"));
        String path = kit.path("throwing.sock");
        server.listen(path, () -> {
            USocket client = new USocket(loop, path);
            client.on("end", () -> log.add("client end"));
            client.on("close", (Boolean hadError) -> log.add("client close"));
        });
        kit.run();
        assertEquals(1, uncaught.size());
        assertEquals("check failed for pid " + ProcessHandle.current().pid(), uncaught.get(0).getMessage());
        assertEquals(List.of("drop", "client end", "client close"), log.all());
        assertEquals(1, server.peersRefused());
        // the kit's fd check: the refused connection's fd was closed
    }

    @Test
    void withoutACheckNothingIsRefused() {
        UServer server = kit.pair((client, accepted) -> {
            client.end();
            accepted.end();
        });
        kit.run();
        assertEquals(0, server.peersRefused());
        server.verifyPeer(c -> true);
        server.verifyPeer(null);
        assertEquals(0, server.peersRefused());
    }

    /** The README's command: the example's output, line by line. */
    @Test
    void theExampleServesItsOwnUserAndRefusesNobody() {
        requireRootAndPython();
        ChildProcess example = kit.closeWithKit(ChildProcess.start("example", kit.dir(),
                ChildProcess.javaCommand(io.usocket.examples.PeerCredentialsExample.class)));
        ChildProcess.Result result = example.finish(Duration.ofSeconds(50));
        assertEquals(0, result.exitCode(), result.stderr());
        long pid = example.process.pid();
        List<String> expected = List.of(
                "server: listening; serving uid 0 only",
                "server: accepted pid " + pid + ", uid 0, gid 0",
                "client: connected to pid " + pid + ", uid 0",
                "client in this process \\(pid " + pid + "\\): 'welcome, pid " + pid + "'",
                "server: refused pid (\\d+), uid 65534 \\(not uid 0\\)",
                "peer as nobody \\(pid (\\d+)\\): the server closed the connection unread",
                "server: 1 connection\\(s\\) refused");
        assertEquals(expected.size(), result.stdout().size(), String.join("\n", result.stdout()));
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(result.stdout().get(i).matches(expected.get(i)), result.stdout().get(i) + " !~ " + expected.get(i));
        }
        String refused = result.stdout().get(4).replaceAll("\\D+(\\d+).*", "$1");
        assertTrue(result.stdout().get(5).contains("(pid " + refused + ")"), "the refused pid is the nobody peer's");
    }

    /** A socket path a process of another uid can reach: the kit's directory made traversable. */
    private String publicPath() throws Exception {
        Files.setPosixFilePermissions(kit.dir(), PosixFilePermissions.fromString("rwx--x--x"));
        return kit.path("public.sock");
    }

    private static List<String> python(String path, String mode) {
        return List.of("python3", "-c", PEER, path, mode);
    }

    private static void requireRootAndPython() {
        assumeTrue(SELF.uid() == 0, "dropping to nobody needs root");
        ChildProcess.require(ChildProcess.probe("python3", "python3", "-c", "import socket"));
    }
}
