// node: test/parallel/test-net-throttle.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-throttle.js, on a path: writes past the point where {@code write}
 * returns false are kept, and a reader pausing 100 ms after each chunk receives every byte
 * ({@code bufferSize} read as {@code writableLength()}).
 */
class TestNetThrottle {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(60));

    @Test
    void throttledWritesAreNotLost() {
        String path = kit.path("throttle.sock");
        long[] charsRecved = {0};
        int[] npauses = {0};
        long[] totalLength = {0};

        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket connection) -> {
            String body = "C".repeat(1024);
            int n = 1;
            while (connection.write(body)) n++;
            // Now that we're throttled, do some more writes to make sure the data isn't lost.
            connection.write(body);
            connection.write(body);
            n += 2;
            totalLength[0] = (long) n * body.length();
            assertTrue(connection.writableLength() >= 0, "bufferSize: " + connection.writableLength());
            assertTrue(connection.writableLength() <= totalLength[0],
                    "writableLength: " + connection.writableLength() + ", totalLength: " + totalLength[0]);
            connection.end();
        });
        server.listen(path, () -> {
            boolean[] paused = {false};
            USocket client = new USocket(kit.loop(), path);
            client.setEncoding("ascii");
            client.on("data", (String d) -> {
                charsRecved[0] += d.length();
                if (!paused[0]) {
                    client.pause();
                    npauses[0] += 1;
                    paused[0] = true;
                    long x = charsRecved[0];
                    kit.loop().setTimeout(() -> {
                        assertEquals(x, charsRecved[0]);
                        client.resume();
                        paused[0] = false;
                    }, 100);
                }
            });
            client.on("end", () -> {
                server.close();
                client.end();
            });
        });
        kit.run();

        // node checks this on exit
        assertEquals(totalLength[0], charsRecved[0]);
        assertTrue(npauses[0] > 1, npauses[0] + " > 1");
    }
}
