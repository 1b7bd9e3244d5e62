package io.usocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Connects that find the listener's backlog full (EAGAIN) are retried; meanwhile the unconnected
 * socket must not be mistaken for a connected one, even when listeners make it watch epoll.
 */
@Timeout(30)
class ConnectRetryTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(20));
    private final EventLoop loop = kit.loop();

    @Test
    void clientsBeyondAFullBacklogConnectOnceThereIsRoom() {
        String path = kit.path("busy.sock");
        int clients = 40;
        List<String> got = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        UServer server = new UServer(loop);
        // Not accepting yet: the backlog (2) fills and further connects get EAGAIN.
        server.pause();
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.end(d)));
        server.listen(new ListenOptions().path(path).backlog(2), () -> {
            for (int i = 0; i < clients; i++) {
                String name = "c" + i;
                USocket c = new USocket(loop, path);
                // A listener added while connecting makes the socket watch epoll before it connects.
                c.on("data", (byte[] d) -> got.add(EventLog.text(d)));
                c.on("error", (USocketException e) -> errors.add(name + " " + e.getMessage()));
                c.on("close", (Boolean had) -> {
                    if (got.size() + errors.size() == clients) server.close();
                });
                c.end(name);
            }
            loop.setTimeout(server::resume, 50);
        });
        kit.run();
        assertEquals(List.of(), errors);
        assertEquals(clients, got.size(), got.toString());
    }
}
