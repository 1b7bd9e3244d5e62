package io.usocket;

import static org.awaitility.Awaitility.await;

import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.Sys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * This process's descriptor table, from /proc: leak checks (decisions D14) and what a descriptor is.
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

    /** Every open descriptor of this process as {@code number -> /proc/self/fd link} (the listing's own left out). */
    public static Map<Integer, String> openFds() {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(PROC_FD)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                int fd = Integer.parseInt(p.getFileName().toString());
                String id = identity(fd);
                if (id != null) out.put(fd, id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.values().removeIf(id -> id.startsWith("/proc/") && id.endsWith("/fd")); // the listing's own
        return out;
    }

    /** Waits up to 5 s until {@link #openFdCount()} is back to {@code before} (or
     * below: an unrelated descriptor may have closed meanwhile); fails otherwise. */
    public static void assertNoLeak(int before) {
        await("open fd count back to " + before)
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(TestFds::openFdCount, n -> n <= before);
    }

    /** The fds of this process that are sockets. */
    public static Set<Integer> socketFds() {
        Set<Integer> out = new TreeSet<>();
        openFds().forEach((fd, id) -> {
            if (id.startsWith("socket:")) out.add(fd);
        });
        return out;
    }

    /** Whether {@code fd} has FD_CLOEXEC: the kernel shows it as O_CLOEXEC (02000000) in fdinfo's octal flags. */
    public static boolean isCloexec(int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) return (Long.parseLong(line.substring(6).trim(), 8) & 02000000) != 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no flags line for fd " + fd);
    }

    /** How many of this process's descriptors refer to {@code file}. */
    public static long descriptorsOf(Path file) {
        String target = file.toAbsolutePath().toString();
        return openFds().values().stream().filter(target::equals).count();
    }


    /** The path of the file behind {@code fd}. */
    public static Path pathOf(int fd) {
        try {
            return Files.readSymbolicLink(PROC_FD.resolve(String.valueOf(fd)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code fd} refers to now (its /proc/self/fd link, e.g. {@code socket:[123]}), or null if it is not open. */
    public static String identity(int fd) {
        try {
            return Files.readSymbolicLink(PROC_FD.resolve(String.valueOf(fd))).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * That the descriptor that was {@code identity} (from {@link #identity}) is closed: its number
     * is free, or was taken again meanwhile by another object (another test's thread may open a
     * file at any moment, and the kernel hands out the lowest free number).
     */
    public static void assertClosed(int fd, String identity, String message) {
        String now = identity(fd);
        if (now != null && now.equals(identity)) throw new AssertionError(message + ": fd " + fd + " still refers to " + identity);
    }

    /**
     * Moves {@code fd} to a number at or above 900 (close-on-exec), closing the old number; the
     * fd itself if no such number is free. The kernel gives a new descriptor the lowest free
     * number, so a test that closes this one and then uses its number (a send that must fail
     * with EBADF) does not meet another thread's new descriptor under it.
     */
    public static int moveHigh(int fd) {
        int high = LibC.INSTANCE.fcntl(fd, Sys.F_DUPFD_CLOEXEC, 900);
        if (high < 0) return fd;
        Fds.close(fd);
        return high;
    }
}
