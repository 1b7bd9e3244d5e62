// node: test/parallel/test-net-reconnect.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-reconnect.js, on a path: one socket connects 51 times, calling
 * {@code connect()} again from its {@code 'close'}. Node resets the closed socket and connects,
 * and so does USocket (pending-core until the core redesign, issue 9, item 20).
 */
class TestNetReconnect {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @Test
    void reconnectFromClose() {
        EventLoop loop = kit.loop();
        String path = kit.path("reconnect.sock");
        int n = 50;
        int[] clientRecvCount = {0};
        int[] clientEndCount = {0};
        int[] disconnectCount = {0};

        UServer server = new UServer(loop);
        server.on("connection", (USocket socket) -> {
            socket.resume();
            socket.write("hello\r\n");
            socket.on("end", () -> socket.end());
            socket.on("close", (Boolean hadError) -> assertEquals(false, hadError));
        });
        server.listen(path, () -> {
            USocket client = new USocket(loop, path);
            client.setEncoding("UTF8");
            client.on("data", (String chunk) -> {
                clientRecvCount[0] += 1;
                assertEquals("hello\r\n", chunk);
                client.end();
            });
            client.on("end", () -> clientEndCount[0]++);
            client.on("close", (Boolean hadError) -> {
                assertEquals(false, hadError);
                if (disconnectCount[0]++ < n) client.connect(path); // reconnect
                else server.close();
            });
        });
        kit.run();

        // node checks this on exit
        assertEquals(n + 1, disconnectCount[0]);
        assertEquals(n + 1, clientRecvCount[0]);
        assertEquals(n + 1, clientEndCount[0]);
    }
}
