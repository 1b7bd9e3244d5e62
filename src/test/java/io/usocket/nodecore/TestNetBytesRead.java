// node: test/parallel/test-net-bytes-read.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-bytes-read.js, on a path instead of port 0: {@code bytesRead} rises
 * with each {@code 'data'} and equals what was sent at {@code 'end'} and {@code 'close'}. Node's
 * {@code !socket._handle} at close (the handle is released) is read as {@code destroyed()}.
 */
class TestNetBytesRead {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void bytesReadRisesAndEndsAtTheTotal() {
        EventLoop loop = kit.loop();
        String path = kit.path("bytes-read.sock");
        byte[] big = new byte[1024 * 1024];
        UServer server = new UServer(loop);
        server.on("connection", common.mustCall((USocket socket) -> {
            socket.end(big);
            server.close();
        }));
        server.listen(path, common.mustCall(() -> {
            long[] prev = {0};
            USocket[] socket = new USocket[1];
            socket[0] = new USocket(loop, path, common.mustCall(() -> {
                USocket s = socket[0];
                s.on("data", common.mustCallAtLeast((Object chunk) -> {
                    assertTrue(s.bytesRead() > prev[0]);
                    prev[0] = s.bytesRead();
                }, 1));
                s.on("end", common.mustCall(() -> {
                    assertEquals(prev[0], s.bytesRead());
                    assertEquals(big.length, prev[0]);
                }));
                s.on("close", common.mustCall(() -> {
                    assertTrue(s.destroyed());
                    assertEquals(prev[0], s.bytesRead());
                    assertEquals(big.length, prev[0]);
                }));
                s.end();
            }));
        }));
        kit.run();
    }
}
