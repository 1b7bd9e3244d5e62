// node: test/parallel/test-net-sync-cork.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-sync-cork.js, on a path: cork/write/write/uncork a hundred times in one
 * tick never reports a full buffer for these few bytes.
 */
class TestNetSyncCork {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void corkInALoop() {
        String path = kit.path("sync-cork.sock");
        int n = 100;
        byte[] buf = {'a', 'a'};
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> {
            socket.resume();
            socket.on("error", common.mustNotCallArg());
            socket.on("close", common.mustCall(() -> server.close()));
        });
        server.listen(path, () -> {
            USocket conn = new USocket(kit.loop(), path);
            conn.on("connect", () -> {
                boolean res = true;
                int i = 0;
                for (; i < n && res; i++) {
                    conn.cork();
                    conn.write(buf);
                    res = conn.write(buf);
                    conn.uncork();
                }
                assertEquals(n, i);
                conn.end();
            });
        });
        kit.run();
    }
}
