// node: test/parallel/test-net-write-connect-write.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-write-connect-write.js, on a path: a write before and one after the connect arrive in order. */
class TestNetWriteConnectWrite {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void beforeAndAfterConnect() {
        String path = kit.path("write-connect-write.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> socket.pipe(socket));
        server.listen(path, common.mustCall(() -> {
            USocket conn = new USocket(kit.loop(), path);
            StringBuilder received = new StringBuilder();
            conn.setEncoding("utf8");
            conn.write("before");
            conn.on("connect", () -> conn.write(" after"));
            conn.on("data", (String buf) -> {
                received.append(buf);
                conn.end();
            });
            conn.on("end", common.mustCall(() -> {
                server.close();
                assertEquals("before after", received.toString());
            }));
        }));
        kit.run();
    }
}
