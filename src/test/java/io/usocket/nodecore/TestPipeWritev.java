// node: test/parallel/test-pipe-writev.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-pipe-writev.js: corked writes then {@code end()} leave in one vectored
 * write, so the client reads {@code "ping"} in one {@code 'data'}. Node also checks that the
 * internal {@code _writev} ran once; the Java socket has no such hook, so the single
 * {@code 'data'} of both writes is what shows they went out together.
 */
class TestPipeWritev {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void corkedWritesGoOutTogether() {
        String pipe = kit.path("pipe-writev.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket connection) -> {
            connection.on("error", (USocketException err) -> {
                throw err;
            });
            connection.cork();
            connection.write("pi");
            connection.write("ng");
            connection.end();
        });
        server.on("error", (USocketException err) -> {
            throw err;
        });
        server.listen(pipe, () -> {
            USocket client = new USocket(kit.loop(), pipe);
            client.on("error", (USocketException err) -> {
                throw err;
            });
            client.on("data", common.mustCall((byte[] data) -> assertEquals("ping", new String(data, StandardCharsets.UTF_8))));
            client.on("end", () -> server.close());
        });
        kit.run();
    }
}
