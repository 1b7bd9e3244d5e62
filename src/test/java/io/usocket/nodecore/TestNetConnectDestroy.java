// node: test/parallel/test-net-connect-destroy.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-connect-destroy.js: destroying a socket that never connected emits {@code 'close'}. */
class TestNetConnectDestroy {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void destroyANewSocket() {
        USocket socket = new USocket(kit.loop());
        socket.on("close", common.mustCall());
        socket.destroy();
        kit.run();
    }
}
