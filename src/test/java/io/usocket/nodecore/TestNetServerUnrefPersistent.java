// node: test/parallel/test-net-server-unref-persistent.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-unref-persistent.js, on a path: {@code unref()} before
 * {@code listen()} still holds once listening. The server is closed afterwards so that no fd is
 * left open (node's process just exits).
 */
class TestNetServerUnrefPersistent {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void unrefBeforeListen() {
        UServer server = new UServer(kit.loop());
        // Unref before listening
        server.unref();
        server.listen(kit.path("unref-persistent.sock"));
        // If the timeout fires, that means the server held the event loop open
        // and the unref() was not persistent.
        kit.loop().setTimeout(common.mustNotCall(), 1000).unref();
        kit.run();
        server.close();
        kit.run();
    }
}
