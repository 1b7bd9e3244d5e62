// node: test/parallel/test-net-server-max-connections-close-makes-more-available.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventLog;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-max-connections-close-makes-more-available.js, on a path: with
 * maxConnections 1, closing the accepted connection lets the next one in. Node chains promises;
 * here each step's "resolve" runs the next step (once). The rejected connection's write fails
 * with EPIPE over a unix path (node 20 too, checked; node's TCP test expects ECONNRESET).
 */
class TestNetServerMaxConnectionsCloseMakesMoreAvailable {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    private final USocket[] connections = new USocket[4];
    private final List<String> received = new ArrayList<>();
    private final List<String> sent = new ArrayList<>();
    private UServer server;
    private String path;

    private static Runnable once(Runnable r) {
        boolean[] done = {false};
        return () -> {
            if (done[0]) return;
            done[0] = true;
            r.run();
        };
    }

    private void createConnection(int index, Runnable then) {
        Runnable resolve = once(then);
        USocket[] connection = new USocket[1];
        connection[0] = new USocket(kit.loop(), path, () -> {
            String msg = String.valueOf(index);
            connection[0].write(msg);
            sent.add(msg);
        });
        connection[0].on("error", (Throwable err) -> {
            // node's test (TCP) expects ECONNRESET; over a unix path node 20 gets EPIPE (checked)
            assertEquals("EPIPE", EventLog.code(err));
            resolve.run();
        });
        connection[0].on("data", (Object e) -> resolve.run());
        connection[0].on("end", resolve);
        connections[index] = connection[0];
    }

    private void closeConnection(int index, Runnable then) {
        connections[index].on("end", once(then));
        connections[index].end();
    }

    @Test
    void closingMakesRoom() {
        path = kit.path("max-close.sock");
        server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> socket.on("data", (byte[] data) -> {
            received.add(new String(data, StandardCharsets.UTF_8));
            socket.write("acknowledged");
        }));
        server.maxConnections(1);
        server.listen(path, () ->
                createConnection(0, () ->
                        createConnection(1, () ->
                                closeConnection(0, () ->
                                        createConnection(2, () ->
                                                createConnection(3, () -> {
                                                    server.close();
                                                    closeConnection(2, () -> { });
                                                }))))));
        kit.run();

        // Confirm that all connections tried to send data...
        assertEquals(List.of("0", "1", "2", "3"), sent);
        // ...but that only connections 0 and 2 were successful.
        assertEquals(List.of("0", "2"), received);
    }
}
