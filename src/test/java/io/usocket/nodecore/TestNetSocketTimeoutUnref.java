// node: test/parallel/test-net-socket-timeout-unref.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-timeout-unref.js, on a path: unref'd sockets with idle
 * timeouts do not keep the loop alive. Afterwards the sockets and the server are closed so that
 * no fd is left open (node's process just exits).
 */
class TestNetSocketTimeoutUnref {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void unrefdSocketsWithTimeouts() {
        String path = kit.path("timeout-unref.sock");
        List<USocket> accepted = new ArrayList<>();
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket c) -> {
            c.write("hello");
            c.unref();
            accepted.add(c);
        });
        server.listen(path);
        server.unref();

        int[] connections = {0};
        List<USocket> sockets = new ArrayList<>();
        List<Long> timeouts = new ArrayList<>();
        long[] delays = {8, 5, 3, 6, 2, 4};
        for (long t : delays) {
            USocket socket = new USocket(kit.loop(), path);
            socket.on("connect", common.mustCall(() -> {
                if (++connections[0] == delays.length) {
                    for (int i = 0; i < sockets.size(); i++) {
                        USocket s = sockets.get(i);
                        s.setTimeout(timeouts.get(i), () -> {
                            s.destroy();
                            throw new IllegalStateException("socket timed out unexpectedly");
                        });
                        s.unref();
                    }
                }
            }));
            sockets.add(socket);
            timeouts.add(t * 1000);
        }
        kit.run();

        sockets.forEach(USocket::destroy);
        accepted.forEach(USocket::destroy);
        server.close();
        kit.run();
    }
}
