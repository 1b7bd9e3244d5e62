package io.usocket.diff;

import io.usocket.diff.TraceComparer.Difference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness's own parts: the comparer's verdicts and the generator's determinism. */
class TraceComparerTest {
    private static Trace trace(String status, String... entries) {
        return new Trace(1, status, List.of(entries));
    }

    @Test
    void identicalTracesMatch() {
        Difference d = TraceComparer.compare(trace("ok", "c1 connect", "s1 data b:a0"), trace("ok", "c1 connect", "s1 data b:a0"));
        assertTrue(d.matches());
    }

    @Test
    void anObjectsOwnOrderIsComparedBeforeTheGlobalOrder() {
        // c1's own sequence differs (ready before write-cb) and so does the global order earlier on:
        // the per-object difference is the one reported.
        Difference d = TraceComparer.compare(
                trace("ok", "s1 data b:x", "c1 connect", "c1 write-cb(A0) null", "c1 ready"),
                trace("ok", "c1 connect", "s1 data b:x", "c1 ready", "c1 write-cb(A0) null"));
        assertEquals("c1", d.where());
        assertEquals(1, d.index());
        assertEquals("c1 write-cb(A0) null", d.nodeEntry());
        assertEquals("c1 ready", d.javaEntry());
        assertEquals("c: node cN write-cb(…) null | java cN ready", d.kind());
    }

    @Test
    void aDifferenceOnlyInTheInterleavingIsGlobal() {
        Difference d = TraceComparer.compare(
                trace("ok", "c1 connect", "server connection", "c1 ready"),
                trace("ok", "server connection", "c1 connect", "c1 ready"));
        assertEquals("global", d.where());
        assertEquals(0, d.index());
    }

    @Test
    void aMissingTailIsADifference() {
        Difference d = TraceComparer.compare(trace("ok", "c1 connect", "c1 close false"), trace("ok", "c1 connect"));
        assertEquals("c1", d.where());
        assertEquals("<end>", d.javaEntry());
    }

    @Test
    void aHangIsAMismatchWhateverTheTrace() {
        Difference d = TraceComparer.compare(trace("ok", "c1 connect"), trace("HANG", "c1 connect", "main HANG"));
        assertEquals("HANG", d.where());
    }

    @Test
    void aListedDifferenceExplainsAMismatchByItsFirstDifferingEntry() {
        Difference d = TraceComparer.compare(trace("ok", "c1 connect", "c1 ready"), trace("ok", "c1 connect", "c1 connected"));
        assertEquals("^c\\d ready$", DiffRun.explain(List.of("EPIPE", "^c\\d ready$"), d));
        assertEquals("connected", DiffRun.explain(List.of("connected"), d));
        assertEquals(null, DiffRun.explain(List.of("EPIPE"), d));
    }

    @Test
    void aSocketRevivedBeforeItsDestroysTickExplainsItsOwnMismatchesOnly() {
        Trace node = trace("ok", "c1 close undefined", "c1 connect", "c2 connect");
        Trace java = new Trace(1, "ok", List.of("c1 close undefined", "c1 connect", "c1 end", "c2 connect"), Set.of("c1"));
        Difference d = TraceComparer.compare(node, java);
        assertEquals("c1", d.where());
        assertEquals("revived in its own destroy's tick", DiffRun.explain(List.of(), d, node, java));
        Trace other = new Trace(1, "ok", List.of("c1 close undefined", "c1 connect", "c1 end", "c2 connect"), Set.of("c2"));
        assertEquals(null, DiffRun.explain(List.of(), TraceComparer.compare(node, other), node, other));
    }

    @Test
    void theSameTextAsBytesInNodeAndAStringInJavaIsTheUnshiftDifference() {
        Trace node = trace("ok", "c1 setEncoding", "c1 data b:C2");
        Trace java = trace("ok", "c1 setEncoding", "c1 data s:C2");
        assertEquals("an unshifted chunk after setEncoding", DiffRun.explain(List.of(), TraceComparer.compare(node, java), node, java));
        Trace other = trace("ok", "c1 setEncoding", "c1 data s:C3");
        assertEquals(null, DiffRun.explain(List.of(), TraceComparer.compare(node, other), node, other));
    }

    @Test
    void aSeedAlwaysGivesTheSameScenario() {
        assertEquals(ScenarioGenerator.generate(42).toJson(), ScenarioGenerator.generate(42).toJson());
        assertTrue(!ScenarioGenerator.generate(42).toJson().equals(ScenarioGenerator.generate(43).toJson()));
    }
}
