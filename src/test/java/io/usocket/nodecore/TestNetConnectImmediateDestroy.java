// node: test/parallel/test-net-connect-immediate-destroy.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-connect-immediate-destroy.js, on a path instead of a port: a connect
 * destroyed in the same tick (with its server closed) gets neither its callback nor an error.
 */
class TestNetConnectImmediateDestroy {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void connectThenDestroyAtOnce() {
        String path = kit.path("immediate.sock");
        UServer server = new UServer(kit.loop());
        server.listen(path);
        USocket socket = new USocket(kit.loop(), path, common.mustNotCall());
        socket.on("error", common.mustNotCallArg());
        server.close();
        socket.destroy();
        kit.run();
    }
}
