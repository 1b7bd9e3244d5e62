// node: test/parallel/test-net-server-unref.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-unref.js, on a path: an unref'd listening server does not keep
 * the loop alive (the unref'd 1 s timer must not fire). The server is closed afterwards so that
 * no fd is left open (node's process just exits).
 */
class TestNetServerUnref {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void unrefdServer() {
        UServer s = new UServer(kit.loop());
        s.listen(kit.path("unref.sock"));
        s.unref();
        kit.loop().setTimeout(common.mustNotCall(), 1000).unref();
        kit.run();
        s.close();
        kit.run();
    }
}
