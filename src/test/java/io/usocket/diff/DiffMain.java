package io.usocket.diff;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the differential harness from the command line and writes target/diff-report.txt:
 * {@code mvn -B -q test-compile exec:java -Dexec.mainClass=io.usocket.diff.DiffMain
 * -Dexec.args="--seed 42 --count 1 --verbose"}. {@code --verbose} prints every scenario with
 * node's and Java's traces side by side.
 */
public final class DiffMain {
    private DiffMain() {
    }

    /** Arguments: {@code --seed N} (default 1), {@code --count N} (default 200), {@code --verbose}. */
    public static void main(String[] args) throws Exception {
        long seed = 1;
        int count = 200;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--verbose" -> verbose = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (use --seed N --count N --verbose)");
            }
        }
        DiffRun.Result r = DiffRun.run(seed, count, Path.of("target", "diff-work"), System.out);
        if (verbose) {
            for (DiffRun.Outcome o : r.compared()) System.out.println(sideBySide(o));
            if (!r.unstable().isEmpty()) System.out.println("unstable on node (not compared): " + r.unstable());
        }
        Files.writeString(Path.of("target", "diff-report.txt"), r.report(), StandardCharsets.UTF_8);
        System.out.println(r.summary());
        System.out.println("report: target/diff-report.txt");
        // Abandoned (hung) Java loops live on daemon threads: leave without waiting for them.
        System.exit(0);
    }

    static String sideBySide(DiffRun.Outcome o) {
        StringBuilder b = new StringBuilder();
        b.append(o.scenario().describe());
        b.append(o.diff().matches() ? "MATCH\n" : "MISMATCH\n" + o.diff().context());
        var n = o.node().entries();
        var j = o.java().entries();
        b.append(String.format("   %-44s | %s%n", "node", "java (" + o.java().status() + ")"));
        for (int i = 0; i < Math.max(n.size(), j.size()); i++) {
            String a = i < n.size() ? n.get(i) : "";
            String c = i < j.size() ? j.get(i) : "";
            b.append(a.equals(c) ? "   " : " ≠ ").append(String.format("%-44s | %s%n", a, c));
        }
        return b.toString();
    }
}
