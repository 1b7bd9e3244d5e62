// node: test/parallel/test-net-server-listen-remove-callback.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-listen-remove-callback.js, on paths: a listen callback is a
 * once-listener, gone by the time the server closes, so a second listen runs only its own.
 */
class TestNetServerListenRemoveCallback {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void listenCallbackFiresOnce() {
        UServer server = new UServer(kit.loop());
        server.on("close", common.mustCall(() -> assertEquals(0, server.listeners("listening").size()), 2));
        server.listen(kit.path("a.sock"), common.mustCall(() -> server.close()));
        server.once("close", common.mustCall(() -> server.listen(kit.path("b.sock"), common.mustCall(() -> server.close()))));
        kit.run();
    }
}
