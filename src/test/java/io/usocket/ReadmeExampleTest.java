package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.examples.ReadmeExample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command runs {@code examples/io/usocket/examples/ReadmeExample.java}; this
 * runs its {@code main} in-process (the working directory is the project root, as for the
 * command) and checks what it printed: the message, one fd, and README.md's first line read
 * through that fd. Its loop must finish by itself (decisions D7).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeExampleTest {
    @BeforeAll
    static void warmUp() {
        SocketTestKit.warmUp();
    }

    @Test
    void readmeExamplePrintsTheMessageTheFdAndTheFileBehindIt() throws Exception {
        String firstLine = Files.readAllLines(Path.of("README.md")).get(0);
        int before = TestFds.openFdCount();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ReadmeExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("received data: message", "received fds:  1",
                "first line of the file behind the fd: " + firstLine, "loop finished"), lines);
        TestFds.assertNoLeak(before);
    }
}
