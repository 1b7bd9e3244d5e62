// node: test/parallel/test-net-listening.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-listening.js, on a path: {@code server.listening} before, during and after. */
class TestNetListening {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void listeningFlag() {
        UServer server = new UServer(kit.loop());
        assertEquals(false, server.listening());
        server.listen(kit.path("listening.sock"), common.mustCall(() -> {
            assertEquals(true, server.listening());
            server.close(common.mustCall(() -> assertEquals(false, server.listening())));
        }));
        kit.run();
    }
}
