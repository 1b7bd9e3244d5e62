// node: test/parallel/test-net-write-fully-async-buffer.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-write-fully-async-buffer.js, on a path: 200 rounds of writing 1 MB
 * copies until {@code write} returns false, continued on {@code 'drain'}. Node forces a minor GC
 * after each round to check the queued buffers stay alive; the JVM keeps anything referenced, so
 * that call has no counterpart.
 */
class TestNetWriteFullyAsyncBuffer {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(120));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writeUntilFullThenOnDrain() {
        String path = kit.path("fully-async.sock");
        byte[] data = new byte[1000000];
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket conn) -> conn.resume()));
        server.listen(path, common.mustCall(() -> {
            USocket[] conn = new USocket[1];
            conn[0] = new USocket(kit.loop(), path, common.mustCall(() -> {
                int[] count = {0};
                Runnable writeLoop = new Runnable() {
                    @Override
                    public void run() {
                        if (count[0]++ == 200) {
                            conn[0].destroy();
                            server.close();
                            return;
                        }
                        while (conn[0].write(data.clone())) {
                            // keep writing until the buffer is full
                        }
                    }
                };
                conn[0].on("drain", writeLoop);
                writeLoop.run();
            }));
        }));
        kit.run();
    }
}
