package io.usocket.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.EventLoop;
import io.usocket.InvalidStateException;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue item 8: on a closed loop (never run, or run and closed), {@code listen()},
 * {@code connect()} and {@code execute()} throw {@code InvalidStateException} with code
 * {@code ERR_LOOP_CLOSED} and leave nothing behind: no descriptor, no socket file, no task that
 * silently never runs. Before the fix listen and connect ran on the caller's thread, leaked an
 * fd and the socket file, and execute() accepted tasks that never ran.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClosedLoopRefusesListenConnectAndTasksTest {
    @TempDir
    Path dir;

    private static EventLoop closedLoop(boolean ranFirst) throws InterruptedException {
        EventLoop loop = EventLoop.create();
        if (ranFirst) {
            loop.setTimeout(() -> { }, 1);
            Thread t = loop.start();
            t.join(20_000);
            if (t.isAlive()) throw new AssertionError("a loop with one timer did not end");
        }
        loop.close();
        return loop;
    }

    @ParameterizedTest(name = "ran before closing: {0}")
    @ValueSource(booleans = {false, true})
    void listenConnectAndExecuteThrowErrLoopClosedAndLeaveNothingBehind(boolean ranFirst) throws Exception {
        SocketTestKit.warmUp();
        String path = dir.resolve("closed.sock").toString();
        // A live server elsewhere, so that a connect that wrongly went ahead would succeed.
        String livePath = dir.resolve("live.sock").toString();
        EventLoop live = EventLoop.create();
        UServer liveServer = new UServer(live);
        liveServer.listen(livePath);
        live.start();
        try {
            EventLoop loop = EventLoop.create();
            UServer server = new UServer(loop);
            USocket client = new USocket(loop);
            int before = TestFds.openFdCount();
            if (ranFirst) {
                loop.setTimeout(() -> { }, 1);
                Thread t = loop.start();
                t.join(20_000);
            }
            loop.close();
            before -= 2; // the loop's epoll and eventfd are gone

            InvalidStateException e1 = assertThrows(InvalidStateException.class, () -> server.listen(path));
            assertEquals("ERR_LOOP_CLOSED", e1.code());
            InvalidStateException e2 = assertThrows(InvalidStateException.class, () -> client.connect(livePath));
            assertEquals("ERR_LOOP_CLOSED", e2.code());
            AtomicBoolean ran = new AtomicBoolean();
            InvalidStateException e3 = assertThrows(InvalidStateException.class, () -> loop.execute(() -> ran.set(true)));
            assertEquals("ERR_LOOP_CLOSED", e3.code());
            assertFalse(ran.get());
            assertFalse(Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS), "no socket file left at " + path);
            TestFds.assertNoLeak(before);
            // And new sockets on it fail the same way.
            assertEquals("ERR_LOOP_CLOSED",
                    assertThrows(InvalidStateException.class, () -> new USocket(loop).connect(livePath)).code());
            assertEquals("ERR_LOOP_CLOSED",
                    assertThrows(InvalidStateException.class, () -> closedLoop(ranFirst).execute(() -> { })).code());
        } finally {
            Watchdog.assertClosesWithin(live, Duration.ofSeconds(10));
        }
    }
}
