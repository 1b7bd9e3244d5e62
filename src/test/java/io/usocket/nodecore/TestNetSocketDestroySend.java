// node: test/parallel/test-net-socket-destroy-send.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.EventLog;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-destroy-send.js, on a path: {@code destroy()} returns the
 * socket even when repeated, and a write after it calls back with ERR_STREAM_DESTROYED without
 * an {@code 'error'}.
 */
class TestNetSocketDestroySend {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writeAfterDestroy() {
        String path = kit.path("destroy-send.sock");
        UServer server = new UServer(kit.loop());
        server.listen(path, common.mustCall(() -> {
            USocket conn = new USocket(kit.loop(), path);
            conn.on("connect", common.mustCall(() -> {
                // Test destroy returns this, even on multiple calls when it short-circuits.
                assertSame(conn, conn.destroy().destroy());
                conn.on("error", common.mustNotCallArg());
                conn.write("kaboom".getBytes(StandardCharsets.UTF_8), common.mustCall((Throwable err) -> {
                    assertEquals("ERR_STREAM_DESTROYED", EventLog.code(err));
                    assertEquals("Cannot call write after a stream was destroyed", err.getMessage());
                }));
                server.close();
            }));
        }));
        kit.run();
    }
}
