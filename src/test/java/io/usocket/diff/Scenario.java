package io.usocket.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * One differential scenario: a server, 1-3 clients and rules "on OBJ's nth EVENT, (after
 * DEFER) do OPS". Both interpreters (src/test/resources/diff/interp.js and
 * {@link JavaInterpreter}) read the same description; {@link #toJson()} is what node reads.
 *
 * <p>The server listens on a fresh path ({@code listenPath} {@code ok}), one a regular file
 * already holds ({@code taken}: EADDRINUSE) or one in a missing directory ({@code nodir}:
 * ENOENT). A client's target is the server's path ({@code ok}), a missing one ({@code missing}:
 * ENOENT) or a regular file ({@code file}: ECONNREFUSED).
 *
 * <p>Objects: {@code server}, clients {@code c1..c3}, server-side sockets {@code s1..s3} in
 * accept order, and {@code main} (its one event, {@code start}, fires after set-up). Server-side
 * sockets also have the pseudo-event {@code accepted} (fired once, right after the server's
 * {@code 'connection'}).
 */
record Scenario(long seed, int clients, List<Boolean> clientHalfOpen, List<String> clientTargets,
                boolean serverHalfOpen, int maxConnections, String listenPath,
                List<String> noData, List<Rule> rules) {

    /** When {@code obj} emits its {@code nth} {@code event}: after {@code defer}, run {@code ops}. */
    record Rule(String obj, String event, int nth, String defer, List<Op> ops) {
    }

    /**
     * One call on {@code target}. Which fields matter depends on {@code op}: write(data, cb),
     * writeBig(size), end(data?, cb), destroy(err), read(n; -1 = read()), onReadable(drain),
     * pipe(dst, end), unshift(data), setTimeout(ms), close(cb, server only); the rest take none.
     * {@code state} logs readyState, destroyed, readableLength, writableLength, bytesRead and
     * bytesWritten.
     */
    record Op(String target, String op, String data, boolean cb, int n, boolean err, boolean drain,
              String dst, boolean end, int ms, int size) {
        static Op of(String target, String op) {
            return new Op(target, op, null, false, 0, false, false, null, false, 0, 0);
        }

        String describe() {
            StringBuilder b = new StringBuilder(target).append('.').append(op).append('(');
            switch (op) {
                case "write" -> b.append(data).append(cb ? ", cb" : "");
                case "writeBig" -> b.append(size);
                case "end" -> b.append(data == null ? "" : data).append(cb ? (data == null ? "cb" : ", cb") : "");
                case "destroy" -> b.append(err ? "EBOOM" : "");
                case "read" -> b.append(n < 0 ? "" : Integer.toString(n));
                case "onReadable" -> b.append(drain ? "drain" : "");
                case "pipe" -> b.append(dst).append(", end=").append(end);
                case "unshift" -> b.append(data);
                case "setTimeout" -> b.append(ms);
                default -> { }
            }
            return b.append(')').toString();
        }
    }

    /** A readable form for reports: one rule a line. */
    String describe() {
        StringBuilder b = new StringBuilder();
        b.append("seed ").append(seed).append(": server(allowHalfOpen=").append(serverHalfOpen)
                .append(maxConnections > 0 ? ", maxConnections=" + maxConnections : "")
                .append(listenPath.equals("ok") ? "" : ", listen path " + listenPath).append(")");
        for (int i = 0; i < clients; i++) {
            b.append(", c").append(i + 1).append("(allowHalfOpen=").append(clientHalfOpen.get(i))
                    .append(", target=").append(clientTargets.get(i)).append(")");
        }
        if (!noData.isEmpty()) b.append(", no 'data' listener on ").append(noData);
        b.append('\n');
        for (Rule r : rules) {
            List<String> ops = new ArrayList<>();
            for (Op op : r.ops()) ops.add(op.describe());
            b.append("  on ").append(r.obj()).append(" '").append(r.event()).append("' #").append(r.nth())
                    .append(" [").append(r.defer()).append("] do ").append(String.join("; ", ops)).append('\n');
        }
        return b.toString();
    }

    /** The JSON line node's interpreter reads. */
    String toJson() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"seed\":").append(seed).append(",\"clients\":").append(clients);
        b.append(",\"clientHalfOpen\":").append(clientHalfOpen);
        b.append(",\"clientTargets\":").append(strings(clientTargets));
        b.append(",\"serverHalfOpen\":").append(serverHalfOpen);
        b.append(",\"maxConnections\":").append(maxConnections);
        b.append(",\"listenPath\":").append(str(listenPath));
        b.append(",\"noData\":").append(strings(noData));
        b.append(",\"rules\":[");
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (i > 0) b.append(',');
            b.append("{\"obj\":").append(str(r.obj())).append(",\"event\":").append(str(r.event()))
                    .append(",\"nth\":").append(r.nth()).append(",\"defer\":").append(str(r.defer())).append(",\"ops\":[");
            for (int j = 0; j < r.ops().size(); j++) {
                Op o = r.ops().get(j);
                if (j > 0) b.append(',');
                b.append("{\"target\":").append(str(o.target())).append(",\"op\":").append(str(o.op()))
                        .append(",\"data\":").append(str(o.data())).append(",\"cb\":").append(o.cb())
                        .append(",\"n\":").append(o.n()).append(",\"err\":").append(o.err())
                        .append(",\"drain\":").append(o.drain()).append(",\"dst\":").append(str(o.dst()))
                        .append(",\"end\":").append(o.end()).append(",\"ms\":").append(o.ms())
                        .append(",\"size\":").append(o.size()).append('}');
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    private static String strings(List<String> list) {
        List<String> quoted = new ArrayList<>();
        for (String s : list) quoted.add(str(s));
        return "[" + String.join(",", quoted) + "]";
    }

    private static String str(String s) {
        // Scenario strings are generated ASCII names and payloads: no escaping needed beyond quotes.
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
