// node: test/parallel/test-net-pipe-with-long-path.js (node 22+; not in node v20's tree)
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLog;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-pipe-with-long-path.js (libuv's UV_PIPE_NO_TRUNCATE): listening on a
 * path longer than {@code sun_path} fails with EINVAL, and so does connecting to it; the
 * {@code 'listening'} branch node allows on systems that take such paths is kept
 * ({@code mustCallAtLeast(fn, 0)}). The file is in node 22+ only: node v20 truncates the path
 * silently, listens on the truncated name and fails the test's {@code existsSync} (checked on
 * v20.20.2); this library refuses such paths as node 22 does (decisions D18).
 */
class TestNetPipeWithLongPath {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void anOverlongPathFailsWithEinval() {
        String pipePath = kit.dir() + "/" + "x".repeat(10000) + ".sock";
        UServer server = new UServer(kit.loop());
        server.listen(pipePath);
        server.on("listening", common.mustCallAtLeast(() -> {
            // The socket file must exist
            assertTrue(Files.exists(Path.of(pipePath)));
            USocket[] socket = new USocket[1];
            socket[0] = new USocket(kit.loop(), pipePath, common.mustCall(() -> {
                socket[0].destroy();
                server.close();
            }));
        }, 0));
        server.on("error", common.mustCall((Throwable error) -> {
            assertEquals("EINVAL", EventLog.code(error), error.getMessage());
            USocket client = new USocket(kit.loop(), pipePath);
            client.on("error", common.mustCall((Throwable e) -> assertEquals("EINVAL", EventLog.code(e), e.getMessage())));
        }));
        kit.run();
    }
}
