// node: test/parallel/test-net-large-string.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-large-string.js, on a path: 40 K three-byte characters written as one
 * string arrive whole through a UTF-8 decoder (no character split across chunks is lost).
 */
class TestNetLargeString {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void aLargeMultiByteString() {
        int kPoolSize = 40 * 1024;
        String data = "あ".repeat(kPoolSize);
        String encoding = "UTF-8";
        String path = kit.path("large-string.sock");

        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket socket) -> {
            int[] receivedSize = {0};
            socket.setEncoding(encoding);
            socket.on("data", (String d) -> receivedSize[0] += d.length());
            socket.on("end", common.mustCall(() -> {
                assertEquals(kPoolSize, receivedSize[0]);
                socket.end();
            }));
        }));
        server.listen(path, () -> {
            USocket client = new USocket(kit.loop(), path);
            client.on("end", () -> server.close());
            client.write(data, encoding);
            client.end();
        });
        kit.run();
    }
}
