package io.usocket.hostile;

import static io.usocket.ContentFiles.contents;
import static io.usocket.ContentFiles.readAndCloseAll;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.CodedError;
import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.InvalidArgumentException;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue item 1: two fd-only writes of 200 fds each wait for bytes (decisions D10); the next
 * write must either be refused at once ({@code ERR_OUT_OF_RANGE}: one byte cannot carry 400
 * fds, decisions D11) or carry them split over messages of at most 253 fds. Before the fix, the
 * loop spun for ever in {@code SocketWriter.flush} (a 0-byte sendmsg with fds counted as sent)
 * and 147 fds were lost with no callback and no error.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FdOnlyWritesBeyondOneMessageAreNeverLostTest {
    @TempDir
    Path dir;

    @Test
    void twoFdOnlyWritesOf200ThenBytesDeliverAll400FdsInOrderAndTheLoopKeepsTurning() throws Exception {
        SocketTestKit.warmUp();
        int baseline = TestFds.openFdCount();
        ContentFiles files = new ContentFiles(Files.createDirectory(dir.resolve("files")));
        int[] a = files.openAll("a", 200);
        int[] b = files.openAll("b", 200);
        EventLog log = new EventLog();
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        StringBuffer bytes = new StringBuffer();
        StringBuffer accepted = new StringBuffer();
        EventLoop loop = EventLoop.create();
        SocketTestKit.pair(loop, dir.resolve("s.sock").toString(), (client, peer) -> {
            client.on("fds", (int[] fds) -> received.addAll(readAndCloseAll(fds)));
            client.on("data", (byte[] d) -> bytes.append(new String(d, StandardCharsets.UTF_8)));
            client.on("error", (Throwable e) -> log.add("client error " + e));
            client.on("close", (Boolean hadError) -> log.add("client close " + hadError));
            peer.on("error", (Throwable e) -> log.add("peer error " + e));
            peer.write(a, err -> log.add("cb a " + err));
            peer.write(b, err -> log.add("cb b " + err));
            try {
                peer.write("x", err -> log.add("cb x " + err));
                accepted.append("x");
            } catch (InvalidArgumentException e) {
                log.add("x refused " + ((CodedError) e).code());
            }
            peer.end("yz", err -> log.add("cb yz " + err));
            accepted.append("yz");
        });
        Thread loopThread = loop.start();
        Watchdog.checkThenClose(loop, Duration.ofSeconds(10), () -> {
            Watchdog.assertLoopTurns(loop, loopThread, Duration.ofSeconds(10), "after the writes");
            Watchdog.assertEnds(loopThread, Duration.ofSeconds(30), "both sockets closed: " + log);
        });
        List<String> want = new ArrayList<>(contents("a", 200));
        want.addAll(contents("b", 200));
        assertEquals(want, received, "every fd arrives, in the order written");
        assertEquals(accepted.toString(), bytes.toString());
        List<String> entries = log.all();
        assertEquals(List.of("cb a null", "cb b null"), entries.stream().filter(e -> e.startsWith("cb a") || e.startsWith("cb b")).toList());
        assertEquals(List.of("cb yz null"), entries.stream().filter(e -> e.startsWith("cb yz")).toList());
        // "x" either refused at once or delivered with a clean callback; nothing else.
        List<String> x = entries.stream().filter(e -> e.startsWith("cb x") || e.startsWith("x refused")).toList();
        assertEquals(List.of(accepted.toString().startsWith("x") ? "cb x null" : "x refused ERR_OUT_OF_RANGE"), x);
        assertEquals(List.of("client close false"), entries.stream().filter(e -> e.startsWith("client")).toList());
        ContentFiles.closeAll(a);
        ContentFiles.closeAll(b);
        TestFds.assertNoLeak(baseline);
    }
}
