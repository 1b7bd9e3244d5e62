// node: test/parallel/test-net-eaddrinuse.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-eaddrinuse.js, on a path: a second server on a live server's path gets EADDRINUSE. */
class TestNetEaddrinuse {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void secondListenFails() {
        String path = kit.path("eaddrinuse.sock");
        UServer server1 = new UServer(kit.loop());
        server1.on("connection", (USocket socket) -> { });
        UServer server2 = new UServer(kit.loop());
        server2.on("connection", (USocket socket) -> { });
        server1.listen(path, common.mustCall(() -> {
            server2.on("error", (Throwable error) -> {
                assertTrue(error.getMessage().contains("EADDRINUSE"));
                server1.close();
            });
            server2.listen(path);
        }));
        kit.run();
    }
}
