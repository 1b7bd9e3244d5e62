package io.usocket.hostile;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue item 4: 4 threads write to a connecting socket before {@code loop.start()}. Every write
 * is delivered, in each thread's order, with its fds. Before the fix every thread counted as the
 * loop thread until the loop ran: up to 93 % of the bytes and fds were lost, with a normal
 * {@code 'end'} and no error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WritesFromManyThreadsBeforeStartAreAllDeliveredTest {
    @TempDir
    Path dir;

    @Test
    void fourThreadsWritingBeforeStartAreAllDeliveredInPerThreadOrder() throws Exception {
        ConcurrentWriters.run(dir, 4, 20000, true);
    }
}
