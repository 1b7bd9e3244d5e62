// node: test/parallel/test-net-server-drop-connections.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-drop-connections.js, on a path: past {@code maxConnections} a
 * connection is dropped with a {@code 'drop'} event. Node's {@code 'drop'} data (local/remote
 * address, port, family) is undefined for a pipe on node 20 (checked), and the Java event has
 * no argument, so the five {@code !!data.x} checks are replaced by "no data". The
 * {@code maxConnections = 0} server of node's main branch (drops everything) is not ported:
 * node 20 treats 0 as "no limit" and accepts (checked on v20 with a pipe), as UServer does.
 */
class TestNetServerDropConnections {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void dropPastMaxConnections() {
        String path = kit.path("drop.sock");
        USocket[] firstSocket = {null};
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket socket) -> firstSocket[0] = socket));
        server.maxConnections(1);
        server.on("drop", common.mustCall((Object data) -> {
            assertNull(data);
            firstSocket[0].destroy();
            server.close();
        }));
        server.listen(path, () -> {
            new USocket(kit.loop(), path).on("error", (Throwable e) -> { });
            new USocket(kit.loop(), path).on("error", (Throwable e) -> { });
        });
        kit.run();
    }
}
