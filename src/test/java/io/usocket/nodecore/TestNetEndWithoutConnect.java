// node: test/parallel/test-net-end-without-connect.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-end-without-connect.js as node 20 passes it: {@code end()} on a
 * socket that never connects does not throw. Node's main branch now also expects
 * {@code end(cb)} to call {@code cb} with the socket no longer writable; node 20 never calls it
 * (checked: the mustCall fails on node v20), and neither does USocket, so that newer assertion
 * is not part of this port.
 */
class TestNetEndWithoutConnect {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void endDoesNotThrow() {
        USocket sock = new USocket(kit.loop());
        sock.end(common.mustNotCall());  // Should not throw; node 20 never calls the callback.
        kit.run();
    }
}
