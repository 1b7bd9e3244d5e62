// node: test/parallel/test-net-socket-end-callback.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-end-callback.js, on a path: the callback of {@code end(cb)},
 * {@code end(data, cb)} and {@code end(data, encoding, cb)} runs. USocket has no
 * {@code end(String, String, cb)}: the third form is {@code end(bytes of data in that encoding, cb)}.
 * The unref'd server is closed after the run so that no fd is left open.
 */
class TestNetSocketEndCallback {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void endCallbacks() {
        String path = kit.path("end-callback.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", (USocket socket) -> socket.resume());
        server.unref();
        server.listen(path, common.mustCall(() -> {
            BiConsumer<USocket[], Runnable> connect = (socket, end) -> socket[0] = new USocket(kit.loop(), path, end);
            Runnable cb = common.mustCall(() -> { }, 3);
            USocket[] a = new USocket[1];
            connect.accept(a, () -> a[0].end(cb));
            USocket[] b = new USocket[1];
            connect.accept(b, () -> b[0].end("foo", cb));
            USocket[] c = new USocket[1];
            connect.accept(c, () -> c[0].end("foo".getBytes(StandardCharsets.UTF_8), cb));
        }));
        kit.run();
        server.close();
        kit.run();
    }
}
