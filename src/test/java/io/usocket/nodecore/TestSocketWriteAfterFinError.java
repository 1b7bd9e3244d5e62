// node: test/parallel/test-socket-write-after-fin-error.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLog;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-socket-write-after-fin-error.js, on a path: the server (no allowHalfOpen)
 * is ended by the client's FIN; a write on the next turn fails with EPIPE (not "write after
 * end"), and the client reads nothing but its end. Node's {@code process.on('exit')} checks
 * follow {@code kit.run()}.
 */
class TestSocketWriteAfterFinError {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @Test
    void writeAfterThePeersFinFailsWithEpipe() {
        String path = kit.path("write-after-fin-error.sock");
        StringBuilder serverData = new StringBuilder();
        StringBuilder clientData = new StringBuilder();
        boolean[] gotServerEnd = {false};
        boolean[] gotClientEnd = {false};
        Throwable[] gotServerError = {null};
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket sock) -> {
            sock.setEncoding("utf8");
            sock.on("error", (Throwable e) -> { });
            sock.on("data", (String c) -> serverData.append(c));
            sock.on("end", () -> {
                gotServerEnd[0] = true;
                kit.loop().setImmediate(() -> {
                    sock.write(serverData.toString(), (Throwable er) -> gotServerError[0] = er);
                    sock.end();
                });
            });
            server.close();
        });
        server.listen(path, () -> {
            USocket sock = new USocket(kit.loop(), path);
            sock.setEncoding("utf8");
            sock.on("data", (String c) -> clientData.append(c));
            sock.on("end", () -> gotClientEnd[0] = true);
            sock.write("hello1");
            sock.write("hello2");
            sock.write("hello3\n");
            sock.end("THUNDERMUSCLE!");
        });
        kit.run();

        assertEquals("", clientData.toString());
        assertEquals("hello1hello2hello3\nTHUNDERMUSCLE!", serverData.toString());
        assertTrue(gotClientEnd[0]);
        assertTrue(gotServerEnd[0]);
        assertNotNull(gotServerError[0]);
        assertEquals("EPIPE", EventLog.code(gotServerError[0]));
        assertNotEquals("write after end", gotServerError[0].getMessage());
    }
}
