// node: test/parallel/test-net-socket-destroy-twice.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-destroy-twice.js, on a path: a connect to a server closed in
 * the same tick fails; destroying again from {@code 'error'} gives one {@code 'close'}.
 */
class TestNetSocketDestroyTwice {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void destroyInError() {
        String path = kit.path("destroy-twice.sock");
        UServer server = new UServer(kit.loop());
        server.listen(path);
        USocket conn = new USocket(kit.loop(), path);
        conn.on("error", common.mustCall((Throwable e) -> conn.destroy()));
        conn.on("close", common.mustCall());
        server.close();
        kit.run();
    }
}
