package io.usocket.examples;

import io.usocket.EventLoop;
import io.usocket.ListenOptions;
import io.usocket.PeerCredentials;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Who is connecting: a server that serves only processes of its own user, decided from the
 * credentials the kernel recorded at connect time ({@link UServer#verifyPeer}), not from
 * anything the client says. One client runs in this process; when run as root a second one, a
 * Python process that drops to {@code nobody} before connecting, is refused.
 *
 * <p>Run from the repository root:
 * {@code mvn -B -q test-compile exec:java -Dexec.mainClass=io.usocket.examples.PeerCredentialsExample}.
 */
public final class PeerCredentialsExample {
    /** A peer that drops to nobody (uid and gid 65534), connects and prints what it reads. */
    private static final String NOBODY_PEER = String.join("\n",
            "import os, socket, sys",
            "os.setgroups([]); os.setgid(65534); os.setuid(65534)",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.connect(sys.argv[1])",
            "data = s.recv(100)",
            "print('peer as nobody (pid %d): %s' % (os.getpid(), repr(data.decode()) if data else 'the server closed the connection unread'), flush=True)");

    private PeerCredentialsExample() {
    }

    /** Runs the server and both clients. */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("usocket-peercred");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // others may reach the socket
        String path = dir.resolve("app.sock").toString();
        EventLoop loop = EventLoop.create();
        int ownUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // our effective uid
        UServer server = new UServer(loop);
        server.verifyPeer(c -> c.uid() == ownUid);
        server.on("connection", (USocket s) -> {
            PeerCredentials c = s.peerCredentials();
            System.out.println("server: accepted pid " + c.pid() + ", uid " + c.uid() + ", gid " + c.gid());
            s.end("welcome, pid " + c.pid());
        });
        server.on("drop", (PeerCredentials c) -> System.out.println("server: refused pid " + c.pid() + ", uid " + c.uidUnsigned() + " (not uid " + ownUid + ")"));
        boolean root = ownUid == 0;
        server.listen(new ListenOptions().path(path).writableAll(true), () -> {
            System.out.println("server: listening; serving uid " + ownUid + " only");
            USocket client = new USocket(loop, path);
            client.on("connect", () -> {
                PeerCredentials c = client.peerCredentials(); // the listening process: us
                System.out.println("client: connected to pid " + c.pid() + ", uid " + c.uid());
            });
            client.setEncoding("utf8");
            client.on("data", (String d) -> System.out.println("client in this process (pid " + ProcessHandle.current().pid() + "): '" + d + "'"));
            client.on("close", () -> {
                if (!root) {
                    System.out.println("(not root: the peer that drops to nobody is skipped)");
                    finish(server);
                    return;
                }
                // The loop must keep running to accept (and refuse) the peer: wait for it on another thread.
                Thread peer = new Thread(() -> {
                    String out = runNobodyPeer(path);
                    loop.execute(() -> {
                        System.out.print(out);
                        finish(server);
                    });
                });
                peer.start();
            });
        });
        loop.run();
        loop.close();
        Files.delete(dir);
    }

    private static void finish(UServer server) {
        System.out.println("server: " + server.peersRefused() + " connection(s) refused");
        server.close();
    }

    /** Runs the Python peer to its end; returns what it printed. */
    private static String runNobodyPeer(String path) {
        try {
            Process p = new ProcessBuilder(List.of("python3", "-c", NOBODY_PEER, path)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "(python3 is not available: " + e.getMessage() + ")\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)\n";
        }
    }
}
