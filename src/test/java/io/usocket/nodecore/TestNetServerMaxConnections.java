// node: test/parallel/test-net-server-max-connections.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-max-connections.js, on a path: of 20 connections made one after
 * another, the first 10 get through and the last 10 are closed at once. (The SmartOS retry on
 * ECONNREFUSED does not apply.)
 */
class TestNetServerMaxConnections {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(60));
    @RegisterExtension
    final Common common = new Common();

    static final int N = 20;
    private int closes;
    private final Deque<Runnable> waits = new ArrayDeque<>();
    private UServer server;
    private String path;
    private EventLoop loop;

    @Test
    void tenThroughTenRejected() {
        loop = kit.loop();
        path = kit.path("max-connections.sock");
        server = new UServer(loop);
        server.on("connection", common.mustCall((USocket connection) -> {
            connection.write("hello");
            waits.add(() -> connection.end());
        }, N / 2));
        server.listen(path, () -> makeConnection(0));
        server.maxConnections(N / 2);
        kit.run();

        // node checks this on exit
        assertEquals(N, closes);
    }

    private void makeConnection(int index) {
        USocket c = new USocket(loop, path);
        boolean[] gotData = {false};

        c.on("connect", () -> {
            if (index + 1 < N) makeConnection(index + 1);

            c.on("close", () -> {
                closes++;
                if (closes < N / 2) {
                    assertTrue(server.maxConnections() <= index,
                            index + " should not have been one of the first closed connections");
                }
                if (closes == N / 2) {
                    Runnable cb;
                    while ((cb = waits.poll()) != null) cb.run();
                    server.close();
                }
                if (index < server.maxConnections()) {
                    assertEquals(true, gotData[0], index + " didn't get data, but should have");
                } else {
                    assertEquals(false, gotData[0], index + " got data, but shouldn't have");
                }
            });
        });
        c.on("end", () -> c.end());
        c.on("data", (byte[] b) -> {
            gotData[0] = true;
            assertTrue(b.length > 0);
        });
        c.on("error", (Throwable e) -> { });
    }
}
