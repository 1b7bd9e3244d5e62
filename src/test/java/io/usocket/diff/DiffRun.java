package io.usocket.diff;

import io.usocket.diff.TraceComparer.Difference;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One differential run: scenarios {@code seed .. seed+count-1}, node run twice plain, once
 * jittered and once slowed (every event busy-waits past the next millisecond, so timers fall due
 * early); scenarios whose node traces differ are unstable: excluded and counted. Java runs once,
 * stable ones compared; a mismatch is confirmed by five more node runs of its scenario (one node
 * does not repeat is unstable after all). {@link Result#report()} is the text written to target/diff-report.txt.
 */
final class DiffRun {
    private static final Pattern HARNESS_LINE = Pattern.compile("^\\s*[-*]?\\s*Harness:\\s*`([^`]+)`", Pattern.MULTILINE);

    /** One compared scenario. */
    record Outcome(Scenario scenario, Trace node, Trace java, Difference diff, String explainedBy) {
    }

    /** All outcomes of a run plus the counts of what was excluded. */
    record Result(long seed, int count, List<Outcome> compared, List<Long> unstable) {
        long matched() {
            return compared.stream().filter(o -> o.diff().matches()).count();
        }

        List<Outcome> mismatches() {
            return compared.stream().filter(o -> !o.diff().matches()).toList();
        }

        List<Outcome> unexplained() {
            return compared.stream().filter(o -> !o.diff().matches() && o.explainedBy() == null).toList();
        }

        double matchPercent() {
            return compared.isEmpty() ? 100.0 : 100.0 * matched() / compared.size();
        }

        String summary() {
            long hangs = compared.stream().filter(o -> o.diff().where().equals("HANG")).count();
            long globalOnly = compared.stream().filter(o -> o.diff().where().equals("global")).count();
            double perObject = compared.isEmpty() ? 100.0 : 100.0 * (matched() + globalOnly) / compared.size();
            return String.format("diff: %d scenarios from seed %d, %d unstable on node (excluded), %d/%d match (%.1f%%; per object %.1f%%), %d mismatches (%d only in the global interleaving, %d explained by docs/differences.md), %d hangs",
                    count, seed, unstable.size(), matched(), compared.size(), matchPercent(), perObject, mismatches().size(),
                    globalOnly, mismatches().size() - unexplained().size(), hangs);
        }

        /** Summary, mismatch kinds by frequency, then each mismatch with its first difference. */
        String report() {
            StringBuilder b = new StringBuilder(summary()).append("\n\n");
            Map<String, List<Long>> kinds = new LinkedHashMap<>();
            for (Outcome o : mismatches()) kinds.computeIfAbsent(o.diff().kind(), k -> new ArrayList<>()).add(o.scenario().seed());
            b.append("Mismatch kinds (count, first seeds):\n");
            kinds.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, List<Long>> e) -> -e.getValue().size()))
                    .forEach(e -> b.append(String.format("%5d  %s   seeds %s%n", e.getValue().size(), e.getKey(),
                            e.getValue().subList(0, Math.min(5, e.getValue().size())))));
            b.append("\nUnstable on node (excluded): ").append(unstable).append("\n\n");
            for (Outcome o : mismatches()) {
                b.append("MISMATCH seed ").append(o.scenario().seed())
                        .append(o.explainedBy() != null ? " (explained: " + o.explainedBy() + ")" : "").append('\n');
                b.append(indent(o.scenario().describe()));
                b.append(o.diff().context()).append('\n');
            }
            return b.toString();
        }
    }

    private DiffRun() {
    }

    static Result run(long seed, int count, Path work, PrintStream progress) throws IOException, InterruptedException {
        Files.createDirectories(work);
        List<Scenario> scenarios = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Scenario sc = ScenarioGenerator.generate(seed + i);
            scenarios.add(sc);
            jsonl.append(sc.toJson()).append('\n');
        }
        Path file = work.resolve("scenarios.jsonl");
        Files.writeString(file, jsonl, StandardCharsets.UTF_8);

        // Node's three runs go on in the background while Java works through the same scenarios.
        NodeInterpreter.Batch plain = NodeInterpreter.start(file, work, "node-plain", 0, count);
        NodeInterpreter.Batch jittered = NodeInterpreter.start(file, work, "node-jitter", seed * 31 + 7, count);
        NodeInterpreter.Batch again = NodeInterpreter.start(file, work, "node-again", 0, count);
        NodeInterpreter.Batch slowed = NodeInterpreter.start(file, work, "node-slow", 0, true, count);
        Map<Long, Trace> java = new LinkedHashMap<>();
        Path sockets = Files.createTempDirectory("usocket-diff-java");
        try {
            JavaInterpreter interpreter = new JavaInterpreter(sockets);
            for (Scenario sc : scenarios) {
                java.put(sc.seed(), interpreter.run(sc));
                if (progress != null && java.size() % 50 == 0) progress.println("diff: java " + java.size() + "/" + count);
            }
        } finally {
            deleteTree(sockets);
        }
        Map<Long, Trace> a = plain.traces();
        Map<Long, Trace> b = jittered.traces();
        Map<Long, Trace> c = again.traces();
        Map<Long, Trace> slow = slowed.traces();

        List<String> explanations = explanations();
        List<Outcome> compared = new ArrayList<>();
        List<Long> unstable = new ArrayList<>();
        for (Scenario sc : scenarios) {
            Trace n = a.get(sc.seed());
            if (!stable(n, b.get(sc.seed()), c.get(sc.seed()), slow.get(sc.seed()))) {
                unstable.add(sc.seed());
                continue;
            }
            Trace j = java.get(sc.seed());
            Difference d = TraceComparer.compare(n, j);
            compared.add(new Outcome(sc, n, j, d, d.matches() ? null : explain(explanations, d, n, j)));
        }
        List<Long> racy = confirm(compared, work);
        compared.removeIf(o -> racy.contains(o.scenario().seed()));
        unstable.addAll(racy);
        unstable.sort(null);
        return new Result(seed, count, compared, unstable);
    }

    /**
     * The seeds of mismatching scenarios that node itself does not repeat: node runs each of them
     * five more times (twice plain, twice jittered, once slowed), and one whose trace then differs from its
     * first is unstable on node, not a difference of the library. Four agreeing runs can hide a
     * race node wins most of the time (CI saw a 1 ms socket timeout against a connection pass
     * them once, then go the other way in Java); a real difference survives nine. Java must repeat
     * its side too: a scenario Java runs three more times and once orders as node does is a race
     * of its own speed (a cold JVM on CI took over a millisecond to reach the next timers phase,
     * so a 1 ms socket timeout beat bytes already waiting), not a difference.
     */
    private static List<Long> confirm(List<Outcome> compared, Path work) throws IOException, InterruptedException {
        List<Outcome> mismatched = compared.stream().filter(o -> !o.diff().matches()).toList();
        if (mismatched.isEmpty()) return List.of();
        StringBuilder jsonl = new StringBuilder();
        for (Outcome o : mismatched) jsonl.append(o.scenario().toJson()).append('\n');
        Path file = work.resolve("mismatched.jsonl");
        Files.writeString(file, jsonl, StandardCharsets.UTF_8);
        int n = mismatched.size();
        List<NodeInterpreter.Batch> batches = List.of(
                NodeInterpreter.start(file, work, "node-confirm-plain1", 0, n),
                NodeInterpreter.start(file, work, "node-confirm-plain2", 0, n),
                NodeInterpreter.start(file, work, "node-confirm-jitter1", 1_000_003L, n),
                NodeInterpreter.start(file, work, "node-confirm-jitter2", 2_000_003L, n),
                NodeInterpreter.start(file, work, "node-confirm-slow", 0, true, n));
        List<Map<Long, Trace>> runs = new ArrayList<>();
        for (NodeInterpreter.Batch b : batches) runs.add(b.traces());
        List<Long> racy = new ArrayList<>();
        for (Outcome o : mismatched) {
            long sd = o.scenario().seed();
            // A run that gave no trace for it (node failed) is no evidence either way.
            Trace[] again = runs.stream().map(r -> r.get(sd)).filter(t -> t != null).toArray(Trace[]::new);
            if (again.length > 0 && !stable(o.node(), again)) racy.add(sd);
            else if (javaMatchesOnceMore(o)) racy.add(sd);
        }
        return racy;
    }

    /** Whether one of three more Java runs of {@code o}'s scenario gives node's trace. */
    private static boolean javaMatchesOnceMore(Outcome o) throws IOException {
        Path sockets = Files.createTempDirectory("usocket-diff-java");
        try {
            JavaInterpreter interpreter = new JavaInterpreter(sockets);
            for (int i = 0; i < 3; i++) {
                if (TraceComparer.compare(o.node(), interpreter.run(o.scenario())).matches()) return true;
            }
            return false;
        } finally {
            deleteTree(sockets);
        }
    }

    /** Node gave the same ok trace on every run: plain, again, jittered and slowed. */
    private static boolean stable(Trace a, Trace... others) {
        if (a == null || !a.status().equals("ok")) return false;
        for (Trace o : others) {
            if (o == null || !a.status().equals(o.status()) || !a.entries().equals(o.entries())) return false;
        }
        return true;
    }

    /**
     * The regular expressions of docs/differences.md's {@code Harness: `regex`} lines: an entry
     * with one explains every mismatch whose first differing node or Java entry it finds.
     */
    static List<String> explanations() throws IOException {
        Path doc = Path.of("docs", "differences.md");
        List<String> out = new ArrayList<>();
        if (!Files.exists(doc)) return out;
        Matcher m = HARNESS_LINE.matcher(Files.readString(doc));
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /**
     * Why a difference is intended, or null. Two entries of docs/differences.md the harness
     * recognises from the traces: a socket connect() revived before its destroy's tick ran, whose
     * own trace differs ("A socket revived in its own destroy's tick can still end"; the first
     * difference may show in an object that socket's events drive), and a chunk node emits as
     * bytes where Java emits the same text as a string ({@code unshift()} after
     * {@code setEncoding}). Otherwise the first of {@code explanations} that finds the node or
     * Java entry at the difference.
     */
    static String explain(List<String> explanations, Difference d, Trace node, Trace java) {
        if (node != null && java != null) {
            for (String obj : java.revivedEarly()) {
                if (!node.of(obj).equals(java.of(obj))) return "revived in its own destroy's tick";
            }
        }
        String n = d.nodeEntry();
        String j = d.javaEntry();
        if (n != null && j != null && n.contains(" data b:") && n.replace(" data b:", " data s:").equals(j)) {
            return "an unshifted chunk after setEncoding";
        }
        return explain(explanations, d);
    }

    /** The first of {@code explanations} that finds the node or Java entry at the difference, or null. */
    static String explain(List<String> explanations, Difference d) {
        for (String re : explanations) {
            Pattern p = Pattern.compile(re);
            if (d.nodeEntry() != null && p.matcher(d.nodeEntry()).find()) return re;
            if (d.javaEntry() != null && p.matcher(d.javaEntry()).find()) return re;
        }
        return null;
    }

    private static String indent(String text) {
        return "  " + text.strip().replace("\n", "\n  ") + "\n";
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
