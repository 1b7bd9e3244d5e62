// node: test/parallel/test-event-emitter-listeners.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.EventEmitter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Port of node's test-event-emitter-listeners.js. {@code listeners()} returns a copy in both;
 * node's copy is a mutable array, the Java one an unmodifiable list, so "push onto the copy"
 * becomes "the copy cannot change the emitter" (adding to it throws, and a mutable copy of it
 * changes nothing). Not ported: the two {@code rawListeners()} blocks (no Java counterpart: a
 * once-listener is listed as given, never as a wrapper) and {@code ee._events = undefined}
 * (no such field).
 */
class TestEventEmitterListeners {
    private final Runnable listener = () -> { };
    private final Runnable listener2 = () -> { };

    @Test
    void aCopyTakenBeforeRemoveAllListenersKeepsTheListener() {
        EventEmitter ee = new EventEmitter();
        ee.on("foo", listener);
        List<Object> fooListeners = ee.listeners("foo");
        assertEquals(List.of(listener), ee.listeners("foo"));
        ee.removeAllListeners("foo");
        assertEquals(List.of(), ee.listeners("foo"));
        assertEquals(List.of(listener), fooListeners);
    }

    @Test
    void changingTheCopyDoesNotChangeTheEmitter() {
        EventEmitter ee = new EventEmitter();
        ee.on("foo", listener);
        List<Object> eeListenersCopy = ee.listeners("foo");
        assertEquals(List.of(listener), eeListenersCopy);
        assertEquals(List.of(listener), ee.listeners("foo"));
        assertThrows(UnsupportedOperationException.class, () -> eeListenersCopy.add(listener2));
        List<Object> mutable = new ArrayList<>(eeListenersCopy);
        mutable.add(listener2);
        assertEquals(List.of(listener), ee.listeners("foo"));
        assertEquals(List.of(listener, listener2), mutable);
    }

    @Test
    void aCopyDoesNotSeeLaterListeners() {
        EventEmitter ee = new EventEmitter();
        ee.on("foo", listener);
        List<Object> eeListenersCopy = ee.listeners("foo");
        ee.on("foo", listener2);
        assertEquals(List.of(listener, listener2), ee.listeners("foo"));
        assertEquals(List.of(listener), eeListenersCopy);
    }

    @Test
    void onceListenersAreListedAsGiven() {
        EventEmitter ee = new EventEmitter();
        ee.once("foo", listener);
        assertEquals(List.of(listener), ee.listeners("foo"));

        EventEmitter ee2 = new EventEmitter();
        ee2.on("foo", listener);
        ee2.once("foo", listener2);
        assertEquals(List.of(listener, listener2), ee2.listeners("foo"));
    }

    @Test
    void aSubclassStartsWithNoListeners() {
        class TestStream extends EventEmitter {
        }
        TestStream s = new TestStream();
        assertEquals(List.of(), s.listeners("foo"));
    }
}
