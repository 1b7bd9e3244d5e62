package io.usocket.hard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: 100,000 messages of 1 byte + 1 fd over one connection, sender and receiver on two loops
 * on two threads. The receiver takes each message with {@code read(1, 1)} (decisions D7), checks its
 * byte (the sequence number's low byte, and a CRC-32 of the whole stream) and its fd by content
 * (one of 8 files, chosen by sequence number), and closes the fd at once. Nothing may be lost,
 * reordered or leaked (D10, D14): the receiver's open-fd count stays bounded (sampled every
 * 5,000 messages) and comes back to the baseline at the end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SoakTest {
    static final int MESSAGES = 100_000;
    private static final int FILES = 8;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(50));

    @TempDir
    Path dir;

    @Test
    void oneHundredThousandFdMessagesArriveInOrderAndNoFdLeaks() throws Exception {
        int before = TestFds.openFdCount();
        EventLog events = kit.log;
        EventLoop rxLoop = kit.guardedLoop();
        EventLoop txLoop = kit.guardedLoop();
        String path = dir.resolve("soak.sock").toString();
        int[] files = new ContentFiles(dir).openAll("soak", FILES);
        String[] expected = new String[FILES];
        for (int k = 0; k < FILES; k++) expected[k] = ContentFiles.content("soak", k);

        CRC32 sentCrc = new CRC32();
        CRC32 receivedCrc = new CRC32();
        int[] received = {0};
        int[] peakFds = {0};
        String[] firstProblem = {null};

        // ---- receiver: its own loop, on its own thread ----
        UServer server = new UServer(rxLoop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("readable", () -> {
                Message m;
                while ((m = s.read(1, 1)) != null) {
                    int seq = received[0]++;
                    String content = ContentFiles.readAndClose(m.fds()[0]);
                    receivedCrc.update(m.data(), 0, m.data().length);
                    if (firstProblem[0] == null && (m.data().length != 1 || m.data()[0] != (byte) seq
                            || m.fds().length != 1 || !content.equals(expected[seq % FILES]))) {
                        firstProblem[0] = "message " + seq + ": " + m + " content '" + content + "'";
                    }
                    if (seq % 5_000 == 0) peakFds[0] = Math.max(peakFds[0], TestFds.openFdCount());
                }
            });
            s.on("end", () -> events.add("S end"));
            s.on("error", (Throwable e) -> events.add("S error " + EventLog.code(e)));
            s.on("close", (Boolean had) -> events.add("S close(" + had + ")"));
        });
        server.listen(path);
        Thread rxThread = rxLoop.start();

        // ---- sender: its own loop, on the test thread ----
        USocket client = new USocket(txLoop);
        int[] sent = {0};
        long[] startNanos = {0};
        Runnable pump = new Runnable() {
            @Override
            public void run() {
                while (sent[0] < MESSAGES) {
                    int seq = sent[0]++;
                    byte[] b = {(byte) seq};
                    sentCrc.update(b, 0, 1);
                    boolean more = client.write(new Message(b, files[seq % FILES]));
                    if (!more) return; // 'drain' resumes
                }
                client.end();
            }
        };
        client.on("drain", pump);
        client.on("error", (Throwable e) -> events.add("C error " + EventLog.code(e)));
        client.on("close", (Boolean had) -> events.add("C close(" + had + ")"));
        client.resume();
        // listen() ran before rxLoop.start(), on this thread: the path is bound already.
        client.connect(path, () -> {
            startNanos[0] = System.nanoTime();
            pump.run();
        });
        txLoop.run();
        rxThread.join(50_000);
        long nanos = System.nanoTime() - startNanos[0];
        txLoop.close();
        rxLoop.close();
        ContentFiles.closeAll(files);

        assertFalse(rxThread.isAlive(), "the receiver's loop did not finish: " + events);
        assertEquals(java.util.List.of("C close(false)"), filter(events, "C "), events.toString());
        assertEquals(java.util.List.of("S end", "S close(false)"), filter(events, "S "), events.toString());
        assertEquals(null, firstProblem[0]);
        assertEquals(MESSAGES, received[0]);
        assertEquals(sentCrc.getValue(), receivedCrc.getValue(), "CRC-32 of the byte stream");
        // Bounded by a batch of reads, not by the message count: a receiver keeping its fds would be at 5,000+.
        assertTrue(peakFds[0] - before < 1_000, "open fds climbed to " + peakFds[0] + " from " + before);
        double rate = MESSAGES / (nanos / 1e9);
        System.out.printf("SoakTest: %d fd messages in %.2f s = %.0f messages/s (peak open fds %d, baseline %d)%n",
                MESSAGES, nanos / 1e9, rate, peakFds[0], before);
        TestFds.assertNoLeak(before);
    }

    private static java.util.List<String> filter(EventLog events, String prefix) {
        return events.all().stream().filter(e -> e.startsWith(prefix) || e.equals(SocketTestKit.GUARD)).toList();
    }
}
