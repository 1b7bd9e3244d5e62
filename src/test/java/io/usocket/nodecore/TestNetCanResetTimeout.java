// node: test/parallel/test-net-can-reset-timeout.js
package io.usocket.nodecore;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-can-reset-timeout.js, on a path instead of port 0: writing from a
 * {@code 'timeout'} listener works and the conversation then ends normally.
 */
class TestNetCanResetTimeout {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writeFromTheTimeoutListener() {
        EventLoop loop = kit.loop();
        String path = kit.path("reset-timeout.sock");
        UServer server = new UServer(loop);
        server.on("connection", common.mustCall((USocket stream) -> {
            stream.setTimeout(100);
            stream.resume();
            stream.once("timeout", common.mustCall(() -> {
                // Try to reset the timeout.
                stream.write("WHAT.");
            }));
            stream.on("end", common.mustCall(() -> stream.end()));
        }));
        server.listen(path, common.mustCall(() -> {
            USocket c = new USocket(loop, path);
            c.on("data", (Object d) -> c.end());
            c.on("end", () -> server.close());
        }));
        kit.run();
    }
}
