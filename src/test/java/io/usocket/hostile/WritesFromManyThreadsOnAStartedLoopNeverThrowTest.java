package io.usocket.hostile;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue item 3: 4 threads × 20,000 {@code write(Message)} + {@code write(bytes)} to one socket of
 * a started loop. No call throws (before the fix, {@code ConcurrentModificationException} or
 * {@code ArrayIndexOutOfBoundsException} came out of {@code write()}: {@code SocketWriter.checkFds}
 * walked the loop-owned queue on the caller's thread), every write's callback gets null, every
 * byte and fd arrives in each thread's order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WritesFromManyThreadsOnAStartedLoopNeverThrowTest {
    @TempDir
    Path dir;

    @Test
    void fourThreadsWritingMessagesAndBytesThrowNothingAndLoseNothing() throws Exception {
        ConcurrentWriters.run(dir, 4, 20000, false);
    }
}
