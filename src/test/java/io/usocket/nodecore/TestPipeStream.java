// node: test/parallel/test-pipe-stream.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-pipe-stream.js: PING/PONG over a pipe, then the server closes when the
 * connection does. Node runs it for {@code net.Stream} and then {@code net.Socket} (the same
 * class); here twice in a row with {@link USocket}.
 */
class TestPipeStream {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    private void test(Runnable cb) {
        EventLoop loop = kit.loop();
        String pipe = kit.path("pipe-stream.sock");
        boolean[] havePing = {false};
        boolean[] havePong = {false};

        Runnable check = () -> {
            assertTrue(havePing[0]);
            assertTrue(havePong[0]);
        };

        Runnable ping = () -> {
            USocket conn = new USocket(loop);
            conn.on("error", (USocketException err) -> {
                throw err;
            });
            conn.connect(pipe, () -> conn.write("PING", "utf-8"));
            conn.on("data", (byte[] data) -> {
                assertEquals("PONG", new String(data, StandardCharsets.UTF_8));
                havePong[0] = true;
                conn.destroy();
            });
        };

        UServer server = new UServer(loop);
        server.on("connection", (USocket conn) -> {
            conn.on("error", (USocketException err) -> {
                throw err;
            });
            conn.on("data", (byte[] data) -> {
                assertEquals("PING", new String(data, StandardCharsets.UTF_8));
                havePing[0] = true;
                conn.write("PONG", "utf-8");
            });
            conn.on("close", () -> server.close());
        });
        server.listen(pipe, ping);
        server.on("close", common.mustCall(() -> {
            check.run();
            if (cb != null) cb.run();
        }));
    }

    @Test
    void pingPongTwice() {
        test(() -> test(null));
        kit.run();
    }
}
