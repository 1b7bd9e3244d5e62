// node: test/parallel/test-net-better-error-messages-listen-path.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-better-error-messages-listen-path.js: a listen error names the path. */
class TestNetBetterErrorMessagesListenPath {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void theErrorCarriesTheAddress() {
        String fp = "/blah/fadfa";
        UServer server = new UServer(kit.loop());
        server.on("connection", common.<USocket>mustNotCallArg());
        server.listen(fp, common.mustNotCall());
        server.on("error", common.mustCall((USocketException e) -> assertEquals(fp, e.address())));
        kit.run();
    }
}
