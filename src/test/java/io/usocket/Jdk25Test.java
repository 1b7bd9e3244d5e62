package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.usocket.examples.ReadmeExample;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program using the library on JDK 25, as strict as that JDK can be: with
 * {@code --sun-misc-unsafe-memory-access=deny} (the announced future default, JEP 498) and
 * {@code --enable-native-access=ALL-UNNAMED} the README example runs and prints nothing on
 * stderr; without the native-access flag the only thing printed is the JDK's one warning about
 * jffi loading its native library (JEP 472), which README documents with that flag.
 *
 * <p>Runs a child JVM from a JDK 25 installation: this JVM's if it is 25 or newer, else
 * {@code -Dusocket.jdk25=<java home>}, else the first {@code /usr/lib/jvm/*25*} holding
 * {@code bin/java}. Without one the tests are skipped, saying so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Jdk25Test {
    private static final List<String> README_OUTPUT = List.of("received data: message", "received fds:  1",
            "first line of the file behind the fd: # usocket for Java", "loop finished");

    @TempDir
    Path dir;

    @Test
    void readmeExamplePrintsNoWarningWithUnsafeDeniedAndNativeAccessEnabled() throws Exception {
        Run run = runReadmeExample("--sun-misc-unsafe-memory-access=deny", "--enable-native-access=ALL-UNNAMED");
        assertEquals("", run.stderr, "stderr of the README example on JDK 25");
        assertEquals(README_OUTPUT, run.stdout);
        assertEquals(0, run.exitCode);
    }

    @Test
    void withoutNativeAccessOnlyTheJniWarningIsPrinted() throws Exception {
        Run run = runReadmeExample("--sun-misc-unsafe-memory-access=deny");
        // the JDK prints its warning as four lines and a blank one
        List<String> lines = run.stderr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(4, lines.size(), run.stderr);
        for (String line : lines) assertTrue(line.startsWith("WARNING: "), run.stderr);
        assertTrue(run.stderr.contains("java.lang.System::load has been called by com.kenai.jffi"), run.stderr);
        assertTrue(run.stderr.contains("Use --enable-native-access=ALL-UNNAMED"), run.stderr);
        assertFalse(run.stderr.contains("Unsafe"), run.stderr);
        assertEquals(README_OUTPUT, run.stdout);
        assertEquals(0, run.exitCode);
    }

    /** On JDK 25 the whole suite itself runs with Unsafe denied and native access granted (the pom's jdk25 profile). */
    @Test
    void onJdk25TheSuiteRunsWithUnsafeDenied() {
        assumeTrue(Runtime.version().feature() >= 25, "this JVM is " + Runtime.version().feature() + ", not 25+");
        List<String> flags = ChildProcess.nativeAccessFlags();
        assertTrue(flags.contains("--sun-misc-unsafe-memory-access=deny"), flags.toString());
        assertTrue(flags.contains("--enable-native-access=ALL-UNNAMED"), flags.toString());
    }

    private record Run(int exitCode, List<String> stdout, String stderr) {
    }

    /** Runs ReadmeExample in the project root (it reads README.md) on JDK 25 with {@code flags}. */
    private Run runReadmeExample(String... flags) throws Exception {
        Path java = jdk25();
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ReadmeExample.class.getName()));
        File out = dir.resolve("stdout").toFile();
        File err = dir.resolve("stderr").toFile();
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out)
                .redirectError(err);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the README example did not finish on " + java + "; stderr: "
                    + Files.readString(err.toPath()));
        }
        return new Run(p.exitValue(), Files.readAllLines(out.toPath()), Files.readString(err.toPath()));
    }

    /** bin/java of a JDK 25 or newer, or a skipped test that says why. */
    private static Path jdk25() throws IOException {
        if (Runtime.version().feature() >= 25) return Path.of(System.getProperty("java.home"), "bin", "java");
        String configured = System.getProperty("usocket.jdk25");
        if (configured != null && !configured.isEmpty()) {
            Path java = Path.of(configured, "bin", "java");
            assertTrue(Files.isExecutable(java), "-Dusocket.jdk25=" + configured + " has no bin/java");
            return java;
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> homes = Files.newDirectoryStream(jvms, "*25*")) {
                for (Path home : homes) {
                    Path java = home.resolve("bin/java");
                    if (Files.isExecutable(java)) return java;
                }
            }
        }
        assumeTrue(false, "no JDK 25 found (this JVM is " + Runtime.version().feature()
                + ", no -Dusocket.jdk25=<java home>, nothing in /usr/lib/jvm/*25*): JDK 25 checks skipped");
        return null;
    }
}
