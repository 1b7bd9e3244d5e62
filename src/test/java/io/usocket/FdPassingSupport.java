package io.usocket;

import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Shared plumbing of the fd-passing tests: a loop with a connected pair of sockets, an event log,
 * and descriptors whose identity is checked by content (each opens its own temp file with
 * distinct text, or is a pipe end written through and read back).
 *
 * <p>The loop runs on the test thread; an unref'd guard timer closes it after 10 s and logs
 * {@code GUARD}, so a stall fails the test's sequence assertion instead of hanging it. Assertion
 * errors thrown inside listeners stop the loop and come out of {@link #run()} (SPEC D17).
 */
final class FdPassingSupport implements AutoCloseable {
    static final String GUARD = "GUARD";
    private static final AtomicInteger FILES = new AtomicInteger();

    final EventLoop loop = EventLoop.create();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final Path dir;

    FdPassingSupport(Path dir) {
        this(dir, 10_000);
    }

    FdPassingSupport(Path dir, long guardMs) {
        this.dir = dir;
        loop.setTimeout(() -> {
            log.add(GUARD);
            loop.close();
        }, guardMs).unref();
    }

    /**
     * Listens, connects a client and calls {@code body(client, accepted)} once both ends are up
     * (after the client's {@code 'connect'}); the server is closed as soon as it accepted, so
     * the loop ends when the two sockets have closed.
     */
    void connect(BiConsumer<USocket, USocket> body) {
        UServer server = new UServer(loop);
        USocket client = new USocket(loop);
        USocket[] accepted = new USocket[1];
        boolean[] connected = new boolean[1];
        Runnable both = () -> {
            if (accepted[0] != null && connected[0]) body.accept(client, accepted[0]);
        };
        String path = dir.resolve("s.sock").toString();
        server.on("connection", (USocket c) -> {
            accepted[0] = c;
            server.close();
            both.run();
        });
        server.listen(path, () -> client.connect(path, () -> {
            connected[0] = true;
            both.run();
        }));
    }

    void run() {
        loop.run();
    }

    @Override
    public void close() {
        loop.close();
    }

    // ---- descriptors checked by content ----

    /** A new temp file holding {@code content}, opened read-only (close-on-exec). */
    int fileFd(String content) {
        Path file = dir.resolve("f" + FILES.incrementAndGet() + ".txt");
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Fds.open(file);
    }

    /** {@code n} fds of new temp files, holding {@code prefix + i}. */
    int[] fileFds(String prefix, int n) {
        int[] fds = new int[n];
        for (int i = 0; i < n; i++) fds[i] = fileFd(prefix + i);
        return fds;
    }

    /** Everything {@code fd} gives from its offset to EOF (a file read once from its start). */
    static String contentOf(int fd) {
        NativeBuffer buf = new NativeBuffer(4096);
        StringBuilder sb = new StringBuilder();
        while (true) {
            long n = LibC.INSTANCE.read(fd, buf.address, buf.size());
            if (n < 0) throw new IllegalStateException("read(" + fd + ") failed: errno " + LibC.errno());
            if (n == 0) return sb.toString();
            byte[] b = new byte[(int) n];
            buf.buf.get(0, b, 0, (int) n);
            sb.append(new String(b, StandardCharsets.UTF_8));
        }
    }

    /** The contents of each fd, in order; then closes them all (they were handed to the test). */
    static List<String> contentsAndClose(int[] fds) {
        List<String> out = new ArrayList<>(fds.length);
        for (int fd : fds) {
            out.add(contentOf(fd));
            Fds.close(fd);
        }
        return out;
    }

    /** Writes {@code text} into a pipe's write end. */
    static void writeText(int fd, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        NativeBuffer buf = new NativeBuffer(b.length);
        buf.buf.put(0, b);
        long n = LibC.INSTANCE.write(fd, buf.address, b.length);
        if (n != b.length) throw new IllegalStateException("write(" + fd + ") gave " + n + ", errno " + LibC.errno());
    }

    /** Reads whatever a pipe's read end holds now (at most 4 KiB, one read). */
    static String readSome(int fd) {
        NativeBuffer buf = new NativeBuffer(4096);
        long n = LibC.INSTANCE.read(fd, buf.address, buf.size());
        if (n < 0) throw new IllegalStateException("read(" + fd + ") failed: errno " + LibC.errno());
        byte[] b = new byte[(int) n];
        buf.buf.get(0, b, 0, (int) n);
        return new String(b, StandardCharsets.UTF_8);
    }

    static List<String> expected(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(prefix + i);
        return out;
    }

    /** Whether {@code fd} carries O_CLOEXEC, from the {@code flags:} line of /proc/self/fdinfo. */
    static boolean isCloexec(int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring(6).trim(), 8) & 02000000) != 0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no flags line for fd " + fd);
    }

    /** How many of this process's descriptors refer to {@code file} (by /proc/self/fd link). */
    static long descriptorsOf(Path file) {
        String target = file.toAbsolutePath().toString();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().equals(target);
                } catch (IOException e) {
                    return false; // the listing's own fd, or one closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of the temp file behind {@code fd}. */
    static Path pathOf(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String code(Throwable t) {
        return t == null ? "null" : t instanceof CodedError c ? c.code() : t.toString();
    }
}
