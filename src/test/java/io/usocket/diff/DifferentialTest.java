package io.usocket.diff;

import org.junit.jupiter.api.BeforeAll;
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
     * seed and count when the harness was added was 20.3 %; after the core redesign of issue 9 it
     * was 87-92 %; after the libuv stream-order fixes (node-semantics N40-N44) and a harness that
     * orders 1 ms timers by phase on both sides (decisions D86) it is 99.3 % on 500 scenarios
     * from seed 1. The strict test below is what CI judges by; this floor only catches a collapse
     * (for instance a loaded machine making node itself unstable) with a clearer message.
     */
    private static final double DEFAULT_MIN_MATCH = 95.0;

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

    /** Issue 9's proof: every scenario node orders the same way every time matches, or its difference is listed in docs/differences.md. */
    @Test
    void everyStableScenarioMatchesNodeOrIsAListedDifference() {
        String unexplained = result.unexplained().stream()
                .map(o -> "seed " + o.scenario().seed() + ": " + o.diff().kind())
                .collect(Collectors.joining("\n"));
        assertTrue(unexplained.isEmpty(), () -> result.summary() + "\nnot in docs/differences.md:\n" + unexplained);
    }
}
