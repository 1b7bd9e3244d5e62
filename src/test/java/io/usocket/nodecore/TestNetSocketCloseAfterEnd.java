// node: test/parallel/test-net-socket-close-after-end.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-close-after-end.js, on a path: a socket that ended its side and
 * reads the peer's data late still emits {@code 'end'} before {@code 'close'}.
 */
class TestNetSocketCloseAfterEnd {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    /**
     * The client ends its side and never reads (no listener): it holds the server's
     * {@code "foo"} and FIN unread. Node exits once the server side closed (a stream that is not
     * reading is not an active handle), and {@code run()} returns the same way (decisions D21;
     * pending-core until the core redesign, issue 9, item 18). Event traces match node 20's (checked).
     */
    @Test
    void endBeforeClose() {
        String path = kit.path("close-after-end.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> {
            boolean[] endEmitted = {false};
            socket.once("readable", () -> kit.loop().setTimeout(() -> socket.read(), 100));
            socket.on("end", () -> endEmitted[0] = true);
            socket.on("close", () -> {
                assertTrue(endEmitted[0]);
                server.close();
            });
            socket.end("foo");
        });
        server.listen(path, common.mustCall(() -> {
            USocket[] socket = new USocket[1];
            socket[0] = new USocket(kit.loop(), path, () -> socket[0].end("foo"));
        }));
        kit.run();
        // run() returned as node's process exits, with a socket that is neither reading nor
        // writing still open (decisions D21); closing the loop closes it, as the exit does.
        kit.close();
    }
}
