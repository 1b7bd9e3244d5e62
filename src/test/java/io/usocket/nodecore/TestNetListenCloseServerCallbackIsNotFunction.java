// node: test/parallel/test-net-listen-close-server-callback-is-not-function.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-listen-close-server-callback-is-not-function.js, on a path. Node's
 * {@code close('bad argument')} (a callback that is not a function is ignored) cannot be written
 * in Java, whose {@code close} takes a Runnable or nothing: {@code close()} is used. As in
 * {@link TestNetListenCloseServer}, the listen callback must not run (pending-core until the
 * core redesign, issue 9, item 21).
 */
class TestNetListenCloseServerCallbackIsNotFunction {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void closeWithoutAValidCallback() {
        UServer server = new UServer(kit.loop());
        server.on("connection", common.<USocket>mustNotCallArg());
        server.on("close", common.mustCall());
        server.listen(kit.path("close.sock"), common.mustNotCall());
        server.close();
        kit.run();
    }
}
