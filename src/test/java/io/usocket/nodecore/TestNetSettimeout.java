// node: test/parallel/test-net-settimeout.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Port of node's test-net-settimeout.js, on a path: {@code setTimeout(0)} right after {@code setTimeout(T, cb)} turns it off. */
class TestNetSettimeout {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void timeoutTurnedOffAtOnce() {
        long t = 100;
        String path = kit.path("settimeout.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket c) -> c.write("hello")));
        server.listen(path, () -> {
            USocket socket = new USocket(kit.loop(), path);
            USocket s = socket.setTimeout(t, common.mustNotCall());
            assertSame(socket, s);
            socket.on("data", common.mustCall((Object d) -> kit.loop().setTimeout(() -> {
                socket.destroy();
                server.close();
            }, t * 2)));
            socket.setTimeout(0);
        });
        kit.run();
    }
}
