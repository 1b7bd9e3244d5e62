package io.usocket.diff;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The differential harness against node 20: {@code diff.count} random scenarios (default 200)
 * from seed {@code diff.seed} (default 1) run on node and on this library; traces compared.
 * Writes target/diff-report.txt. Reproduce one seed with {@link DiffMain}.
 */
class DifferentialTest {
    /**
     * The floor for {@link #matchRateDoesNotFallBelowTheFloor()}: the rate measured on the default
     * seed and count when the harness was added was 20.3 %; after the core redesign of issue 9
     * (uv_run phases, Node's Writable) and its follow-up fixes it is 87-92 % (runs differ by which
     * scenarios node itself finds unstable). The floor is about that minus 8 points. Raise it as
     * the core gets closer to node.
     */
    private static final double DEFAULT_MIN_MATCH = 80.0;

    private static DiffRun.Result result;

    @BeforeAll
    static void runScenarios() throws IOException, InterruptedException {
        long seed = Long.getLong("diff.seed", 1);
        int count = Integer.getInteger("diff.count", 200);
        result = DiffRun.run(seed, count, Path.of("target", "diff-work"), null);
        Files.writeString(Path.of("target", "diff-report.txt"), result.report(), StandardCharsets.UTF_8);
        System.out.println(result.summary() + " (report: target/diff-report.txt)");
    }

    @Test
    void matchRateDoesNotFallBelowTheFloor() {
        double floor = Double.parseDouble(System.getProperty("diff.minMatch", Double.toString(DEFAULT_MIN_MATCH)));
        assertTrue(result.matchPercent() >= floor,
                () -> String.format("match rate %.1f%% fell below the floor %.1f%%: %s%nsee target/diff-report.txt",
                        result.matchPercent(), floor, result.summary()));
        // A scenario must be judged on most of the batch: node itself must be mostly deterministic.
        assertTrue(result.compared().size() >= result.count() / 2,
                () -> "too few stable scenarios to judge: " + result.summary());
    }

    @Test
    @Tag("pending-core") // the redesigned core matches 84-86 % of the stable scenarios; the rest are open differences
    void everyStableScenarioMatchesNodeOrIsAListedDifference() {
        String unexplained = result.unexplained().stream()
                .map(o -> "seed " + o.scenario().seed() + ": " + o.diff().kind())
                .collect(Collectors.joining("\n"));
        assertTrue(unexplained.isEmpty(), () -> result.summary() + "\nnot in docs/differences.md:\n" + unexplained);
    }
}
