// node: test/parallel/test-net-write-after-close.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-write-after-close.js, on a path: once the client's end has closed the
 * server's socket (allowHalfOpen false), a write on it calls back with an error and emits no
 * {@code 'error'}.
 */
class TestNetWriteAfterClose {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writeAfterThePeerEnded() {
        String path = kit.path("write-after-close.sock");
        USocket[] serverSocket = {null};
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket socket) -> {
            serverSocket[0] = socket;
            socket.resume();
            socket.on("error", common.mustNotCallArg());
        }));
        server.listen(path, () -> {
            USocket[] client = new USocket[1];
            client[0] = new USocket(kit.loop(), path, () -> {
                // client.end() will close both the readable and writable side
                // of the duplex because allowHalfOpen defaults to false.
                // Then 'end' will be emitted when it receives a FIN packet from
                // the other side.
                client[0].on("end", common.mustCall(() -> serverSocket[0].write("test", common.mustCall((Throwable err) -> {
                    assertNotNull(err);
                    server.close();
                }))));
                client[0].end();
            });
        });
        kit.run();
    }
}
