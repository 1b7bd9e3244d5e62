package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.examples.BlockingExample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's blocking-style example ({@code examples/io/usocket/examples/BlockingExample.java}),
 * run as its command runs it, in a JVM of its own: it prints what the Node-style README example
 * prints, and its loop finishes by itself.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingExampleTest {
    @Test
    void printsTheMessageTheFdAndTheFileBehindIt() throws Exception {
        String firstLine = Files.readAllLines(Path.of("README.md")).get(0);
        // stderr apart: newer JDKs warn there about jffi's native access, which is not the example's output.
        Path err = Files.createTempFile("blocking-example", ".err");
        try {
            Process p = new ProcessBuilder(ChildProcess.javaCommand(BlockingExample.class))
                    .redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(45, TimeUnit.SECONDS);
            String shown = out + Files.readString(err);
            assertEquals(0, p.exitValue(), shown);
            assertEquals(List.of("received data: message", "received fds:  1",
                    "first line of the file behind the fd: " + firstLine, "loop finished"), out.lines().toList(), shown);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
