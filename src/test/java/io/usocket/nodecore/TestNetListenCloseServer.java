// node: test/parallel/test-net-listen-close-server.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-listen-close-server.js, on a path: {@code close()} right after
 * {@code listen()} means {@code 'listening'} (and the listen callback) never comes (pending-core
 * until the core redesign, issue 9, item 21).
 */
class TestNetListenCloseServer {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void closeRightAfterListen() {
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> { });
        server.listen(kit.path("close.sock"), common.mustNotCall());
        server.on("error", common.mustNotCallArg());
        server.close();
        kit.run();
    }
}
