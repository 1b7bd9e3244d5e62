package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.examples.FdServerExample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@code examples/io/usocket/examples/FdServerExample.java} as it is meant to be used: the
 * supervisor in its own JVM, which starts the worker in another; both print to the same stream.
 * The worker must reach the supervisor's deleted file only through the passed descriptor.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FdServerExampleTest {
    @Test
    void workerReadsTheSupervisorsFileThroughThePassedFd() throws Exception {
        int before = TestFds.openFdCount();
        Process supervisor = new ProcessBuilder(ChildProcess.javaCommand(FdServerExample.class))
                .redirectErrorStream(true)
                .start();
        assertTrue(supervisor.waitFor(45, TimeUnit.SECONDS), "the supervisor did not finish");
        String out = new String(supervisor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, supervisor.exitValue(), out);
        List<String> lines = out.lines().toList();
        List<String> patterns = List.of(
                "supervisor: listening on /.*/control\\.sock, starting a worker",
                "worker: connected to the supervisor",
                "worker: got fd \\d+ -> /.*/secret\\.txt \\(deleted\\)",
                "worker: read through it: api-token=s3cr3t",
                "supervisor: worker says: thanks, 16 characters received",
                "supervisor: worker exited with 0");
        assertEquals(patterns.size(), lines.size(), out);
        for (int i = 0; i < patterns.size(); i++) {
            assertTrue(lines.get(i).matches(patterns.get(i)), "line " + i + " of:\n" + out);
        }
        supervisor.getInputStream().close();
        TestFds.assertNoLeak(before);
    }
}
