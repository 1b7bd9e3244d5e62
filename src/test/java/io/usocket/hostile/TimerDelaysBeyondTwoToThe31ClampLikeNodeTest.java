package io.usocket.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.Timer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue item 5: a delay past 2^31−1 ms never overflows. Node's rule ({@code lib/internal/timers.js},
 * with a TimeoutOverflowWarning): {@code setTimeout}/{@code setInterval} with such a delay run
 * after 1 ms; {@code socket.setTimeout} truncates it to 2^31−1 ms (so in practice never fires).
 * (Node 20, same program: the timeout fires at once, the interval ticks, no socket
 * {@code 'timeout'}, the process exits.) Before the fix {@code now + delay} overflowed: the timer was always due, {@code runTimers}
 * never returned and {@code close()} hung.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerDelaysBeyondTwoToThe31ClampLikeNodeTest {
    @TempDir
    Path dir;

    private final EventLog log = new EventLog();

    @Test
    void setTimeoutWithAnOverflowingDelayRunsAfterOneMillisecondLikeNode() throws Exception {
        EventLoop loop = EventLoop.create();
        loop.setTimeout(() -> log.add("max"), Long.MAX_VALUE);
        loop.setTimeout(() -> log.add("2^31"), 1L << 31);
        // A ref'd timer of the longest legal delay would hold the loop; unref'd it must not fire.
        loop.setTimeout(() -> log.add("2^31-1"), Integer.MAX_VALUE).unref();
        Thread t = loop.start();
        Watchdog.checkThenClose(loop, Duration.ofSeconds(10),
                () -> Watchdog.assertEnds(t, Duration.ofSeconds(20), "both clamped timers ran: " + log));
        assertEquals(List.of("max", "2^31"), log.all());
    }

    @Test
    void setIntervalWithAnOverflowingDelayRepeatsEveryMillisecondAndCanBeCleared() throws Exception {
        EventLoop loop = EventLoop.create();
        int[] runs = {0};
        Timer[] interval = {null};
        interval[0] = loop.setInterval(() -> {
            log.add("tick");
            if (++runs[0] == 3) interval[0].clear();
        }, Long.MAX_VALUE);
        Thread t = loop.start();
        Watchdog.checkThenClose(loop, Duration.ofSeconds(10),
                () -> Watchdog.assertEnds(t, Duration.ofSeconds(20), "three ticks, then cleared: " + log));
        assertEquals(List.of("tick", "tick", "tick"), log.all());
    }

    @Test
    void socketSetTimeoutWithAnOverflowingDelayNeverFiresAndTheLoopStillEnds() throws Exception {
        EventLoop loop = EventLoop.create();
        SocketTestKit.pair(loop, dir.resolve("t.sock").toString(), (client, peer) -> {
            client.setTimeout(Long.MAX_VALUE, () -> log.add("client timeout"));
            peer.setTimeout(Long.MAX_VALUE - 1, () -> log.add("peer timeout"));
            client.on("close", (Boolean hadError) -> log.add("client close " + hadError));
            peer.on("close", (Boolean hadError) -> log.add("peer close " + hadError));
            client.resume();
            peer.resume();
            // A turn later, so that the idle timers are armed and have been looked at once.
            loop.setTimeout(() -> {
                client.end("bye");
                peer.end();
            }, 5);
        });
        Thread t = loop.start();
        Watchdog.checkThenClose(loop, Duration.ofSeconds(10),
                () -> Watchdog.assertEnds(t, Duration.ofSeconds(20), "both sockets closed: " + log));
        assertTrue(log.all().containsAll(List.of("client close false", "peer close false")), log.toString());
        assertEquals(2, log.all().size(), "no 'timeout': " + log);
    }

    @Test
    void closeFromAnotherThreadReturnsWhileAnOverflowingIntervalIsPending() throws Exception {
        EventLoop loop = EventLoop.create();
        loop.setInterval(() -> { }, Long.MAX_VALUE);
        Thread t = loop.start();
        Watchdog.assertLoopTurns(loop, t, Duration.ofSeconds(10), "with the interval pending");
        assertTrue(t.isAlive(), "a ref'd interval keeps the loop running");
        Watchdog.assertClosesWithin(loop, Duration.ofSeconds(10));
    }
}
