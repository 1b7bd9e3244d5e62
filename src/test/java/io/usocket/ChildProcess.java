package io.usocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process (a peer program, or a JVM running a main of the test classpath): stdin from
 * /dev/null, stdout and stderr into files in its directory, stdout read line by line. (Files,
 * not pipes: the parent then holds no descriptor for the child, and the JDK cannot close a dead
 * child's stdout pipe under a thread still reading it.) {@link #close()} kills it if it still
 * runs and waits for it.
 */
public final class ChildProcess implements AutoCloseable {
    /** The running process. */
    public final Process process;
    private final String name;
    private final Path stdout;
    private final Path stderr;
    private int consumed;

    /** What a child left behind: its exit code, the stdout lines not yet consumed, its stderr. */
    public record Result(int exitCode, List<String> stdout, String stderr) {
    }

    private ChildProcess(String name, Path dir, List<String> command) throws IOException {
        this.name = name;
        this.stdout = Files.createTempFile(dir, name, ".stdout");
        this.stderr = Files.createTempFile(dir, name, ".stderr");
        this.process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
    }

    /** Starts {@code command} in {@code dir}; {@code name} labels its output files and messages. */
    public static ChildProcess start(String name, Path dir, List<String> command) {
        try {
            return new ChildProcess(name, dir, command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The command line of a child JVM running {@code main} of this test classpath, on this JVM's
     * java, with the native-access flags this JVM got (on JDK 25 the build passes
     * {@code --sun-misc-unsafe-memory-access=deny --enable-native-access=ALL-UNNAMED}: a child
     * must pass the same strictness and print no warning either).
     */
    public static List<String> javaCommand(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(nativeAccessFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** This JVM's {@code --enable-native-access} and {@code --sun-misc-unsafe-memory-access} flags. */
    public static List<String> nativeAccessFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("--sun-misc-unsafe-memory-access")) {
                flags.add(a);
            }
        }
        return flags;
    }

    /** {@link #javaCommand} run under {@code ulimit -n openFiles} (through bash). */
    public static List<String> javaCommandUnderUlimit(int openFiles, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + openFiles + " && exec \"$0\" \"$@\""));
        cmd.addAll(javaCommand(main, args));
        return cmd;
    }

    /** The stdout lines printed so far; the last one only once it is complete (or the process is gone). */
    private List<String> lines() {
        try {
            boolean exited = !process.isAlive();
            String text = Files.readString(stdout);
            List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
            String last = out.remove(out.size() - 1); // unfinished, or "" after the last newline
            if (exited && !last.isEmpty()) out.add(last);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next stdout line, or null once the process has exited without printing one more; fails after {@code timeout}. */
    public String nextLine(Duration timeout) {
        await("a line from " + name + ", stderr: " + stderr())
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> lines().size() > consumed || !process.isAlive());
        List<String> all = lines();
        return all.size() > consumed ? all.get(consumed++) : null;
    }

    /** Waits for the next stdout line and checks it is {@code expected} (e.g. {@code "listening"}). */
    public void awaitLine(String expected, Duration timeout) {
        String line = nextLine(timeout);
        assertEquals(expected, line, () -> name + " did not print '" + expected + "'; stderr: " + stderr());
    }

    /** Waits for the process to exit (killing it and failing after {@code timeout}); returns what it left. */
    public Result finish(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                fail(name + " did not exit within " + timeout + "; stderr: " + stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        List<String> all = lines();
        List<String> rest = new ArrayList<>(all.subList(Math.min(consumed, all.size()), all.size()));
        consumed = all.size();
        return new Result(process.exitValue(), rest, stderr());
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) fail(name + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything the process printed to stderr so far. */
    public String stderr() {
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

    // ---- toolchains ----

    /**
     * Why {@code what} cannot be used ({@code command} cannot run or fails: a peer's toolchain is
     * missing), or null when it can. Pass the answer to {@link #require(String)}.
     */
    public static String probe(String what, String... command) {
        String problem = null;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
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
                : what + " is not available (" + String.join(" ", command) + ": " + problem + "); .ci/run installs it";
    }

    /**
     * Skips the test (a JUnit assumption, reported with the reason) when {@code problem} is not
     * null. Under CI ({@code CI=true}) it fails instead: .ci/run installs every toolchain, and a
     * skip there would hide a broken install step.
     */
    public static void require(String problem) {
        if (problem == null) return;
        if ("true".equals(System.getenv("CI"))) fail(problem);
        assumeTrue(false, problem);
    }
}
