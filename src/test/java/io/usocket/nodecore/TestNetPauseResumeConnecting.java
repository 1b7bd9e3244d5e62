// node: test/parallel/test-net-pause-resume-connecting.js
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
 * Port of node's test-net-pause-resume-connecting.js, on a path: pause/resume made while
 * connecting decide whether {@code 'data'} flows once connected.
 */
class TestNetPauseResumeConnecting {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void pauseAndResumeWhileConnecting() {
        EventLoop loop = kit.loop();
        String path = kit.path("pause-resume.sock");
        int[] connections = {0};
        int[] dataEvents = {0};

        UServer server = new UServer(loop);
        server.on("connection", (USocket conn) -> {
            connections[0]++;
            conn.end("This was the year he fell to pieces.");
            if (connections[0] == 5) server.close();
        });

        server.listen(path, () -> {
            Runnable onDataOk = () -> dataEvents[0]++;
            java.util.function.Consumer<USocket> scheduleTearDown = conn -> loop.setTimeout(() -> {
                conn.removeAllListeners("data");
                conn.resume();
            }, 100);

            // Client 1
            USocket conn = new USocket(loop, path);
            conn.resume();
            conn.on("data", onDataOk);

            // Client 2
            conn = new USocket(loop, path);
            conn.pause();
            conn.resume();
            conn.on("data", onDataOk);

            // Client 3
            conn = new USocket(loop, path);
            conn.pause();
            conn.on("data", common.mustNotCallArg());
            scheduleTearDown.accept(conn);

            // Client 4
            conn = new USocket(loop, path);
            conn.resume();
            conn.pause();
            conn.resume();
            conn.on("data", onDataOk);

            // Client 5
            conn = new USocket(loop, path);
            conn.resume();
            conn.resume();
            conn.pause();
            conn.on("data", common.mustNotCallArg());
            scheduleTearDown.accept(conn);
        });
        kit.run();

        // Exit sanity checks
        assertEquals(5, connections[0]);
        assertEquals(3, dataEvents[0]);
    }
}
