package io.usocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/** Constructors without a loop use {@link EventLoop#getDefault()}, Node's one implicit loop. */
@Timeout(20)
class DefaultLoopTest {
    @TempDir
    Path dir;

    @Test
    void serverAndSocketWithoutALoopShareTheDefaultLoop() {
        String path = dir.resolve("default.sock").toString();
        List<String> log = new ArrayList<>();
        UServer server = new UServer();
        server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.end(d)));
        server.listen(path, () -> {
            USocket client = new USocket(path, () -> log.add("connected"));
            client.end("ping");
            client.on("data", (byte[] d) -> log.add("got " + new String(d)));
            client.on("close", (Boolean had) -> server.close(() -> log.add("server closed")));
        });
        EventLoop loop = EventLoop.getDefault();
        loop.run();
        assertEquals(List.of("connected", "got ping", "server closed"), log);
        loop.close();
        // A closed default loop is replaced, so code that mirrors Node keeps working.
        EventLoop next = EventLoop.getDefault();
        assertNotSame(loop, next);
        next.close();
    }
}
