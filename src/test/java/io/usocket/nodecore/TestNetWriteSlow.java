// node: test/parallel/test-net-write-slow.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-write-slow.js, on a path: 2 MB written at once to a reader that pauses
 * 20 ms after each chunk all arrives, and every write callback runs ({@code setNoDelay} is TCP
 * only and left out).
 */
class TestNetWriteSlow {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(120));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void aSlowReader() {
        String path = kit.path("write-slow.sock");
        int size = 200000;
        int n = 10;
        int[] flushed = {0};
        long[] received = {0};
        byte[] buf = new byte[size];
        Arrays.fill(buf, (byte) 'a');

        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> {
            socket.setTimeout(9999);
            socket.on("timeout", () -> fail("flushed: " + flushed[0] + ", received: " + received[0] + "/" + size * n));
            for (int i = 0; i < n; ++i) {
                socket.write(buf, () -> {
                    ++flushed[0];
                    if (flushed[0] == n) socket.setTimeout(0);
                });
            }
            socket.end();
        });
        server.listen(path, common.mustCall(() -> {
            USocket conn = new USocket(kit.loop(), path);
            conn.on("data", (byte[] b) -> {
                received[0] += b.length;
                conn.pause();
                kit.loop().setTimeout(() -> conn.resume(), 20);
            });
            conn.on("end", common.mustCall(() -> {
                server.close();
                assertEquals((long) size * n, received[0]);
            }));
        }));
        kit.run();
    }
}
