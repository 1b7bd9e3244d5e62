// node: test/parallel/test-net-write-after-end-nt.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.usocket.EventLog;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-write-after-end-nt.js, on a path: a write after the peer's FIN ended
 * the socket fails on the next tick with EPIPE "This socket has been ended by the other party".
 * (Pending-core until the core redesign, which failed it with ERR_STREAM_WRITE_AFTER_END; issue 9, item 9.)
 */
class TestNetWriteAfterEndNt {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writeAfterThePeersEnd() {
        String path = kit.path("write-after-end-nt.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket socket) -> socket.end()));
        server.listen(path, () -> {
            USocket[] client = new USocket[1];
            client[0] = new USocket(kit.loop(), path, () -> {
                boolean[] hasError = {false};
                client[0].on("error", common.mustCall((Throwable err) -> {
                    hasError[0] = true;
                    server.close();
                }));
                client[0].on("end", common.mustCall(() -> {
                    boolean ret = client[0].write("hello", common.mustCall((Throwable err) -> {
                        assertEquals("EPIPE", EventLog.code(err));
                        assertEquals("This socket has been ended by the other party", err.getMessage());
                    }));
                    assertEquals(false, ret);
                    assertFalse(hasError[0], "The error should be emitted in the next tick.");
                }));
                client[0].end();
            });
        });
        kit.run();
    }
}
