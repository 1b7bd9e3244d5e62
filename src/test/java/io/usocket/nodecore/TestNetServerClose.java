// node: test/parallel/test-net-server-close.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-close.js, on a path: {@code listen} and {@code close} return
 * the server; the server's {@code 'close'} comes once its connections are gone.
 */
class TestNetServerClose {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void closeWithTwoConnections() {
        String path = kit.path("server-close.sock");
        List<USocket> sockets = new ArrayList<>();
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket c) -> {
            c.on("close", common.mustCall());
            sockets.add(c);
            if (sockets.size() == 2) {
                assertSame(server, server.close());
                sockets.forEach(USocket::destroy);
            }
        });
        server.on("close", common.mustCall());
        assertSame(server, server.listen(path, () -> {
            new USocket(kit.loop(), path);
            new USocket(kit.loop(), path);
        }));
        kit.run();
    }
}
