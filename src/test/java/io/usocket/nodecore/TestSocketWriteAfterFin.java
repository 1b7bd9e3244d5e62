// node: test/parallel/test-socket-write-after-fin.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-socket-write-after-fin.js, on a path: an allowHalfOpen server reads the
 * client's writes up to its FIN, then answers with all of it; the client still reads after its
 * own {@code end('bye')}, which returns the socket.
 */
class TestSocketWriteAfterFin {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    private static final String EXPECTED = "hello1hello2hello3\nbye";

    @Test
    void halfOpenServerAnswersAfterTheClientsFin() {
        String path = kit.path("write-after-fin.sock");
        UServer server = new UServer(kit.loop(), new SocketOptions().allowHalfOpen(true));
        server.on("connection", common.mustCall((USocket sock) -> {
            StringBuilder serverData = new StringBuilder();
            sock.setEncoding("utf8");
            sock.on("data", (String c) -> serverData.append(c));
            sock.on("end", common.mustCall(() -> {
                assertEquals(EXPECTED, serverData.toString());
                sock.end(serverData.toString());
                server.close();
            }));
        }));
        server.listen(path, common.mustCall(() -> {
            USocket sock = new USocket(kit.loop(), path);
            StringBuilder clientData = new StringBuilder();
            sock.setEncoding("utf8");
            sock.on("data", (String c) -> clientData.append(c));
            sock.on("end", common.mustCall(() -> assertEquals(EXPECTED, clientData.toString())));
            sock.write("hello1");
            sock.write("hello2");
            sock.write("hello3\n");
            assertSame(sock, sock.end("bye"));
        }));
        kit.run();
    }
}
