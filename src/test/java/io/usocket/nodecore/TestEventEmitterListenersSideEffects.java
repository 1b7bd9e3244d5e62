// node: test/parallel/test-event-emitter-listeners-side-effects.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.usocket.EventEmitter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Port of node's test-event-emitter-listeners-side-effects.js. Node looks into
 * {@code e._events}; the Java emitter has no such field, so the same facts are read through
 * {@code eventNames()} (asking for an event's listeners adds no key) and {@code listeners()}.
 */
class TestEventEmitterListenersSideEffects {
    @Test
    void listenersHasNoSideEffects() {
        Runnable assertFail = () -> { throw new AssertionError("fail"); };
        Runnable assertOk = () -> { };
        EventEmitter e = new EventEmitter();
        List<Object> fl;

        fl = e.listeners("foo");
        assertEquals(0, fl.size());
        assertEquals(List.of(), e.eventNames());

        e.on("foo", assertFail);
        fl = e.listeners("foo");
        assertEquals(List.of("foo"), e.eventNames());
        assertEquals(1, fl.size());
        assertSame(assertFail, fl.get(0));

        e.listeners("bar");
        assertEquals(List.of("foo"), e.eventNames());

        e.on("foo", assertOk);
        fl = e.listeners("foo");
        assertEquals(2, fl.size());
        assertSame(assertFail, fl.get(0));
        assertSame(assertOk, fl.get(1));
    }
}
