package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Expected orders come from the node v20 run in spec/node 20 (a recorded run).out. */
class EventEmitterTest {
    private final List<String> log = new ArrayList<>();

    /** Records leak warnings instead of only logging them. */
    static final class Recording extends EventEmitter {
        final List<String> warnings = new ArrayList<>();

        @Override
        protected void onMaxListenersExceeded(String event, int count) {
            warnings.add(event + ":" + count);
            super.onMaxListenersExceeded(event, count);
        }
    }

    private Runnable rec(String s) {
        return () -> log.add(s);
    }

    @Test
    void orderPrependOnceThenPrependThenOnAndOnceAsAdded() {   // N1, lines 001-012
        EventEmitter e = new EventEmitter();
        e.on("x", rec("A on"));
        e.on("x", rec("B on"));
        e.prependListener("x", rec("C prepend"));
        e.once("x", rec("D once"));
        e.prependOnceListener("x", rec("E prependOnce"));
        log.add("emit#1 " + e.emit("x"));
        log.add("emit#2 " + e.emit("x"));
        assertEquals(List.of("E prependOnce", "C prepend", "A on", "B on", "D once", "emit#1 true",
                "C prepend", "A on", "B on", "emit#2 true"), log);
        assertEquals(3, e.listenerCount("x"));
    }

    @Test
    void emitReturnsWhetherAnyListenerRan() {
        EventEmitter e = new EventEmitter();
        assertFalse(e.emit("nothing"));
        e.on("a", () -> { });
        assertTrue(e.emit("a"));
        assertFalse(e.emit("b"));
        assertEquals(0, e.listenerCount("b"));
    }

    @Test
    void consumerGetsFirstArgumentOrNullAndRunnableIgnoresArguments() {
        EventEmitter e = new EventEmitter();
        List<Object> got = new ArrayList<>();
        e.on("a", (Object v) -> got.add(v));
        e.on("a", () -> got.add("runnable"));
        e.on("n", (Integer v) -> got.add(v + 1));
        e.emit("a", 1, "two");
        e.emit("a");
        e.emit("n", 41);
        assertEquals(java.util.Arrays.asList(1, "runnable", null, "runnable", 42), got);
    }

    @Test
    void chainingReturnsTheEmitter() {
        EventEmitter e = new EventEmitter();
        Runnable r = () -> { };
        assertSame(e, e.on("a", r).once("b", r).prependListener("c", r).prependOnceListener("d", r));
        assertSame(e, e.off("a", r).removeListener("b", r).removeAllListeners("c").removeAllListeners());
        assertSame(e, e.setMaxListeners(3));
    }

    @Test
    void errorWithoutListenerRethrowsRuntimeExceptionAndErrorThemselves() {   // N2, line 017
        EventEmitter e = new EventEmitter();
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> e.emit("error", boom)));
        AssertionError err = new AssertionError("bad");
        assertSame(err, assertThrows(AssertionError.class, () -> e.emit("error", err)));
    }

    @Test
    void errorWithoutListenerWrapsCheckedThrowable() {
        IOException io = new IOException("io");
        USocketException x = assertThrows(USocketException.class,
                () -> new EventEmitter().emit("error", io));
        assertEquals("ERR_UNHANDLED_ERROR", x.code());
        assertSame(io, x.getCause());
    }

    @Test
    void errorWithoutListenerNonThrowableIsUnhandledError() {   // N2, lines 018-020
        EventEmitter e = new EventEmitter();
        assertEquals("Unhandled error. ('str')", unhandled(e, "str"));
        assertEquals("Unhandled error. (undefined)", unhandled(e));
        assertEquals("Unhandled error. (undefined)", unhandled(e, (Object) null));
        assertEquals("Unhandled error. (42)", unhandled(e, 42));
        assertEquals("Unhandled error. (\"it's\")", unhandled(e, "it's"));
    }

    @Test
    void everyFormOfEmitGivesTheListenerTheSameArgument() {   // decisions D93: the overloads
        EventEmitter e = new EventEmitter();
        List<Object> got = new ArrayList<>();
        e.on("x", (Object a) -> got.add(a == null ? "null" : a));
        assertTrue(e.emit("x"));
        assertTrue(e.emit("x", "one"));
        assertTrue(e.emit("x", "first", "second"));
        assertTrue(e.emit("x", new Object[] {"in an array"}));
        assertTrue(e.emit("x", (Object[]) null));
        assertTrue(e.emit("x", new Object[0]));
        assertEquals(List.of("null", "one", "first", "in an array", "null", "null"), got);
        assertFalse(e.emit("y"));
        assertFalse(e.emit("y", "one"));
        USocketException x = assertThrows(USocketException.class, () -> e.emit("error"));
        assertEquals("Unhandled error. (undefined)", x.getMessage());
    }

    private static String unhandled(EventEmitter e, Object... args) {
        USocketException x = assertThrows(USocketException.class, () -> e.emit("error", args));
        assertEquals("ERR_UNHANDLED_ERROR", x.code());
        return x.getMessage();
    }

    @Test
    void errorWithListenerIsHandled() {   // lines 021-022
        EventEmitter e = new EventEmitter();
        e.on("error", (RuntimeException er) -> log.add("got error " + er.getMessage()));
        assertTrue(e.emit("error", new RuntimeException("handled")));
        assertEquals(List.of("got error handled"), log);
    }

    @Test
    void throwingListenerAbortsEmitAndPropagatesUnchanged() {   // N3, lines 025-026
        EventEmitter e = new EventEmitter();
        RuntimeException thrown = new RuntimeException("listener threw");
        e.on("t", () -> {
            log.add("first");
            throw thrown;
        });
        e.on("t", rec("second (should not run)"));
        assertSame(thrown, assertThrows(RuntimeException.class, () -> e.emit("t")));
        assertEquals(List.of("first"), log);
    }

    @Test
    void onceIsRemovedBeforeItRuns() {   // N4, lines 027-028
        EventEmitter e = new EventEmitter();
        e.once("o", (String v) -> {
            log.add("once got " + v + " count during = " + e.listenerCount("o"));
            e.emit("o", "nested");
        });
        e.emit("o", "outer");
        log.add("after " + e.listenerCount("o"));
        assertEquals(List.of("once got outer count during = 0", "after 0"), log);
    }

    @Test
    void onceRunsOnlyOnceWhenANestedEmitReachesItFirst() {   // node v20: "A,A,B", count 1
        EventEmitter e = new EventEmitter();
        int[] depth = {0};
        e.on("x", () -> {
            log.add("A");
            if (depth[0]++ == 0) e.emit("x");
        });
        e.once("x", rec("B"));
        assertTrue(e.emit("x"));
        assertEquals(List.of("A", "A", "B"), log);
        assertEquals(1, e.listenerCount("x"));
    }

    @Test
    void onceIsRemovableByTheOriginalListener() {   // N4, lines 029-030
        EventEmitter e = new EventEmitter();
        Runnable f = rec("should not run");
        e.once("o", f);
        assertSame(f, e.listeners("o").get(0));
        e.removeListener("o", f);
        assertEquals(0, e.listenerCount("o"));
        assertFalse(e.emit("o"));
        assertEquals(List.of(), log);
    }

    @Test
    void listenerRemovedDuringEmitStillRunsInThatEmit() {   // N5, lines 031-034
        EventEmitter e = new EventEmitter();
        Runnable b = rec("B");
        e.on("r", () -> {
            log.add("A removes B");
            e.removeListener("r", b);
        });
        e.on("r", b);
        e.emit("r");
        log.add("second emit:");
        e.emit("r");
        assertEquals(List.of("A removes B", "B", "second emit:", "A removes B"), log);
    }

    @Test
    void listenerAddedDuringEmitWaitsForTheNextEmit() {   // N5, lines 035-038
        EventEmitter e = new EventEmitter();
        e.on("r", () -> {
            log.add("A adds C");
            e.on("r", rec("C"));
        });
        e.emit("r");
        log.add("second emit:");
        e.emit("r");
        assertEquals(List.of("A adds C", "second emit:", "A adds C", "C"), log);
    }

    @Test
    void removeAllListenersDuringEmitLetsTheSnapshotFinish() {   // N5, lines 039-041
        EventEmitter e = new EventEmitter();
        e.on("r", () -> {
            log.add("A removeAll");
            e.removeAllListeners("r");
        });
        e.on("r", rec("B still called"));
        e.emit("r");
        log.add("count " + e.listenerCount("r"));
        assertEquals(List.of("A removeAll", "B still called", "count 0"), log);
    }

    @Test
    void duplicateListenerRunsTwiceAndRemovalTakesTheLatestCopy() {   // N6, lines 042-046
        EventEmitter e = new EventEmitter();
        Consumer<Integer> f = tag -> log.add("f " + tag);
        Runnable g = rec("g");
        e.on("d", f).on("d", g).on("d", f);
        e.emit("d", 1);
        assertEquals(List.of("f 1", "g", "f 1"), log);
        e.removeListener("d", f);
        assertEquals(List.of(f, g), e.listeners("d"));
        e.removeListener("d", () -> { });   // unknown listener: no-op
        assertEquals(List.of(f, g), e.listeners("d"));
        e.off("d", f);
        assertEquals(List.of(g), e.listeners("d"));
    }

    @Test
    void newListenerAndRemoveListenerMetaEvents() {   // N7, lines 047-063
        EventEmitter e = new EventEmitter();
        boolean[] added = {false};
        e.on("newListener", (String ev) -> {
            log.add("newListener " + ev + " count = " + e.listenerCount(ev));
            if (ev.equals("z") && !added[0]) {
                added[0] = true;
                e.on("z", rec("added-from-newListener"));
            }
        });
        e.on("removeListener",
                (String ev) -> log.add("removeListener " + ev + " count = " + e.listenerCount(ev)));
        e.on("z", rec("zfn"));
        e.emit("z");
        e.once("q", rec("oncefn runs"));
        e.emit("q");
        e.on("y1", () -> { }).on("y1", () -> { });
        e.removeAllListeners("y1");
        log.add("removeAllListeners() with no arg:");
        e.removeAllListeners();
        assertEquals(List.of(
                "newListener removeListener count = 0",
                "newListener z count = 0",
                "newListener z count = 0",
                "added-from-newListener",
                "zfn",
                "newListener q count = 0",
                "removeListener q count = 0",
                "oncefn runs",
                "newListener y1 count = 0",
                "newListener y1 count = 1",
                "removeListener y1 count = 1",
                "removeListener y1 count = 0",
                "removeAllListeners() with no arg:",
                "removeListener newListener count = 0",
                "removeListener z count = 1",
                "removeListener z count = 0"), log);
        assertEquals(List.of(), e.eventNames());
    }

    @Test
    void removeAllListenersOfOneEventGoesLatestFirst() {   // N7, lines 055-058
        EventEmitter e = new EventEmitter();
        Runnable y1 = () -> { };
        Runnable y2 = () -> { };
        List<Object> removed = new ArrayList<>();
        EventEmitter spy = new EventEmitter() {
            @Override
            public boolean emit(String event, Object... args) {
                if (event.equals("removeListener")) removed.add(args[1]);
                return super.emit(event, args);
            }
        };
        spy.on("removeListener", () -> { });
        spy.on("y", y1).on("y", y2).on("y", y1);
        spy.removeAllListeners("y");
        assertEquals(List.of(y1, y2, y1), removed);
        assertEquals(0, spy.listenerCount("y"));
        e.on("y", y1).removeAllListeners("y");
        assertEquals(0, e.listenerCount("y"));
    }

    @Test
    void metaEventsCarryTheOriginalListenerAsSecondArgument() {
        List<Object[]> seen = new ArrayList<>();
        EventEmitter e = new EventEmitter() {
            @Override
            public boolean emit(String event, Object... args) {
                if (event.equals("newListener") || event.equals("removeListener")) {
                    seen.add(new Object[] {event, args[0], args[1]});
                }
                return super.emit(event, args);
            }
        };
        e.on("newListener", () -> { });
        e.on("removeListener", () -> { });
        Runnable f = () -> { };
        e.once("a", f);
        e.emit("a");
        assertEquals(3, seen.size());
        assertEquals(List.of("newListener", "removeListener"), List.of(seen.get(0)[0], seen.get(0)[1]));
        assertEquals(List.of("newListener", "a", f), List.of(seen.get(1)));
        assertEquals(List.of("removeListener", "a", f), List.of(seen.get(2)));
    }

    @Test
    void removeAllWithNoArgumentRemovesRemoveListenerListenersLast() {   // node v20 check
        EventEmitter e = new EventEmitter();
        Consumer<String> r2 = ev -> log.add("r2:" + ev);
        e.on("removeListener", (String ev) -> log.add("r1:" + ev));
        e.on("removeListener", r2);
        e.on("a", () -> { });
        e.removeAllListeners();
        assertEquals(List.of("r1:a", "r2:a", "r1:removeListener"), log);
        assertEquals(List.of(), e.eventNames());
    }

    @Test
    void eventNamesInOrderOfFirstListener() {   // line 064
        EventEmitter e = new EventEmitter();
        e.on("b", () -> { }).on("a", () -> { }).on("b", () -> { });
        assertEquals(List.of("b", "a"), e.eventNames());
        assertEquals(2, e.listenerCount("b"));
        e.removeAllListeners("b");
        e.on("b", () -> { });
        assertEquals(List.of("a", "b"), e.eventNames());
    }

    @Test
    void nullListenerIsInvalidArgType() {   // line 067
        EventEmitter e = new EventEmitter();
        for (Runnable call : List.<Runnable>of(
                () -> e.on("a", (Runnable) null),
                () -> e.once("a", (Consumer<Object>) null),
                () -> e.prependListener("a", (Runnable) null),
                () -> e.removeListener("a", (Runnable) null),
                () -> e.off("a", (Consumer<Object>) null))) {
            InvalidArgumentException x = assertThrows(InvalidArgumentException.class, call::run);
            assertEquals("ERR_INVALID_ARG_TYPE", x.code());
            assertEquals("The \"listener\" argument must be of type function. Received null", x.getMessage());
        }
        assertEquals(0, e.listenerCount("a"));
    }

    @Test
    void maxListenersWarnsOncePerEvent() {   // N8, lines 068-076
        assertEquals(10, EventEmitter.DEFAULT_MAX_LISTENERS);
        Recording e = new Recording();
        assertEquals(10, e.getMaxListeners());
        for (int i = 0; i < 10; i++) e.on("m", () -> { });
        assertEquals(List.of(), e.warnings);
        e.on("m", () -> { });
        assertEquals(List.of("m:11"), e.warnings);
        e.on("m", () -> { });
        assertEquals(List.of("m:11"), e.warnings);
        assertEquals(12, e.listenerCount("m"));
        for (int i = 0; i < 11; i++) e.on("other", () -> { });
        assertEquals(List.of("m:11", "other:11"), e.warnings);
    }

    @Test
    void maxListenersLowLimitAndWarningAgainAfterDroppingToOne() {   // line 077, node v20 check
        Recording e = new Recording();
        e.setMaxListeners(1);
        Runnable f = () -> { };
        e.on("k", f).on("k", () -> { });
        assertEquals(List.of("k:2"), e.warnings);
        e.off("k", f);
        e.on("k", () -> { });
        assertEquals(List.of("k:2", "k:2"), e.warnings);
    }

    @Test
    void maxListenersZeroIsUnlimited() {   // line 074
        Recording e = new Recording();
        e.setMaxListeners(0);
        for (int i = 0; i < 50; i++) e.on("k", () -> { });
        assertEquals(List.of(), e.warnings);
        assertEquals(50, e.listenerCount("k"));
    }

    @Test
    void leakWarningTextIsNodes() {   // line 076
        assertEquals("Possible EventEmitter memory leak detected. 11 m listeners added to [EventEmitter]. "
                + "MaxListeners is 10. Use emitter.setMaxListeners() to increase limit",
                EventEmitter.leakWarning("EventEmitter", "m", 11, 10));
        EventEmitter plain = new EventEmitter();
        for (int i = 0; i < 11; i++) plain.on("m", () -> { });   // default hook only logs
        assertEquals(11, plain.listenerCount("m"));
    }

    @Test
    void negativeMaxListenersIsOutOfRange() {   // line 075
        EventEmitter e = new EventEmitter();
        InvalidArgumentException x =
                assertThrows(InvalidArgumentException.class, () -> e.setMaxListeners(-1));
        assertEquals("ERR_OUT_OF_RANGE", x.code());
        assertEquals("The value of \"setMaxListeners\" is out of range. It must be >= 0. Received -1",
                x.getMessage());
        assertEquals(10, e.getMaxListeners());
    }

    @Test
    void listenersIsACopy() {
        EventEmitter e = new EventEmitter();
        Runnable f = () -> { };
        e.on("a", f);
        List<Object> before = e.listeners("a");
        e.on("a", f);
        assertEquals(List.of(f), before);
        assertEquals(List.of(f, f), e.listeners("a"));
        assertInstanceOf(List.class, e.listeners("none"));
        assertTrue(e.listeners("none").isEmpty());
    }

    @Test
    void orderHoldsAsAnEventGoesFromOneListenerToSeveralAndBack() {   // node v20: "b,a,c,a,c 1 true", then "0 []"
        // An event's lone listener is held alone, several in an array (decisions D90): every
        // change between the two keeps Node's order, once-ness and counts.
        EventEmitter e = new EventEmitter();
        Runnable a = rec("a");
        Runnable b = rec("b");
        Runnable c = rec("c");
        e.on("x", a);
        e.prependOnceListener("x", b);
        e.emit("x");
        e.on("x", c);
        e.off("x", a);
        e.once("x", a);
        e.emit("x");
        e.emit("x");
        assertEquals(List.of("b", "a", "c", "a", "c"), log);
        assertEquals(1, e.listenerCount("x"));
        assertEquals(List.of(c), e.listeners("x"));
        e.off("x", c);
        assertEquals(0, e.listenerCount("x"));
        assertEquals(List.of(), e.eventNames());
    }
}
