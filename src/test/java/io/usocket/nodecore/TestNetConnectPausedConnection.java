// node: test/parallel/test-net-connect-paused-connection.js
package io.usocket.nodecore;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-connect-paused-connection.js, on a path instead of a port: a paused
 * client socket does not keep the process alive (libuv counts a stream as active only while it
 * reads or has a request pending), so node exits before the unref'd 1 s timer; run() returns
 * the same way (decisions D21; pending-core until the core redesign, issue 9, item 18).
 */
class TestNetConnectPausedConnection {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void aPausedConnectionLetsTheLoopEnd() {
        EventLoop loop = kit.loop();
        String path = kit.path("paused.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket conn) -> conn.unref());
        server.listen(path, common.mustCall(() -> {
            new USocket(loop, path).pause();
            loop.setTimeout(common.mustNotCall(), 1000).unref();
        })).unref();
        kit.run();
        // run() returned as node's process exits, with a socket that is neither reading nor
        // writing still open (decisions D21); closing the loop closes it, as the exit does.
        kit.close();
    }
}
