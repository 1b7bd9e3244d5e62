// node: test/parallel/test-net-socket-connect-without-cb.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-connect-without-cb.js, on a path: {@code connect} without a
 * callback, {@code 'connect'} still comes (the IPv6 fallback does not apply).
 */
class TestNetSocketConnectWithoutCb {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void connectWithoutCallback() {
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket conn) -> {
            conn.end();
            server.close();
        }));
        server.listen(kit.path("connect-without-cb.sock"), common.mustCall(() -> {
            USocket client = new USocket(kit.loop());
            client.on("connect", common.mustCall(() -> client.end()));
            client.connect(server.address());
        }));
        kit.run();
    }
}
