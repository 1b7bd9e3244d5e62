// node: test/parallel/test-net-connect-buffer2.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLoop;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-connect-buffer2.js, on a path instead of port 0: a write made while
 * connecting is counted in {@code bytesWritten} once, in bytes, and sent after the connect.
 * {@code socket.pending} (node: {@code !_handle || connecting}) has no Java counterpart; its
 * checks while connecting are covered by {@code connecting()}, the ones in the write callback and
 * at close are left out. Node counts the queued bytes in {@code bytesWritten} at once, and so
 * does USocket (pending-core until the core redesign, issue 9, item 19).
 */
class TestNetConnectBuffer2 {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void aWriteWhileConnectingIsCountedOnce() {
        EventLoop loop = kit.loop();
        String path = kit.path("connect-buffer.sock");
        UServer tcp = new UServer(loop);
        tcp.on("connection", common.mustCall((USocket s) -> {
            tcp.close();
            StringBuilder buf = new StringBuilder();
            s.setEncoding("utf8");
            s.on("data", (String d) -> buf.append(d));
            s.on("end", common.mustCall(() -> {
                assertEquals("L'État, c'est moi", buf.toString());
                s.end();
            }));
        }));
        tcp.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(loop, new SocketOptions().readableHighWaterMark(0).writableHighWaterMark(0));
            boolean[] connected = {false};
            socket.connect(path, common.mustCall(() -> connected[0] = true));

            assertTrue(socket.connecting());
            assertEquals("opening", socket.readyState());

            // Write a string that contains a multi-byte character sequence to test that
            // `bytesWritten` is incremented with the # of bytes, not # of characters.
            String a = "L'État, c'est ";
            String b = "moi";

            // We're still connecting at this point so the datagram is first pushed onto
            // the connect queue. Make sure that it's not added to `bytesWritten` again
            // when the actual write happens.
            boolean r = socket.write(a, common.mustCall((Throwable er) -> {
                assertTrue(connected[0]);
                assertEquals((a + b).getBytes(StandardCharsets.UTF_8).length, socket.bytesWritten());
            }));
            socket.on("close", common.mustCall());

            assertEquals(a.getBytes(StandardCharsets.UTF_8).length, socket.bytesWritten());
            assertEquals(false, r);
            socket.end(b);

            assertEquals("opening", socket.readyState());
        }));
        kit.run();
    }
}
