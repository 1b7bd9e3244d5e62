// node: test/parallel/test-net-after-close.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-after-close.js, on a path: the methods and properties of a closed
 * socket do not throw. {@code c._handle === null} is read as {@code destroyed()};
 * {@code bufferSize} as {@code writableLength()}; {@code address()} as {@code path()}.
 * {@code setNoDelay}, {@code setKeepAlive}, {@code remoteAddress} and {@code remotePort} are TCP
 * only and have no Java counterpart.
 */
class TestNetAfterClose {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void aClosedSocketDoesNotThrow() {
        String path = kit.path("after-close.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket s) -> s.end()));
        server.listen(path, common.mustCall(() -> {
            USocket c = new USocket(kit.loop(), path);
            c.on("close", common.mustCall(() -> {
                assertTrue(c.destroyed());
                // Calling functions / accessing properties of a closed socket should not throw.
                c.writableLength();
                c.pause();
                c.resume();
                c.path();
                server.close();
            }));
        }));
        kit.run();
    }
}
