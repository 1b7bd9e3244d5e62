// node: test/parallel/test-net-buffersize.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-buffersize.js, on a path: writes made while connecting are counted in
 * {@code bufferSize} ({@code writableLength()} here), and it is 0 at {@code 'finish'}.
 */
class TestNetBuffersize {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void bufferSizeWhileConnecting() {
        int iter = 10;
        String path = kit.path("buffersize.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> {
            socket.on("readable", () -> socket.read());
            socket.on("end", () -> server.close());
        });
        server.listen(path, common.mustCall(() -> {
            USocket client = new USocket(kit.loop(), path);
            client.on("finish", common.mustCall(() -> assertEquals(0, client.writableLength())));
            for (int i = 1; i < iter; i++) {
                client.write("a");
                assertEquals(i, client.writableLength());
            }
            client.end();
        }));
        kit.run();
    }
}
