// node: test/parallel/test-net-stream.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-stream.js, on a path: 20 MB queued to a reader that pauses and is
 * destroyed 20 ms later; the writer gets one {@code 'error'}, is destroyed and closes.
 * ({@code setNoDelay} is TCP only and left out.)
 */
class TestNetStream {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(60));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writerSeesTheReaderGo() {
        String path = kit.path("stream.sock");
        int size = 2000000;
        int n = 10;
        byte[] buf = new byte[size];
        Arrays.fill(buf, (byte) 'a');
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> {
            socket.on("error", common.mustCall((Throwable e) -> socket.destroy()));
            socket.on("close", common.mustCall(() -> server.close()));
            for (int i = 0; i < n; ++i) socket.write(buf, () -> { });
            socket.end();
        });
        server.listen(path, () -> {
            USocket conn = new USocket(kit.loop(), path);
            conn.on("data", (byte[] b) -> {
                assertSame(conn, conn.pause());
                kit.loop().setTimeout(() -> conn.destroy(), 20);
            });
        });
        kit.run();
    }
}
