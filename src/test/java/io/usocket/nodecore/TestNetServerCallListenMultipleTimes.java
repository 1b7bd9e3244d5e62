// node: test/parallel/test-net-server-call-listen-multiple-times.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.CodedError;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-call-listen-multiple-times.js, on paths. Node's
 * {@code listen()} without arguments picks a free port; here each such call gets a new path.
 */
class TestNetServerCallListenMultipleTimes {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void listenRightAfterAnError() {
        // First test. Check that after error event you can listen right away.
        UServer dummyServer = new UServer(kit.loop());
        UServer server = new UServer(kit.loop());
        String used = kit.path("dummy.sock");
        // Run some server in order to simulate EADDRINUSE error.
        dummyServer.listen(used, common.mustCall(() -> {
            // Try to listen used port.
            server.listen(used);
        }));
        server.on("error", common.mustCall((Throwable e) -> server.listen(kit.path("free.sock"), common.mustCall(() -> {
            dummyServer.close();
            server.close();
        }))));
        kit.run();
    }

    @Test
    void aSecondListenThrows() {
        // Second test. Check that second listen call throws an error.
        UServer server = new UServer(kit.loop());
        server.listen(kit.path("a.sock"), common.mustCall(() -> server.close()));
        RuntimeException e = assertThrows(RuntimeException.class, () -> server.listen(kit.path("b.sock")));
        assertEquals("ERR_SERVER_ALREADY_LISTEN", ((CodedError) e).code());
        kit.run();
    }

    @Test
    void listenAgainAfterClose() {
        // Third test. Check that after the close call you can run listen method just fine.
        UServer server = new UServer(kit.loop());
        server.listen(kit.path("c.sock"), common.mustCall(() -> {
            server.close();
            server.listen(kit.path("d.sock"), common.mustCall(() -> server.close()));
        }));
        kit.run();
    }
}
