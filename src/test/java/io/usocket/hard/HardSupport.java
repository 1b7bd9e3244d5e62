package io.usocket.hard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.usocket.CodedError;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.USocketException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plumbing shared by the hard-condition tests (public API only): an event log, loops with a
 * guard timer, files whose descriptors are recognised by content, and child processes (a JVM
 * running one of this package's mains, or {@code python3 -c SCRIPT}) whose stdout is read line
 * by line.
 */
final class HardSupport {
    static final String GUARD = "GUARD";

    private HardSupport() {
    }

    /** A synchronized event log: written on loop threads, read after they stopped. */
    static final class Events {
        private final List<String> entries = new ArrayList<>();

        synchronized void add(String e) {
            entries.add(e);
        }

        synchronized List<String> all() {
            return new ArrayList<>(entries);
        }

        synchronized boolean contains(String e) {
            return entries.contains(e);
        }

        @Override
        public synchronized String toString() {
            return entries.toString();
        }
    }

    /**
     * A loop whose unref'd guard timer logs {@link #GUARD} and closes it after {@code ms}, so a
     * stall ends {@code run()} with a visible entry instead of hanging until the JUnit timeout.
     */
    static EventLoop guardedLoop(Events events, long ms) {
        EventLoop loop = EventLoop.create();
        loop.setTimeout(() -> {
            events.add(GUARD);
            loop.close();
        }, ms).unref();
        return loop;
    }

    static String code(Throwable t) {
        return t instanceof CodedError c ? c.code() : t.getClass().getSimpleName();
    }

    /** Node's error fields in one line, with {@code dir} shown as {@code <dir>}. */
    static String describe(Throwable t, Path dir) {
        String d = dir.toString();
        if (t instanceof USocketException e) {
            return "{code=" + e.code() + " errno=" + e.errno() + " syscall=" + e.syscall() + " address="
                    + String.valueOf(e.address()).replace(d, "<dir>") + " message=\"" + e.getMessage().replace(d, "<dir>") + "\"}";
        }
        return "{" + t.getClass().getSimpleName() + " code=" + code(t) + " message=\"" + String.valueOf(t.getMessage()).replace(d, "<dir>") + "\"}";
    }

    // ---- descriptors recognised by content ----

    /** Creates {@code n} files {@code prefix-i} holding {@code text(prefix, i)} and opens each read-only. */
    static int[] openFiles(Path dir, String prefix, int n) {
        int[] fds = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                Path p = dir.resolve(prefix + "-" + i);
                Files.writeString(p, text(prefix, i));
                fds[i] = Fds.open(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    static String text(String prefix, int i) {
        return prefix + " file " + i;
    }

    /** Reads a file descriptor's content from offset 0 (pread) and closes it: the fd is consumed. */
    static String readAndClose(int fd) {
        try (FileChannel ch = Fds.toFileChannel(fd)) {
            ByteBuffer buf = ByteBuffer.allocate(256);
            while (ch.read(buf, buf.position()) > 0 && buf.hasRemaining()) {
                // pread until EOF
            }
            buf.flip();
            return StandardCharsets.UTF_8.decode(buf).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void closeAll(int[] fds) {
        for (int fd : fds) Fds.close(fd);
    }

    /**
     * The JDK opens descriptors of its own the first time a {@code FileChannel} is closed and a
     * child process is started; do both before a test's fd count, so they are not taken for leaks.
     */
    static void warmUp() {
        EventLoop.create().close();
        try {
            Path p = Files.createTempFile("hard-warm-up", ".tmp");
            Files.writeString(p, "x");
            readAndClose(Fds.open(p));
            Files.delete(p);
            Process proc = new ProcessBuilder("true").start();
            proc.waitFor();
            proc.getInputStream().close();
            proc.getErrorStream().close();
            proc.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- child processes ----

    /** Skips (or under CI fails) when python3 with socket.send_fds is missing. */
    static void requirePython() {
        String problem = null;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import socket; socket.send_fds")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) problem = "python3 -c failed";
        } catch (IOException e) {
            problem = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = e.toString();
        }
        if (problem == null) return;
        problem = "python3 with socket.send_fds is not available: " + problem;
        if ("true".equals(System.getenv("CI"))) fail(problem);
        assumeTrue(false, problem);
    }

    /** The command line of a child JVM running {@code main} of this test classpath. */
    static List<String> javaCommand(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * A child process: stdin from /dev/null, stdout and stderr into files. (Not a pipe: the JDK
     * closes a dead child's stdout pipe under a thread still reading it, "Stream closed".)
     * {@link #close()} kills it if still alive and waits for it.
     */
    static final class Child implements AutoCloseable {
        final Process process;
        private final Path stdout;
        private final Path stderr;
        private int consumed;

        Child(Path dir, String name, List<String> command) {
            try {
                stdout = Files.createTempFile(dir, name, ".stdout");
                stderr = Files.createTempFile(dir, name, ".stderr");
                process = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The complete lines printed so far. */
        private List<String> lines() {
            try {
                String text = Files.readString(stdout);
                List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
                out.remove(out.size() - 1); // the unfinished last line (or "" after the last newline)
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The next stdout line, or null once the process has exited without printing one more; fails after {@code timeout}. */
        String nextLine(Duration timeout) {
            await("a line from the child, stderr: " + stderr())
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> lines().size() > consumed || !process.isAlive());
            List<String> all = lines();
            return all.size() > consumed ? all.get(consumed++) : null;
        }

        /** SIGKILL, and wait until the process is gone. */
        void kill() {
            process.destroyForcibly();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) fail("the child survived SIGKILL");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String stderr() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return "<" + e + ">";
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) kill();
        }
    }
}
