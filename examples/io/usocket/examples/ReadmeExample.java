package io.usocket.examples;

import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The npm usocket README example, ported: a server hands a client a message together with an
 * open descriptor of README.md; the client reads both with {@code read(7, 1)}.
 *
 * <p>Run from the repository root: see the first command in README.md.
 */
public final class ReadmeExample {
    private ReadmeExample() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("usocket-example");
        EventLoop loop = EventLoop.create();
        UServer server = new UServer(loop);
        USocket client = new USocket(loop);
        String path = dir.resolve("socket").toString();
        server.listen(path, () -> client.connect(path));
        server.on(UServer.CONNECTION, connection -> {
            byte[] msg = "message".getBytes(StandardCharsets.UTF_8);
            int fd = Fds.open(Path.of("README.md"));                 // read-only
            loop.setTimeout(() -> connection.end(new Message(msg, fd), err -> Fds.close(fd)), 500);
        });
        client.on(USocket.CONNECTED, () -> client.read(0));
        client.on(USocket.READABLE, () -> {
            Message msg = client.read(7, 1);
            if (msg == null) return;
            System.out.println("received data: " + new String(msg.data(), StandardCharsets.UTF_8));
            System.out.println("received fds:  " + msg.fds().length);
            // The received fd is a new descriptor of the same open file: read it, then close it.
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    Fds.toInputStream(msg.fds()[0]), StandardCharsets.UTF_8))) {
                System.out.println("first line of the file behind the fd: " + in.readLine());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.close();
            client.end();
        });
        loop.run();   // returns when nothing is left to do, as a node process exits
        loop.close(); // releases the loop's own descriptors (epoll, eventfd)
        Files.deleteIfExists(dir);
        System.out.println("loop finished");
    }
}
