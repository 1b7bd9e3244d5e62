// node: test/parallel/test-net-server-try-ports.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.CodedError;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-try-ports.js, on paths: a server refused with EADDRINUSE can
 * listen elsewhere at once (node's second {@code listen(0)} is a new path here).
 */
class TestNetServerTryPorts {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void listenElsewhereAfterEaddrinuse() {
        String used = kit.path("try-1.sock");
        UServer server1 = new UServer(kit.loop());
        UServer server2 = new UServer(kit.loop());
        server2.on("error", common.mustCall((Throwable e) -> {
            assertEquals("EADDRINUSE", ((CodedError) e).code());
            server2.listen(kit.path("try-2.sock"), common.mustCall(() -> {
                server1.close();
                server2.close();
            }));
        }));
        // This should make server2 emit EADDRINUSE
        server1.listen(used, common.mustCall(() -> server2.listen(used)));
        kit.run();
    }
}
