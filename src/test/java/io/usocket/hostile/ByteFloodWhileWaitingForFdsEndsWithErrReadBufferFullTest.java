package io.usocket.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.USocketException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue item 7: while {@code read(size, count)} waits for fds the socket keeps reading past its
 * high-water mark (decisions D15), but not without bound: past
 * {@code SocketOptions.maxPendingBytes} (default 64 MiB) it is destroyed with
 * {@code ERR_READ_BUFFER_FULL}. Lengths are {@code long} and never negative. Before the fix the
 * buffer grew until OutOfMemoryError (and {@code readableLength()} went negative past 2^31).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ByteFloodWhileWaitingForFdsEndsWithErrReadBufferFullTest {
    private static final int CHUNK = 1 << 20;
    /** 80 MiB: past the 64 MiB default. */
    private static final int CHUNKS = 80;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    private final EventLoop loop = kit.loop();
    private final EventLog log = kit.log;

    @Test
    void bytesWithoutFdsPastTheDefaultLimitDestroyTheWaitingReaderWithErrReadBufferFull() {
        long[] maxBuffered = {0};
        boolean[] negative = {false};
        kit.pair((client, peer) -> {
            client.on("readable", () -> {
                long buffered = client.readableLength();
                maxBuffered[0] = Math.max(maxBuffered[0], buffered);
                if (buffered < 0) negative[0] = true;
                Message m = client.read(1, 1);     // waits for an fd that never comes
                if (m != null) log.add("read returned " + m);
            });
            client.on("error", (Throwable e) -> log.add("client error " + ((USocketException) e).code()));
            client.on("close", (Boolean hadError) -> log.add("client close " + hadError));
            peer.on("error", (Throwable e) -> log.add("peer error"));   // EPIPE/ECONNRESET once the reader is gone
            byte[] chunk = new byte[CHUNK];
            for (int i = 0; i < CHUNKS; i++) peer.write(chunk);
            peer.end();
        });
        kit.run();
        List<String> clientSide = log.all().stream().filter(e -> e.startsWith("client") || e.startsWith("read")).toList();
        assertEquals(List.of("client error ERR_READ_BUFFER_FULL", "client close true"), clientSide, log.toString());
        assertTrue(!negative[0], "readableLength() went negative");
        assertTrue(maxBuffered[0] <= 64L * CHUNK + 256 * 1024, "buffered " + maxBuffered[0] + " bytes, past the limit");
    }
}
