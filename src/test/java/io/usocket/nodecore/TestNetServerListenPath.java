// node: test/parallel/test-net-server-listen-path.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLoop;
import io.usocket.ListenOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocketException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-listen-path.js: {@code listen(path)}, {@code listen({path})},
 * with and without callback, {@code readableAll}/{@code writableAll}, and EADDRINUSE on a
 * path in use. The server handed to the listening callback ({@code this}) is the one created.
 */
class TestNetServerListenPath {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();
    private int counter;

    private String randomPipePath() {
        return kit.path("listen-path-" + counter++);
    }

    @Test
    void listenForms() {
        EventLoop loop = kit.loop();
        // Test listen(path)
        {
            UServer s = new UServer(loop);
            s.listen(randomPipePath()).on("listening", common.mustCall(() -> s.close()));
        }
        // Test listen({path})
        {
            UServer s = new UServer(loop);
            s.listen(new ListenOptions().path(randomPipePath())).on("listening", common.mustCall(() -> s.close()));
        }
        // Test listen(path, cb)
        {
            UServer s = new UServer(loop);
            s.listen(randomPipePath(), common.mustCall(() -> s.close()));
        }
        // Test listen({path}, cb)
        {
            UServer s = new UServer(loop);
            s.listen(new ListenOptions().path(randomPipePath()), common.mustCall(() -> s.close()));
        }
        // Test pipe chmod
        {
            String handlePath = randomPipePath();
            UServer server = new UServer(loop);
            server.listen(new ListenOptions().path(handlePath).readableAll(true).writableAll(true), common.mustCall(() -> {
                int mode;
                try {
                    mode = (Integer) Files.getAttribute(Path.of(handlePath), "unix:mode");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                assertNotEquals(0, mode & 0004);   // S_IROTH
                assertNotEquals(0, mode & 0002);   // S_IWOTH
                server.close();
            }));
        }
        kit.run();
    }

    @Test
    void listeningOnAPathInUseFails() {
        EventLoop loop = kit.loop();
        // Test should emit "error" events when listening fails.
        String handlePath = randomPipePath();
        UServer server1 = new UServer(loop);
        server1.listen(new ListenOptions().path(handlePath), () -> {
            // As the handlePath is in use, binding to the same address again should
            // make the server emit an 'EADDRINUSE' error.
            UServer server2 = new UServer(loop);
            server2.listen(new ListenOptions().path(handlePath).writableAll(true), common.mustNotCall());
            server2.on("error", common.mustCall((USocketException err) -> {
                server1.close();
                assertEquals("EADDRINUSE", err.code());
                assertTrue(err.getMessage().matches("^listen EADDRINUSE: address already in use.*"), err.getMessage());
            }));
        });
        kit.run();
    }
}
