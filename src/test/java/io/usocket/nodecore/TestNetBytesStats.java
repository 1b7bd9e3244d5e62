// node: test/parallel/test-net-bytes-stats.js
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
 * Port of node's test-net-bytes-stats.js, on a path instead of port 0: bytesRead/bytesWritten
 * over two connections of one socket. The second connection is {@code socket.connect()} on the
 * closed socket: node resets the socket and connects again, and so does USocket (pending-core
 * until the core redesign, issue 9, item 20).
 */
class TestNetBytesStats {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @Test
    void countsOverAReconnect() {
        EventLoop loop = kit.loop();
        String path = kit.path("bytes-stats.sock");
        long[] bytesRead = {0};
        long[] bytesWritten = {0};
        int[] count = {0};

        UServer tcp = new UServer(loop);
        tcp.on("connection", (USocket s) -> {
            // trigger old mode.
            s.resume();
            s.on("end", () -> bytesRead[0] += s.bytesRead());
        });
        tcp.listen(path, () -> {
            USocket socket = new USocket(loop, path);
            socket.on("connect", () -> {
                count[0]++;
                socket.write("foo", () -> socket.end("bar"));
            });
            socket.on("finish", () -> bytesWritten[0] += socket.bytesWritten());
            socket.on("close", () -> {
                if (count[0] < 2) {
                    socket.connect(path);
                } else {
                    tcp.close();
                }
            });
        });
        kit.run();

        // node checks this on exit
        assertEquals(12, bytesRead[0]);
        assertEquals(12, bytesWritten[0]);
    }
}
