// node: test/parallel/test-net-socket-byteswritten.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-byteswritten.js, on a path: corked writes made while
 * connecting count in {@code bytesWritten} at once, in bytes (3 + 4) (pending-core until the
 * core redesign, issue 9, item 19).
 */
class TestNetSocketByteswritten {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void corkedWritesWhileConnecting() {
        String path = kit.path("byteswritten.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> socket.end());
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(kit.loop(), path);
            // Cork the socket, then write twice; this should cause a writev, which
            // previously caused an err in the bytesWritten count.
            socket.cork();
            socket.write("one");
            socket.write("twø".getBytes(StandardCharsets.UTF_8));
            socket.uncork();

            // one = 3 bytes, twø = 4 bytes
            assertEquals(3 + 4, socket.bytesWritten());
            socket.on("connect", common.mustCall(() -> assertEquals(3 + 4, socket.bytesWritten())));
            socket.on("end", common.mustCall(() -> {
                assertEquals(3 + 4, socket.bytesWritten());
                server.close();
            }));
        }));
        kit.run();
        // run() returned as node's process exits, with a socket that is neither reading nor
        // writing still open (decisions D21); closing the loop closes it, as the exit does.
        kit.close();
    }
}
