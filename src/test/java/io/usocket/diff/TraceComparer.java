package io.usocket.diff;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares node's trace of a scenario with Java's: each object's own events first (what a
 * listener on that object sees), then the global order. The first difference found is the one
 * reported, with its neighbours.
 */
final class TraceComparer {
    private TraceComparer() {
    }

    /**
     * The verdict on one scenario. {@code where} is {@code "match"}, {@code "HANG"},
     * {@code "TIMEOUT"}, an object name (its own sequence differs) or {@code "global"}
     * (every object agrees, the interleaving does not); {@code index} is the position in that
     * sequence; {@code nodeEntry}/{@code javaEntry} the differing entries ({@code "<end>"} when
     * one sequence is shorter).
     */
    record Difference(String where, int index, String nodeEntry, String javaEntry, List<String> nodeSeq, List<String> javaSeq) {
        boolean matches() {
            return where.equals("match");
        }

        /** A short key grouping differences of one kind: payloads and counts blanked out. */
        String kind() {
            if (!matches() && (where.equals("HANG") || where.equals("TIMEOUT"))) return where + ": java " + normalize(javaEntry);
            String scope = where.equals("global") ? "global" : where.replaceAll("[0-9]", "");
            return scope + ": node " + normalize(nodeEntry) + " | java " + normalize(javaEntry);
        }

        /** The differing position with up to 3 entries of context either side, node | java. */
        String context() {
            StringBuilder b = new StringBuilder();
            b.append("  first difference in ").append(where.equals("global") ? "the global order" : where)
                    .append(" at #").append(index).append(": node '").append(nodeEntry).append("' vs java '").append(javaEntry).append("'\n");
            int from = Math.max(0, index - 3);
            int to = Math.max(Math.min(index + 4, nodeSeq.size()), Math.min(index + 4, javaSeq.size()));
            for (int i = from; i < to; i++) {
                String n = i < nodeSeq.size() ? nodeSeq.get(i) : "";
                String j = i < javaSeq.size() ? javaSeq.get(i) : "";
                b.append(i == index ? "  > " : "    ").append(String.format("%-40s | %s", n, j)).append('\n');
            }
            return b.toString();
        }
    }

    static Difference compare(Trace node, Trace java) {
        if (!java.status().equals("ok")) {
            List<String> j = java.entries();
            return new Difference(java.status(), j.size() - 1, "", j.isEmpty() ? "" : j.get(j.size() - 1), node.entries(), j);
        }
        Set<String> objects = new LinkedHashSet<>(node.objects());
        objects.addAll(java.objects());
        for (String obj : objects) {
            Difference d = firstDifference(obj, node.of(obj), java.of(obj));
            if (d != null) return d;
        }
        Difference d = firstDifference("global", node.entries(), java.entries());
        return d != null ? d : new Difference("match", -1, null, null, node.entries(), java.entries());
    }

    private static Difference firstDifference(String where, List<String> n, List<String> j) {
        int len = Math.max(n.size(), j.size());
        for (int i = 0; i < len; i++) {
            String a = i < n.size() ? n.get(i) : "<end>";
            String b = i < j.size() ? j.get(i) : "<end>";
            if (!a.equals(b)) return new Difference(where, i, a, b, new ArrayList<>(n), new ArrayList<>(j));
        }
        return null;
    }

    /** Blanks out what varies between scenarios of one kind: object numbers, payloads, sizes. */
    static String normalize(String entry) {
        if (entry == null) return "";
        return entry.replaceAll("\\b([cs])[0-9]\\b", "$1N")
                .replaceAll("([bs]:)[^ ]*", "$1…")
                .replaceAll("\\(([A-Z][0-9]+|[0-9]+)\\)", "(…)")
                .replaceAll("=([A-Z][0-9]+[A-Z0-9]*|#[0-9]+)$", "=…")
                .replaceAll("\\b(rl|wl|br|bw)=[0-9]+", "$1=n");
    }
}
