// node: test/parallel/test-net-socket-end-before-connect.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-socket-end-before-connect.js, on a path: {@code end()} while connecting still ends in {@code 'close'}. */
class TestNetSocketEndBeforeConnect {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void endWhileConnecting() {
        String path = kit.path("end-before-connect.sock");
        UServer server = new UServer(kit.loop());
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(kit.loop(), path);
            socket.on("close", common.mustCall(() -> server.close()));
            socket.end();
        }));
        kit.run();
    }
}
