package io.usocket;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Counts this process's open file descriptors, for leak checks (SPEC D14).
 *
 * <p>Take {@link #openFdCount()} before a test's loops and sockets exist, and call
 * {@link #assertNoLeak(int)} after they are closed. Descriptors of earlier tests may still be
 * closing on their loop threads, so the check waits (up to 5 s) for the count to come back.
 */
public final class TestFds {
    private static final Path PROC_FD = Path.of("/proc/self/fd");

    private TestFds() {
    }

    /** The number of entries in /proc/self/fd (the directory stream's own fd excluded). */
    public static int openFdCount() {
        // The stream itself holds one descriptor while listing, and it shows up in the listing.
        try (Stream<Path> s = Files.list(PROC_FD)) {
            return (int) s.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to 5 s until {@link #openFdCount()} is back to {@code before} (or
     * below: an unrelated descriptor may have closed meanwhile); fails otherwise. */
    public static void assertNoLeak(int before) {
        await("open fd count back to " + before)
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(TestFds::openFdCount, n -> n <= before);
    }
}
