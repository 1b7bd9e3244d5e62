// node: test/parallel/test-net-socket-connecting.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-connecting.js, on a path: {@code connecting} is true until the
 * connect callback. The legacy {@code _connecting} getter has no Java counterpart.
 */
class TestNetSocketConnecting {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @Test
    void connectingFlag() {
        String path = kit.path("connecting.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket conn) -> {
            conn.end();
            server.close();
        });
        server.listen(path, () -> {
            USocket[] client = new USocket[1];
            client[0] = new USocket(kit.loop(), path, () -> {
                assertEquals(false, client[0].connecting());
                client[0].end();
            });
            assertEquals(true, client[0].connecting());
        });
        kit.run();
    }
}
