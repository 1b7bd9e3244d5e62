// node: test/parallel/test-net-socket-timeout.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.CodedError;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-timeout.js, on a path. {@code setTimeout} takes a {@code long}
 * and a Runnable in Java: non-numeric, fractional, infinite and NaN delays and non-function
 * callbacks cannot be passed (null is the "no callback" form), so of node's argument checks
 * only -1 (ERR_OUT_OF_RANGE) and the valid delays 0, 1 and 1e6 remain (the -1 check was
 * pending-core until the core redesign, issue 9, item 22).
 */
class TestNetSocketTimeout {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void aNegativeDelayThrows() {
        USocket s = new USocket(kit.loop());
        RuntimeException e = assertThrows(RuntimeException.class, () -> s.setTimeout(-1, () -> { }));
        assertEquals("ERR_OUT_OF_RANGE", ((CodedError) e).code());
        s.destroy();
        kit.run();
    }

    @Test
    void validDelaysAndTheTimeoutOfAConnectingSocket() {
        USocket s = new USocket(kit.loop());
        for (long d : new long[] {0, 1, 1000000}) s.setTimeout(d, () -> { });
        s.destroy();

        String path = kit.path("socket-timeout.sock");
        UServer server = new UServer(kit.loop());
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(kit.loop(), path);
            assertSame(socket, socket.setTimeout(1, common.mustCall(() -> {
                socket.destroy();
                assertSame(socket, socket.setTimeout(1, common.mustNotCall()));
                server.close();
            })));
        }));
        kit.run();
    }
}
