// node: test/parallel/test-net-end-destroyed.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-end-destroyed.js, on a path: the socket is not destroyed when {@code 'end'} is emitted. */
class TestNetEndDestroyed {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void notDestroyedAtEnd() {
        String path = kit.path("end-destroyed.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", common.<USocket>mustCall((USocket s) -> { }));
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(kit.loop(), path);
            socket.on("connect", common.mustCall(() -> {
                socket.on("end", common.mustCall(() -> {
                    assertEquals(false, socket.destroyed());
                    server.close();
                }));
                socket.end();
            }));
        }));
        kit.run();
    }
}
