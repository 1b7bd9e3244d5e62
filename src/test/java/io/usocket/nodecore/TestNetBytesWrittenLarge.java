// node: test/parallel/test-net-bytes-written-large.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-bytes-written-large.js, on a path instead of port 0:
 * {@code bytesWritten} counts every byte {@code write()}/{@code end()} accepted, sent or still
 * queued (node: 10,000,000 right after {@code end(10 MB)}). Pending-core until the core
 * redesign, which counted only the bytes the kernel took (issue 9, item 19).
 */
class TestNetBytesWrittenLarge {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(60));
    @RegisterExtension
    final Common common = new Common();

    static final int N = 10000000;

    private void run(Consumer<USocket> onConnection, long expectRead) {
        EventLoop loop = kit.loop();
        String path = kit.path("large.sock");
        UServer server = new UServer(loop);
        server.on("connection", common.mustCall(onConnection));
        server.listen(path, common.mustCall(() -> {
            USocket client = new USocket(loop, path);
            client.resume();
            client.on("close", common.mustCall(() -> {
                assertEquals(expectRead, client.bytesRead());
                server.close();
            }));
        }));
        kit.run();
    }

    @Test
    void variant1Buffer() {
        run(socket -> {
            socket.end(new byte[N], common.mustCall(() -> assertEquals(N, socket.bytesWritten())));
            assertEquals(N, socket.bytesWritten());
        }, N);
    }

    @Test
    void variant2String() {
        run(socket -> {
            socket.end("a".repeat(N), common.mustCall(() -> assertEquals(N, socket.bytesWritten())));
            assertEquals(N, socket.bytesWritten());
        }, N);
    }

    @Test
    void variant3WritevWithMixedData() {
        run(socket -> {
            socket.cork();
            socket.write("a".repeat(N));
            assertEquals(N, socket.bytesWritten());
            socket.write(new byte[N]);
            assertEquals(2L * N, socket.bytesWritten());
            socket.end("", common.mustCall(() -> assertEquals(2L * N, socket.bytesWritten())));
            socket.uncork();
        }, 2L * N);
    }
}
