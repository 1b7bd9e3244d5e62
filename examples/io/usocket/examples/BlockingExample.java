package io.usocket.examples;

import io.usocket.BlockingSocket;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.Promises;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The npm usocket README example again, in blocking style: the loop runs on its own thread, the
 * server answers each connection on a thread of its own, and the client iterates what it
 * receives ({@code for (Message m : socket)}, Node's {@code for await (const chunk of socket)}).
 * On JDK 21+ the threads can be virtual ({@code Thread.startVirtualThread}); nothing else changes.
 *
 * <p>Run from the repository root: see the README's second command.
 */
public final class BlockingExample {
    private BlockingExample() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("usocket-blocking");
        String path = dir.resolve("socket").toString();
        EventLoop loop = EventLoop.create();
        UServer server = new UServer(loop);
        server.on(UServer.CONNECTION, s -> new Thread(() -> serve(s)).start());
        CompletableFuture<UServer> listening = Promises.listen(server, path);
        Thread loopThread = loop.start();       // from here the loop runs on its own thread
        listening.join();

        try (BlockingSocket client = BlockingSocket.connect(loop, path)) {
            for (Message msg : client) {        // until the server ends the connection
                System.out.println("received data: " + new String(msg.data(), StandardCharsets.UTF_8));
                System.out.println("received fds:  " + msg.fds().length);
                for (int fd : msg.fds()) {
                    // The received fd is a new descriptor of the same open file: ours to read and close.
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(
                            Fds.toInputStream(fd), StandardCharsets.UTF_8))) {
                        System.out.println("first line of the file behind the fd: " + in.readLine());
                    }
                }
            }
        }
        server.close();
        loopThread.join();                      // the loop ends once nothing is left, as a node process exits
        loop.close();
        Files.deleteIfExists(dir);
        System.out.println("loop finished");
    }

    /** One connection, in blocking style: a message with an fd, then the end. */
    private static void serve(USocket socket) {
        try (BlockingSocket conn = BlockingSocket.of(socket)) {
            int fd = Fds.open(Path.of("README.md"));                        // read-only
            conn.write(new Message("message".getBytes(StandardCharsets.UTF_8), fd));   // returns once it is in the kernel
            Fds.close(fd);                                                  // so the fd is ours to close again
            conn.end();
        }
    }
}
