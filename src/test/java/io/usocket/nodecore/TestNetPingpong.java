// node: test/parallel/test-net-pingpong.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLoop;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-pingpong.js, the {@code common.PIPE} run (the port and IP runs do
 * not apply to a unix path). Mapped: {@code socket.writable} is
 * {@code !destroyed() && !writableEnded()}, {@code socket.readable} is
 * {@code !destroyed() && !readableEnded()}, {@code socket.bufferSize} is
 * {@code writableLength()}; {@code socket.server} has no Java counterpart (the test closes the
 * server it made); {@code getConnections} returns nothing in Java (node returns the server);
 * {@code setNoDelay} and {@code socket.timeout = 0} are TCP/no-ops and left out.
 */
class TestNetPingpong {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(60));
    @RegisterExtension
    final Common common = new Common();

    static boolean writable(USocket s) {
        return !s.destroyed() && !s.writableEnded();
    }

    static boolean readable(USocket s) {
        return !s.destroyed() && !s.readableEnded();
    }

    @Test
    void pingPongOverAPipe() {
        EventLoop loop = kit.loop();
        String path = kit.path("pingpong.sock");
        int n = 1000;
        int[] count = {0};
        int[] sentPongs = {0};
        boolean[] sentFinalPing = {false};

        UServer server = new UServer(loop, new SocketOptions().allowHalfOpen(true));
        server.on("connection", common.mustCall((USocket socket) -> {
            server.getConnections(common.mustCall((err, connections) -> {
                assertEquals(null, err);
                assertEquals(1, connections);
            }));

            socket.setEncoding("utf8");
            socket.on("data", common.mustCall((String data) -> {
                // Since we never queue data (we're always waiting for the PING
                // before sending a pong) the writeQueueSize should always be less
                // than one message.
                assertTrue(socket.writableLength() >= 0 && socket.writableLength() <= 4);

                assertTrue(writable(socket));
                assertTrue(readable(socket));
                assertTrue(count[0] <= n);
                assertEquals("PING", data);

                socket.write("PONG", common.mustCall(() -> sentPongs[0]++));
            }, n + 1));

            socket.on("end", common.mustCall(() -> {
                assertTrue(socket.allowHalfOpen());
                assertTrue(writable(socket)); // Because allowHalfOpen
                assertEquals(false, readable(socket));
                socket.end();
            }));

            socket.on("error", common.mustNotCallArg());

            socket.on("close", common.mustCall(() -> {
                assertEquals(false, writable(socket));
                assertEquals(false, readable(socket));
                server.close();
            }));
        }));

        server.listen(path, common.mustCall(() -> {
            USocket client = new USocket(loop);
            client.setEncoding("ascii");
            client.on("connect", common.mustCall(() -> {
                assertTrue(readable(client));
                assertTrue(writable(client));
                client.write("PING");
            }));

            client.on("data", common.mustCall((String data) -> {
                assertEquals("PONG", data);
                count[0] += 1;

                if (sentFinalPing[0]) {
                    assertEquals(false, writable(client));
                    assertTrue(readable(client));
                    return;
                }
                assertTrue(writable(client));
                assertTrue(readable(client));

                if (count[0] < n) {
                    client.write("PING");
                } else {
                    sentFinalPing[0] = true;
                    client.write("PING");
                    client.end();
                }
            }, n + 1));

            client.on("close", common.mustCall(() -> {
                assertEquals(n + 1, count[0]);
                assertEquals(n + 1, sentPongs[0]);
                assertTrue(sentFinalPing[0]);
            }));

            client.on("error", common.mustNotCallArg());
            client.connect(path);
        }));
        kit.run();
    }
}
