// node: test/parallel/test-net-write-cb-on-destroy-before-connect.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-write-cb-on-destroy-before-connect.js, on a path: a write queued while
 * connecting is failed with ERR_SOCKET_CLOSED_BEFORE_CONNECTION when the socket is destroyed
 * first.
 */
class TestNetWriteCbOnDestroyBeforeConnect {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void destroyedWhileConnecting() {
        String path = kit.path("write-cb.sock");
        UServer server = new UServer(kit.loop());
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(kit.loop());
            socket.on("connect", common.mustNotCall());
            socket.connect(path);
            assertTrue(socket.connecting());
            socket.write("foo", common.mustCall((Throwable err) ->
                    assertEquals("ERR_SOCKET_CLOSED_BEFORE_CONNECTION", io.usocket.EventLog.code(err))));
            socket.destroy();
            server.close();
        }));
        kit.run();
    }
}
