// node: test/parallel/test-net-writable.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-writable.js, on a path instead of 127.0.0.1 port 0: when the peer's
 * FIN arrives the socket is still writable in its {@code 'end'} listener (node ends the writable
 * side only after {@code 'end'}), and a write there goes through without an error (node 20
 * over a unix path: write() returns true, no 'error', checked).
 * {@code socket.writable} is read as {@code !destroyed() && !writableEnded()}.
 */
class TestNetWritable {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writableInTheEndListener() {
        String path = kit.path("writable.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket s) -> {
            server.close();
            s.end();
        }));
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(kit.loop(), path);
            socket.on("end", common.mustCall(() -> {
                assertEquals(true, !socket.destroyed() && !socket.writableEnded());
                socket.write("hello world");
            }));
        }));
        kit.run();
        // run() returned as node's process exits, with the accepted socket holding "hello world"
        // and EOF unread, neither reading nor writing (decisions D21); closing the loop closes
        // it, as the exit does.
        kit.close();
    }
}
