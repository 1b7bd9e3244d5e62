// node: test/parallel/test-event-emitter-remove-all-listeners.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.EventEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-remove-all-listeners.js. {@code expect()}'s exit check runs
 * after each test. The Symbol block uses a string event (Java event names are strings) and
 * reads both arguments of {@code 'removeListener'} through {@link ArgsEmitter}; the
 * {@code ee._events = undefined} block has no Java form (no such field).
 */
class TestEventEmitterRemoveAllListeners {
    @RegisterExtension
    final Common common = new Common();
    private final List<Runnable> atExit = new ArrayList<>();

    private Consumer<String> expect(List<String> expected) {
        List<String> actual = new ArrayList<>();
        atExit.add(() -> {
            List<String> a = new ArrayList<>(actual);
            List<String> e = new ArrayList<>(expected);
            a.sort(null);
            e.sort(null);
            assertEquals(e, a);
        });
        return common.mustCall((String name) -> actual.add(name), expected.size());
    }

    @AfterEach
    void exit() {
        for (Runnable r : atExit) r.run();
    }

    @Test
    void removeAllOfOneEvent() {
        EventEmitter ee = new EventEmitter();
        Runnable noop = common.mustNotCall();
        ee.on("foo", noop);
        ee.on("bar", noop);
        ee.on("baz", noop);
        ee.on("baz", noop);
        List<Object> fooListeners = ee.listeners("foo");
        List<Object> barListeners = ee.listeners("bar");
        List<Object> bazListeners = ee.listeners("baz");
        ee.on("removeListener", expect(List.of("bar", "baz", "baz")));
        ee.removeAllListeners("bar");
        ee.removeAllListeners("baz");
        assertEquals(List.of(noop), ee.listeners("foo"));
        assertEquals(List.of(), ee.listeners("bar"));
        assertEquals(List.of(), ee.listeners("baz"));
        // After calling removeAllListeners(),
        // the old listeners array should stay unchanged.
        assertEquals(List.of(noop), fooListeners);
        assertEquals(List.of(noop), barListeners);
        assertEquals(List.of(noop, noop), bazListeners);
        // After calling removeAllListeners(),
        // new listeners arrays is different from the old.
        assertNotSame(barListeners, ee.listeners("bar"));
        assertNotSame(bazListeners, ee.listeners("baz"));
    }

    @Test
    void removeAllEventsRemoveListenerLast() {
        EventEmitter ee = new EventEmitter();
        ee.on("foo", common.mustNotCall());
        ee.on("bar", common.mustNotCall());
        // Expect LIFO order
        ee.on("removeListener", expect(List.of("foo", "bar", "removeListener")));
        ee.on("removeListener", expect(List.of("foo", "bar")));
        ee.removeAllListeners();
        assertEquals(List.of(), ee.listeners("foo"));
        assertEquals(List.of(), ee.listeners("bar"));
    }

    @Test
    void removeAllOfAnEventWithoutListenersDoesNotThrow() {
        EventEmitter ee = new EventEmitter();
        ee.on("removeListener", common.mustNotCall());
        // Check for regression where removeAllListeners() throws when
        // there exists a 'removeListener' listener, but there exists
        // no listeners for the provided event type. (Node only binds it; calling it is stricter.)
        ee.removeAllListeners("foo");
    }

    @Test
    void eachRemovalIsAnnouncedAfterItHappened() {
        EventEmitter ee = new EventEmitter();
        int[] expectLength = {2};
        ee.on("removeListener", () -> assertEquals(expectLength[0]--, ee.listeners("baz").size()));
        ee.on("baz", common.mustNotCall());
        ee.on("baz", common.mustNotCall());
        ee.on("baz", common.mustNotCall());
        assertEquals(expectLength[0] + 1, ee.listeners("baz").size());
        ee.removeAllListeners("baz");
        assertEquals(0, ee.listeners("baz").size());
    }

    @Test
    void returnsTheEmitter() {
        EventEmitter ee = new EventEmitter();
        assertSame(ee, ee.removeAllListeners());
    }

    @Test
    void removeListenerGetsTheEventAndTheListener() {
        ArgsEmitter ee = new ArgsEmitter();
        String symbol = "symbol";
        Runnable noop = common.mustNotCall();
        ee.on(symbol, noop);

        ee.on("removeListener", common.mustCall((Object first) -> assertArrayEquals(new Object[] {symbol, noop}, ee.args())));

        ee.removeAllListeners();
    }
}
