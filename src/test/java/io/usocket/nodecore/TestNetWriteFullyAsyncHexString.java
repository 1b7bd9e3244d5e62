// node: test/parallel/test-net-write-fully-async-hex-string.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-write-fully-async-hex-string.js, on a path: 20 rounds of writing a
 * 1 MB hex string until {@code write} returns false, continued on {@code 'drain'} (node's
 * regression: the buffer decoded inside {@code write} must stay alive; node forces a minor GC,
 * which has no Java counterpart).
 */
class TestNetWriteFullyAsyncHexString {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(120));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void hexWritesUntilFullThenOnDrain() {
        String path = kit.path("fully-async-hex.sock");
        String data = HexFormat.of().formatHex(new byte[1000000]);
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket conn) -> conn.resume()));
        server.listen(path, common.mustCall(() -> {
            USocket[] conn = new USocket[1];
            conn[0] = new USocket(kit.loop(), path, common.mustCall(() -> {
                int[] count = {0};
                Runnable writeLoop = () -> {
                    if (count[0]++ == 20) {
                        conn[0].destroy();
                        server.close();
                        return;
                    }
                    while (conn[0].write(data, "hex")) {
                        // keep writing until the buffer is full
                    }
                };
                conn[0].on("drain", writeLoop);
                writeLoop.run();
            }));
        }));
        kit.run();
    }
}
