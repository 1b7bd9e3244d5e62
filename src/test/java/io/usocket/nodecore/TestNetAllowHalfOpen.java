// node: test/parallel/test-net-allow-half-open.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-allow-half-open.js, on a path instead of port 0 (nothing in it is TCP):
 * without allowHalfOpen the peer's end is answered by a proper end, not by destroying at once.
 */
class TestNetAllowHalfOpen {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void endAnsweredByEndNotByDestroy() {
        EventLoop loop = kit.loop();
        String path = kit.path("a.sock");
        UServer server = new UServer(loop);
        server.on("connection", common.mustCall((USocket socket) -> socket.end(new byte[1024])));
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(loop, path);
            assertEquals(false, socket.allowHalfOpen());
            socket.resume();
            socket.on("end", common.mustCall(() -> loop.nextTick(() -> {
                // Ensure socket is not destroyed straight away
                // without proper shutdown.
                assertFalse(socket.destroyed());
                server.close();
            })));
            socket.on("finish", common.mustCall(() -> assertFalse(socket.destroyed())));
            socket.on("close", common.mustCall());
        }));
        kit.run();
    }

    /**
     * The accepted socket never reads (no listener, not resumed): it holds the client's
     * {@code "asd"} and EOF unread. Node's process exits anyway, since libuv counts a stream as
     * active only while it reads or has a request pending; {@code run()} returns the same way
     * (decisions D21; pending-core until the core redesign, issue 9, item 18).
     */
    @Test
    void endWhileThePeerEnds() {
        EventLoop loop = kit.loop();
        String path = kit.path("b.sock");
        UServer server = new UServer(loop);
        server.on("connection", common.mustCall((USocket socket) -> socket.end(new byte[1024])));
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(loop, path);
            assertEquals(false, socket.allowHalfOpen());
            socket.resume();
            socket.on("end", common.mustCall(() -> assertFalse(socket.destroyed())));
            socket.end("asd");
            socket.on("finish", common.mustCall(() -> assertFalse(socket.destroyed())));
            socket.on("close", common.mustCall(() -> server.close()));
        }));
        kit.run();
        // run() returned with the accepted socket still open (it holds "asd" and EOF unread), as
        // node's process exits; closing the loop closes it, as the process exit does.
        kit.close();
    }
}
