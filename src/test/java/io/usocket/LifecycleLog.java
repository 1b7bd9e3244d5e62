package io.usocket;

import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Event recorder and small fixtures for the server / lifecycle / error tests.
 *
 * <p>Entries are added on the loop thread (or before it runs) and read after {@code run()}
 * returned, or through Awaitility for loops on {@code start()}; the list is synchronized.
 */
final class LifecycleLog {
    static final String GUARD = "GUARD";

    private final List<String> entries = new ArrayList<>();

    synchronized void add(String entry) {
        entries.add(entry);
    }

    synchronized List<String> all() {
        return new ArrayList<>(entries);
    }

    /** The entries starting with {@code prefix + " "}, in order (one side of a conversation). */
    synchronized List<String> of(String prefix) {
        List<String> out = new ArrayList<>();
        for (String e : entries) if (e.startsWith(prefix + " ")) out.add(e);
        return out;
    }

    synchronized boolean contains(String entry) {
        return entries.contains(entry);
    }

    Runnable rec(String entry) {
        return () -> add(entry);
    }

    /**
     * Records the listed events of {@code e} as {@code "<name> <event>"}; {@code close} as
     * {@code close(hadError)}, {@code error} with its code, {@code data} as UTF-8 text.
     */
    void trace(EventEmitter e, String name, String... events) {
        for (String ev : events) {
            switch (ev) {
                case "close" -> e.on("close", (Object had) -> add(name + " close(" + had + ")"));
                case "error" -> e.on("error", (Throwable t) -> add(name + " error " + code(t)));
                case "data" -> e.on("data", (Object d) -> add(name + " data " + text(d)));
                default -> e.on(ev, () -> add(name + " " + ev));
            }
        }
    }

    static String code(Throwable t) {
        return t instanceof CodedError c ? c.code() : t.getClass().getSimpleName();
    }

    static String text(Object d) {
        return d instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(d);
    }

    /**
     * A new loop with an unref'd 5 s timer that records {@link #GUARD} and closes it, so a loop
     * that fails to stop ends {@code run()} with a visible entry instead of hanging the test.
     */
    EventLoop guardedLoop() {
        EventLoop loop = EventLoop.create();
        loop.setTimeout(() -> {
            add(GUARD);
            loop.close();
        }, 5_000).unref();
        return loop;
    }

    // ---- file system fixtures ----

    /**
     * Leaves a stale socket file at {@code path}: a socket bound there and closed without
     * listening or unlinking (what a crashed server leaves behind). Connecting to it gives
     * ECONNREFUSED.
     */
    static void makeStaleSocket(String path) {
        int fd = LibC.INSTANCE.socket(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IllegalStateException("socket: errno " + LibC.errno());
        try {
            UnixAddress addr = UnixAddress.of(path);
            if (LibC.INSTANCE.bind(fd, addr.address(), addr.length()) != 0) {
                throw new IllegalStateException("bind: errno " + LibC.errno());
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
        if (!isSocket(path)) throw new IllegalStateException("no socket file at " + path);
    }

    /** A connected pair of unix stream sockets (blocking, close-on-exec); the caller owns both. */
    static int[] socketPair() {
        io.usocket.internal.sys.NativeBuffer b = new io.usocket.internal.sys.NativeBuffer(8);
        if (LibC.INSTANCE.socketpair(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0, b.address) != 0) {
            throw new IllegalStateException("socketpair: errno " + LibC.errno());
        }
        return new int[] {b.buf.getInt(0), b.buf.getInt(4)};
    }

    static boolean isSocket(String path) {
        try {
            int mode = (Integer) Files.getAttribute(Path.of(path), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- descriptors ----

    /** The fds of this process that are sockets, from /proc/self/fd. */
    static Set<Integer> socketFds() {
        Set<Integer> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith("socket:")) {
                        out.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException ignored) {
                    // closed meanwhile (the listing's own descriptor, or another thread's)
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Whether {@code fd} has FD_CLOEXEC: the kernel shows it as O_CLOEXEC (02000000) in fdinfo's octal flags. */
    static boolean isCloexec(int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) return (Long.parseLong(line.substring(6).trim(), 8) & 02000000) != 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no flags line for fd " + fd);
    }
}
