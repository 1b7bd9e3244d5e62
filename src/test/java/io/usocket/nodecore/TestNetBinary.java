// node: test/parallel/test-net-binary.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-binary.js, on a path instead of port 0: every byte value survives a
 * latin1 echo. Node builds the 256 characters with octal escapes through {@code eval} and checks
 * each one; here they are built from their codes and the same two checks are made.
 */
class TestNetBinary {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @Test
    void latin1EchoOfEveryByte() {
        StringBuilder binary = new StringBuilder();
        for (int i = 255; i >= 0; i--) {
            String s = String.valueOf((char) Integer.parseInt(Integer.toOctalString(i), 8));
            assertEquals(i, s.charAt(0));
            assertEquals(String.valueOf((char) i), s);
            binary.append(s);
        }
        String binaryString = binary.toString();
        EventLoop loop = kit.loop();
        String path = kit.path("binary.sock");

        UServer echoServer = new UServer(loop);
        echoServer.on("connection", (USocket connection) -> {
            connection.setEncoding("latin1");
            connection.on("data", (String chunk) -> connection.write(chunk, "latin1"));
            connection.on("end", () -> connection.end());
        });
        echoServer.listen(path);

        StringBuilder recv = new StringBuilder();
        echoServer.on("listening", () -> {
            int[] j = {0};
            USocket c = new USocket(loop, path);
            c.setEncoding("latin1");
            c.on("data", (String chunk) -> {
                int n = j[0] + chunk.length();
                while (j[0] < n && j[0] < 256) {
                    c.write(String.valueOf((char) j[0]), "latin1");
                    j[0]++;
                }
                if (j[0] == 256) c.end();
                recv.append(chunk);
            });
            c.on("connect", () -> c.write(binaryString, "binary"));
            c.on("close", () -> echoServer.close());
        });
        kit.run();

        // node checks this on exit
        assertEquals(2 * 256, recv.length());
        String first = new StringBuilder(recv.substring(0, 256)).reverse().toString();
        String second = recv.substring(256, 2 * 256);
        assertEquals(first, second);
    }
}
