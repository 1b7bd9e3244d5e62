// node: test/parallel/test-net-timeout-no-handle.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-timeout-no-handle.js: the idle timeout of a socket that never
 * connects still fires. Node's {@code socket._handle === null} (no descriptor yet) is read as
 * "neither connecting nor destroyed" (readyState cannot tell it: a socket that never connected
 * is 'open', in node 20 and here).
 */
class TestNetTimeoutNoHandle {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void timeoutWithoutAHandle() {
        USocket socket = new USocket(kit.loop());
        socket.setTimeout(50);
        socket.on("timeout", common.mustCall(() -> {
            assertEquals(false, socket.connecting());
            assertEquals(false, socket.destroyed());
        }));
        socket.on("connect", common.mustNotCall());
        // Since the timeout is unrefed, the code will exit without this
        kit.loop().setTimeout(() -> { }, 200);
        kit.run();
        socket.destroy();
        kit.run();
    }
}
