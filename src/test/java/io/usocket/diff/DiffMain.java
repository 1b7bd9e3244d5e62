package io.usocket.diff;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the differential harness from the command line and writes target/diff-report.txt:
 * {@code mvn -B -q test-compile exec:java -Dexec.mainClass=io.usocket.diff.DiffMain
 * -Dexec.args="--seed 42 --count 1 --verbose"}. {@code --verbose} prints every scenario with
 * node's and Java's traces side by side.
 */
public final class DiffMain {
    private DiffMain() {
    }

    /**
     * Arguments: {@code --seed N} (default 1), {@code --count N} (default 200), {@code --verbose}
     * (every scenario side by side), {@code --mismatches} (only those that differ).
     */
    public static void main(String[] args) throws Exception {
        long seed = 1;
        int count = 200;
        boolean verbose = false;
        boolean mismatchesOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--verbose" -> verbose = true;
                case "--mismatches" -> {
                    verbose = true;
                    mismatchesOnly = true;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (use --seed N --count N --verbose --mismatches)");
            }
        }
        DiffRun.Result r = DiffRun.run(seed, count, Path.of("target", "diff-work"), System.out);
        if (verbose) {
            for (DiffRun.Outcome o : r.compared()) {
                if (!mismatchesOnly || !o.diff().matches()) System.out.println(sideBySide(o));
            }
            if (!r.unstable().isEmpty()) System.out.println("unstable on node (not compared): " + r.unstable());
        }
        Files.writeString(Path.of("target", "diff-report.txt"), r.report(), StandardCharsets.UTF_8);
        System.out.println(r.summary());
        System.out.println("report: target/diff-report.txt");
        // Abandoned (hung) Java loops live on daemon threads: leave without waiting for them.
        System.exit(0);
    }

    /**
     * The scenario, the verdict, and both traces aligned on their longest common subsequence:
     * an entry only node has is marked {@code <}, one only Java has {@code >}.
     */
    static String sideBySide(DiffRun.Outcome o) {
        StringBuilder b = new StringBuilder();
        b.append(o.scenario().describe());
        b.append(o.diff().matches() ? "MATCH\n" : "MISMATCH\n" + o.diff().context());
        List<String> n = o.node().entries();
        List<String> j = o.java().entries();
        int[][] lcs = new int[n.size() + 1][j.size() + 1];
        for (int x = n.size() - 1; x >= 0; x--) {
            for (int y = j.size() - 1; y >= 0; y--) {
                lcs[x][y] = n.get(x).equals(j.get(y)) ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
            }
        }
        b.append(String.format("   %-44s | %s%n", "node", "java (" + o.java().status() + ")"));
        int x = 0;
        int y = 0;
        while (x < n.size() || y < j.size()) {
            if (x < n.size() && y < j.size() && n.get(x).equals(j.get(y))) {
                b.append(String.format("   %-44s | %s%n", n.get(x++), j.get(y++)));
            } else if (y >= j.size() || x < n.size() && lcs[x + 1][y] >= lcs[x][y + 1]) {
                b.append(String.format(" < %-44s |%n", n.get(x++)));
            } else {
                b.append(String.format(" > %-44s | %s%n", "", j.get(y++)));
            }
        }
        return b.toString();
    }
}
