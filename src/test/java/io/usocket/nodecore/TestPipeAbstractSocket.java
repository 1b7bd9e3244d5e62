// node: test/parallel/test-pipe-abstract-socket.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ListenOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-pipe-abstract-socket.js: {@code readableAll}/{@code writableAll} with an
 * abstract name throw at once (node: ERR_INVALID_ARG_VALUE, with node's own typo "writableAllt").
 * (Pending-core until the core redesign, whose {@code UServer.listen} ignored the two options for
 * an abstract name and listened.)
 */
class TestPipeAbstractSocket {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void readableAllOrWritableAllWithAnAbstractNameThrow() {
        String path = "\0abstract-" + ProcessHandle.current().pid();
        String message = "can not set readableAll or writableAllt to true when path is abstract unix socket";
        for (ListenOptions options : List.of(
                new ListenOptions().path(path).readableAll(true),
                new ListenOptions().path(path).writableAll(true),
                new ListenOptions().path(path).readableAll(true).writableAll(true))) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> {
                UServer server = new UServer(kit.loop());
                server.on("connection", common.<USocket>mustNotCallArg());
                try {
                    server.listen(options);
                } catch (RuntimeException thrown) {
                    throw thrown;
                }
                server.close();   // when it did not throw: leave nothing listening
            });
            assertTrue(e.getMessage().contains(message), e.getMessage());
        }
        kit.run();
    }
}
