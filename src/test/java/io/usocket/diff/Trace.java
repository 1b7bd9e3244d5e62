package io.usocket.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What one interpreter saw of one scenario: entries {@code "OBJ what"} in global order, and a
 * status: {@code ok}, {@code TIMEOUT} (still busy after its time), {@code HANG} (Java's loop
 * stopped answering) or {@code MISSING} (node printed nothing for it). {@code revivedEarly}
 * (Java's side only) names the sockets connect() revived before their destroy's tick ran, where
 * node differs on purpose (docs/differences.md).
 */
record Trace(long seed, String status, List<String> entries, Set<String> revivedEarly) {

    Trace(long seed, String status, List<String> entries) {
        this(seed, status, entries, Set.of());
    }

    /** The entries of one object, in order. */
    List<String> of(String obj) {
        List<String> out = new ArrayList<>();
        for (String e : entries) if (objectOf(e).equals(obj)) out.add(e);
        return out;
    }

    /** The objects the trace mentions, in order of first appearance. */
    List<String> objects() {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            String o = objectOf(e);
            if (!out.contains(o)) out.add(o);
        }
        return out;
    }

    static String objectOf(String entry) {
        int sp = entry.indexOf(' ');
        return sp < 0 ? entry : entry.substring(0, sp);
    }
}
