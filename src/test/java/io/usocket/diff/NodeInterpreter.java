package io.usocket.diff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a batch of scenarios in ONE node process (src/test/resources/diff/interp.js), so node's
 * start-up is paid once per batch. {@link #start} returns at once; {@link Batch#traces()} waits.
 */
final class NodeInterpreter {
    private NodeInterpreter() {
    }

    /** A node process working through the scenarios file. */
    static final class Batch {
        private final Process process;
        private final Path out;
        private final Path err;
        private final long timeoutMs;

        private Batch(Process process, Path out, Path err, long timeoutMs) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.timeoutMs = timeoutMs;
        }

        /** The trace of each scenario by seed; a scenario node did not finish is absent. */
        Map<Long, Trace> traces() throws IOException, InterruptedException {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Map<Long, Trace> traces = new HashMap<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) Json.parse(line);
                List<String> entries = new ArrayList<>();
                for (Object o : (List<?>) m.get("trace")) entries.add((String) o);
                long seed = ((Double) m.get("seed")).longValue();
                traces.put(seed, new Trace(seed, (String) m.get("status"), entries));
            }
            if (process.exitValue() != 0 && traces.isEmpty()) {
                throw new IllegalStateException("node interp.js failed: " + Files.readString(err));
            }
            return traces;
        }
    }

    /** Starts node on {@code scenarios}; {@code jitterSeed} 0 runs it plain, otherwise jittered. */
    static Batch start(Path scenarios, Path work, String name, long jitterSeed, int count) throws IOException {
        return start(scenarios, work, name, jitterSeed, false, count);
    }

    /**
     * As {@link #start(Path, Path, String, long, int)}; {@code slow} makes every traced event
     * busy-wait past the next millisecond (interp.js {@code --slow}), which exposes scenarios
     * whose order depends on when a 1 ms timer falls due against I/O.
     */
    static Batch start(Path scenarios, Path work, String name, long jitterSeed, boolean slow, int count) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", script().toString()));
        if (jitterSeed != 0) cmd.addAll(List.of("--jitter", Long.toString(jitterSeed)));
        if (slow) cmd.add("--slow");
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectInput(scenarios.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        // Each scenario ends within interp.js's 3 s cap; the rest is slack for a loaded machine.
        return new Batch(p, out, err, 60_000L + count * 4_000L);
    }

    private static Path script() {
        URL url = NodeInterpreter.class.getResource("/diff/interp.js");
        if (url == null) throw new IllegalStateException("diff/interp.js is not on the test classpath");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
