package io.usocket.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer program run as a subprocess: stdin from /dev/null, stderr to a file, stdout read line by
 * line on a thread of its own. {@link #close()} kills it if it still runs and releases its pipe,
 * so the test's fd count comes back.
 */
final class InteropPeer implements AutoCloseable {
    /** The peer programs' sources (src/test/resources/interop), run from the source tree. */
    static final Path RESOURCES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("src/test/resources/interop").toAbsolutePath();
    private static final String EOF = new String("<eof>"); // identity marks the end of stdout

    private final String name;
    private final Process process;
    private final Path stderr;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** What a peer left behind: its exit code, the stdout lines not yet consumed, its stderr. */
    record Result(int exitCode, List<String> stdout, String stderr) {
    }

    private InteropPeer(String name, List<String> command, Path workDir) throws IOException {
        this.name = name;
        this.stderr = Files.createTempFile(workDir, name, ".stderr");
        this.process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(stderr.toFile())
                .start();
        this.reader = new Thread(this::pump, "interop-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code workDir}; {@code name} labels messages and files. */
    static InteropPeer start(String name, Path workDir, List<String> command) {
        try {
            return new InteropPeer(name, command, workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump() {
        try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        } catch (IOException e) {
            lines.add("<stdout error: " + e + ">");
        } finally {
            lines.add(EOF);
        }
    }

    /** Waits for the next stdout line and checks it is {@code expected} (e.g. {@code "listening"}). */
    void awaitLine(String expected, Duration timeout) {
        String line;
        try {
            line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (line == EOF) line = null;
        assertEquals(expected, line, () -> name + " did not print '" + expected + "'; stderr: " + stderrText());
    }

    /** Waits for the peer to exit and its stdout to end; kills it after {@code timeout}. */
    Result finish(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                fail(name + " did not exit within " + timeout + "; stderr: " + stderrText());
            }
            reader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        List<String> out = new ArrayList<>();
        for (String l; (l = lines.poll()) != null && l != EOF; ) out.add(l);
        return new Result(process.exitValue(), out, stderrText());
    }

    private String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            process.getInputStream().close();
        } catch (IOException ignored) {
            // already closed by the reader
        }
    }

    // ---- toolchains ----

    /**
     * Why {@code what} cannot be used ({@code probe} cannot run or fails: the peer's toolchain
     * is missing), or null when it can. Pass the answer to {@link #require(String)}.
     */
    static String probe(String what, String... probe) {
        String problem = null;
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                problem = "timed out";
            } else if (p.exitValue() != 0) {
                problem = "exit code " + p.exitValue();
            }
        } catch (IOException e) {
            problem = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = e.toString();
        }
        return problem == null ? null
                : what + " is not available (" + String.join(" ", probe) + ": " + problem + "); .ci/run installs it";
    }

    /**
     * Skips the test (a JUnit assumption, reported per test with the reason) when a toolchain is
     * missing. Under CI ({@code CI=true}) it fails instead: .ci/run installs every toolchain, and a
     * skip there would hide a broken install step.
     */
    static void require(String problem) {
        if (problem == null) return;
        if ("true".equals(System.getenv("CI"))) fail(problem);
        assumeTrue(false, problem);
    }
}
