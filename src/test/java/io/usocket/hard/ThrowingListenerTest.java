package io.usocket.hard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * decisions D17 in a serving loop: three clients, one after the other, to an echo server; on the
 * second connection something goes wrong on the server side: a {@code 'connection'} listener
 * throws, a {@code 'data'} listener throws, or an {@code 'error'} is emitted with no listener
 * (the accepted socket is destroyed with an error). Without an uncaught-exception handler,
 * {@code run()} throws that very exception (Node's crash) and {@code close()} still releases
 * everything; with a handler, the handler gets it once and the loop goes on serving the third
 * client. A throwing listener also stops the rest of that emit (N3).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThrowingListenerTest {
    enum Site { CONNECTION_LISTENER, DATA_LISTENER, ERROR_WITHOUT_LISTENER }

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(10));

    @TempDir
    Path dir;

    /** Runs the three clients; returns what run() threw (null if nothing). */
    private static Throwable serve(EventLoop loop, String path, Site site, RuntimeException boom, EventLog events) {
        UServer server = new UServer(loop);
        int[] n = {0};
        server.on("connection", (USocket s) -> {
            int id = ++n[0];
            events.add("S" + id + " connection");
            s.on("data", (byte[] d) -> {
                if (id == 2 && site == Site.DATA_LISTENER) throw boom;
                if (id == 2 && site == Site.ERROR_WITHOUT_LISTENER) {
                    s.destroy(boom); // 'error' with no listener on s
                    return;
                }
                s.write(d);
            });
            s.on("end", () -> events.add("S" + id + " end"));
            s.on("finish", () -> events.add("S" + id + " finish"));
            s.on("close", (Boolean had) -> events.add("S" + id + " close(" + had + ")"));
            if (id == 2 && site == Site.CONNECTION_LISTENER) throw boom;
        });
        server.on("connection", (USocket s) -> events.add("S" + n[0] + " second listener"));
        List<String> words = List.of("one", "two", "three");
        Runnable[] next = new Runnable[1];
        int[] client = {0};
        next[0] = () -> {
            if (client[0] == words.size()) {
                server.close(() -> events.add("S closed"));
                return;
            }
            String word = words.get(client[0]++);
            String tag = "C" + client[0];
            USocket c = new USocket(loop, path);
            c.on("data", (byte[] d) -> events.add(tag + " data " + EventLog.text(d)));
            c.on("end", () -> events.add(tag + " end"));
            c.on("error", (Throwable e) -> events.add(tag + " error " + EventLog.code(e)));
            c.on("close", (Boolean had) -> {
                events.add(tag + " close(" + had + ")");
                next[0].run();
            });
            c.end(word); // the server answers, then ends in turn (allowHalfOpen false)
        };
        server.listen(path, next[0]);
        try {
            loop.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static RuntimeException boom(Site site) {
        return site == Site.ERROR_WITHOUT_LISTENER ? new USocketException("ERR_TEST_BOOM", "boom") : new IllegalStateException("boom");
    }

    private static final List<String> SERVED_S = List.of("connection", "second listener", "end", "finish", "close(false)");
    private static final List<String> SERVED_C = List.of("data", "end", "close(false)");

    private static List<String> tagged(String tag, List<String> entries) {
        return entries.stream().map(e -> tag + " " + (e.equals("data") ? "data " + List.of("one", "two", "three").get(tag.charAt(1) - '1') : e)).toList();
    }

    @ParameterizedTest
    @EnumSource(Site.class)
    void withoutAHandlerRunThrowsTheExceptionAndCloseReleasesEverything(Site site) {
        int before = TestFds.openFdCount();
        EventLog events = kit.log;
        EventLoop loop = kit.guardedLoop();
        RuntimeException boom = boom(site);
        Throwable thrown = serve(loop, dir.resolve("t.sock").toString(), site, boom, events);
        loop.close();

        assertSame(boom, thrown, () -> "run() threw " + thrown + "; events " + events);
        assertEquals(tagged("S1", SERVED_S), events.of("S1"));
        assertEquals(tagged("C1", SERVED_C), events.of("C1"));
        // The loop stopped right at the throw: nothing of connection 2 after it, no third client.
        // N3: a throwing 'connection' listener aborts the emit, so the second listener does not run.
        assertEquals(site == Site.CONNECTION_LISTENER ? List.of("S2 connection") : List.of("S2 connection", "S2 second listener"),
                events.of("S2"));
        assertEquals(List.of(), events.of("C2"));
        assertEquals(List.of(), events.of("S3"));
        TestFds.assertNoLeak(before);
    }

    @ParameterizedTest
    @EnumSource(Site.class)
    void withAHandlerTheHandlerGetsItAndTheLoopKeepsServing(Site site) {
        int before = TestFds.openFdCount();
        EventLog events = kit.log;
        EventLoop loop = kit.guardedLoop();
        RuntimeException boom = boom(site);
        List<Throwable> caught = new ArrayList<>();
        loop.onUncaughtException(t -> {
            caught.add(t);
            events.add("U " + t.getMessage());
        });
        Throwable thrown = serve(loop, dir.resolve("t.sock").toString(), site, boom, events);
        loop.close();

        assertEquals(null, thrown);
        assertEquals(List.of(boom), caught);
        assertFalse(events.contains(SocketTestKit.GUARD), events.toString());
        for (String tag : List.of("S1", "S3")) assertEquals(tagged(tag, SERVED_S), events.of(tag));
        for (String tag : List.of("C1", "C3")) assertEquals(tagged(tag, SERVED_C), events.of(tag));
        switch (site) {
            case CONNECTION_LISTENER -> {
                // N3: the second listener is skipped; the first had set up the echo before it threw.
                assertEquals(List.of("S2 connection", "S2 end", "S2 finish", "S2 close(false)"), events.of("S2"));
                assertEquals(tagged("C2", SERVED_C), events.of("C2"));
            }
            case DATA_LISTENER -> {
                // No echo (the throw came first); the connection still ends normally.
                assertEquals(List.of("S2 connection", "S2 second listener", "S2 end", "S2 finish", "S2 close(false)"), events.of("S2"));
                assertEquals(List.of("C2 end", "C2 close(false)"), events.of("C2"));
            }
            case ERROR_WITHOUT_LISTENER -> {
                // The unheard 'error' goes to the handler; 'close'(true) follows regardless.
                assertEquals(List.of("S2 connection", "S2 second listener", "S2 close(true)"), events.of("S2"));
                assertEquals(List.of("C2 end", "C2 close(false)"), events.of("C2"));
            }
        }
        // The milestones in order: the failure is handled, and only then is the third client served.
        List<String> milestones = List.of("S2 connection", "U boom", "C2 close(false)", "S3 connection", "C3 close(false)", "S closed");
        assertEquals(milestones, events.all().stream().filter(milestones::contains).toList());
        TestFds.assertNoLeak(before);
    }
}
