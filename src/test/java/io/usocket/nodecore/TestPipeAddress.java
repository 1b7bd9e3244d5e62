// node: test/parallel/test-pipe-address.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-pipe-address.js: a pipe server's {@code address()} is its path. */
class TestPipeAddress {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void addressIsThePath() {
        String pipe = kit.path("pipe-address.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", common.<USocket>mustNotCallArg());
        server.listen(pipe, common.mustCall(() -> {
            assertEquals(pipe, server.address());
            server.close();
        }));
        kit.run();
    }
}
