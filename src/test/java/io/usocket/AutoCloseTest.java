package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code USocket} and {@code UServer} in try-with-resources (decisions D51): leaving the block
 * closes a live socket (Node's {@code destroy()}) and a listening server (Node's
 * {@code server.close()}): their descriptors are closed and the socket file is gone when
 * {@code close()} returns, from another thread as on the loop's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AutoCloseTest {
    private static final long WAIT = 20;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLoop loop = kit.loop();

    /** From the test thread while the loop runs on its own: nothing is left when the blocks end. */
    @Test
    void tryWithResourcesFromAnotherThread() throws Exception {
        Timer keepAlive = loop.setInterval(() -> { }, 60_000);
        loop.start();
        String path = kit.path("twr.sock");
        Set<Path> sockets = openSockets();
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<Path> listener;
        try (UServer server = new UServer(loop)) {
            server.on(UServer.CLOSE, () -> events.add("server close"));
            CompletableFuture<USocket> accepted = EventEmitter.once(server, UServer.CONNECTION);
            Promises.listen(server, path).get(WAIT, TimeUnit.SECONDS);
            assertTrue(SocketTestKit.isSocket(path));
            listener = newSince(sockets);
            assertEquals(1, listener.size());
            Set<Path> connection;
            try (USocket client = Promises.connect(loop, path).get(WAIT, TimeUnit.SECONDS);
                 USocket s = accepted.get(WAIT, TimeUnit.SECONDS)) {
                client.on(USocket.CLOSE, hadError -> events.add("client close " + hadError));
                s.on(USocket.CLOSE, hadError -> events.add("accepted close " + hadError));
                connection = newSince(sockets);
                connection.removeAll(listener);
                assertEquals(2, connection.size(), "the client's and the accepted socket's descriptors");
            }
            // Checked at once, not awaited: both sockets' descriptors are closed when close() returns.
            Set<Path> open = openSockets();
            assertTrue(java.util.Collections.disjoint(open, connection), open + " still holds one of " + connection);
            assertTrue(open.containsAll(listener), "the listener is still open");
            assertTrue(SocketTestKit.isSocket(path));
        }
        assertTrue(java.util.Collections.disjoint(openSockets(), listener), "the listening descriptor is closed when close() returns");
        assertFalse(Files.exists(Path.of(path)), "and the socket file is gone");
        loop.execute(keepAlive::clear);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(WAIT)).until(() -> events.size() == 3);
        // Each resource emits its 'close' once, without error. Their order is not fixed: each
        // close() returns once its descriptors are closed, and the events follow on the loop (a
        // socket's from the closing phase, last-closed first as libuv runs it; the server's from a
        // nextTick). Closes that reach the loop within one turn come out as node 20 orders the same
        // three calls made in one tick ("server close", "client close false", "accepted close
        // false"); closes in separate turns come out in the order they were made.
        List<String> sorted = new ArrayList<>(events);
        java.util.Collections.sort(sorted);
        assertEquals(List.of("accepted close false", "client close false", "server close"), sorted);
    }

    /** What this process's socket descriptors refer to ({@code socket:[inode]}): fd numbers may be reused, inodes not. */
    private static Set<Path> openSockets() {
        Set<Path> out = new HashSet<>();
        for (int fd : TestFds.socketFds()) {
            try {
                out.add(TestFds.pathOf(fd));
            } catch (UncheckedIOException e) {
                // closed meanwhile
            }
        }
        return out;
    }

    private static Set<Path> newSince(Set<Path> before) {
        Set<Path> now = openSockets();
        now.removeAll(before);
        return now;
    }

    /** On the loop's thread close() acts at once; a second close of a socket is ignored, as destroy() is. */
    @Test
    void closeOnTheLoopThread() {
        String path = kit.path("loop.sock");
        UServer server = new UServer(loop);
        List<String> log = new ArrayList<>();
        server.on(UServer.CONNECTION, s -> {
            try (UServer self = server; USocket accepted = s) {
                log.add("serving " + SocketTestKit.isSocket(path));
            }
            log.add("after: file " + Files.exists(Path.of(path)) + ", destroyed " + s.destroyed());
            s.close();
        });
        server.on(UServer.CLOSE, () -> log.add("server close"));
        server.listen(path, () -> new USocket(loop, path).on(USocket.CLOSE, h -> log.add("client close " + h)));
        loop.run();
        assertEquals(List.of("serving true", "after: file false, destroyed true", "server close", "client close false"), log);
    }
}
