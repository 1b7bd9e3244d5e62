// node: test/parallel/test-net-error-twice.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-error-twice.js, on a path: a large write to a peer that is gone
 * emits {@code 'error'} exactly once.
 */
class TestNetErrorTwice {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @Test
    void oneErrorForAWriteToAGonePeer() {
        EventLoop loop = kit.loop();
        String path = kit.path("error-twice.sock");
        byte[] buf = new byte[10 * 1024 * 1024];
        Arrays.fill(buf, (byte) 0x62);
        List<Throwable> errs = new ArrayList<>();
        USocket[] clientSocket = {null};
        USocket[] serverSocket = {null};
        Runnable ready = () -> {
            if (clientSocket[0] != null && serverSocket[0] != null) {
                clientSocket[0].destroy();
                serverSocket[0].write(buf);
            }
        };

        UServer server = new UServer(loop);
        server.on("connection", (USocket conn) -> {
            conn.on("error", (Throwable err) -> {
                errs.add(err);
                if (errs.size() > 1 && errs.get(0) == errs.get(1)) fail("Should not emit the same error twice");
            });
            conn.on("close", () -> server.unref());
            serverSocket[0] = conn;
            ready.run();
        });
        server.listen(path, () -> {
            USocket client = new USocket(loop, path);
            client.on("connect", () -> {
                clientSocket[0] = client;
                ready.run();
            });
        });
        kit.run();

        // node checks this on exit
        assertEquals(1, errs.size(), errs.toString());
        server.close();
        kit.run();
    }
}
