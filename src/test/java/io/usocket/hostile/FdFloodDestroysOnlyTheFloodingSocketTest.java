package io.usocket.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue item 6: a peer sends fds to a connection that only listens for {@code 'data'} (nobody
 * takes fds). Past {@code SocketOptions.maxPendingFds} (default 256) received-but-not-taken fds,
 * that socket is destroyed with {@code ERR_TOO_MANY_FDS} and its queued fds are closed (the
 * kit's leak check); the server goes on serving another connection. Before the fix the queue
 * had no bound: a peer could fill the whole fd table and starve every other client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FdFloodDestroysOnlyTheFloodingSocketTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    private final EventLoop loop = kit.loop();
    private final EventLog log = kit.log;
    private final ContentFiles files = new ContentFiles(kit.dir());

    @Test
    void aSocketHoldingMoreThan256UntakenFdsIsDestroyedWithErrTooManyFdsAndTheServerServesOn() {
        int fd = files.open("flood");
        int[] copies = new int[200];
        Arrays.fill(copies, fd);
        String path = kit.path("flood.sock");
        UServer server = new UServer(loop);
        int[] connections = {0};
        server.on("connection", (USocket s) -> {
            int n = ++connections[0];
            s.on("error", (Throwable e) -> log.add("server side " + n + " error " + ((USocketException) e).code()));
            s.on("close", (Boolean hadError) -> {
                log.add("server side " + n + " close " + hadError);
                if (n == 1) second(path, server);
            });
            if (n == 1) {
                s.on("data", (byte[] d) -> { });            // bytes only: nobody takes the fds
            } else {
                s.on("data", (byte[] d) -> s.end(d));       // the second connection: an echo
            }
        });
        server.listen(path, () -> {
            USocket flooder = new USocket(loop);
            flooder.on("error", (Throwable e) -> log.add("flooder error"));   // EPIPE/ECONNRESET may come
            flooder.connect(path, () -> {
                for (int i = 0; i < 5; i++) flooder.write(new Message("x".getBytes(StandardCharsets.UTF_8), copies));
                flooder.end();
            });
        });
        kit.run();
        Fds.close(fd);
        List<String> serverSide = log.all().stream().filter(e -> e.startsWith("server side") || e.startsWith("echo")).toList();
        assertEquals(List.of("server side 1 error ERR_TOO_MANY_FDS", "server side 1 close true"),
                serverSide.subList(0, Math.min(2, serverSide.size())), log.toString());
        // The second connection is served (its two sides close in either order).
        assertEquals(java.util.Set.of("echo hello", "server side 2 close false"),
                java.util.Set.copyOf(serverSide.subList(Math.min(2, serverSide.size()), serverSide.size())), log.toString());
        assertTrue(log.all().stream().noneMatch(e -> e.startsWith("second error")), log.toString());
    }

    private void second(String path, UServer server) {
        USocket c = new USocket(loop);
        c.on("error", (Throwable e) -> log.add("second error " + e));
        c.on("data", (byte[] d) -> log.add("echo " + new String(d, StandardCharsets.UTF_8)));
        c.on("close", (Boolean hadError) -> server.close());
        c.connect(path, () -> c.end("hello"));
    }

}
