// node: test/parallel/test-event-emitter-check-listener-leaks.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventEmitter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-check-listener-leaks.js. Node marks the listener array
 * {@code warned}; the Java emitter calls {@code onMaxListenersExceeded} once per event instead,
 * so "warned" is "that hook ran for the event". Not ported: the Symbol event (Java event names
 * are strings) and the process-wide block that assigns {@code EventEmitter.defaultMaxListeners}
 * (a constant in Java: there is no process-wide setter).
 */
class TestEventEmitterCheckListenerLeaks {
    @RegisterExtension
    final Common common = new Common();

    /** Remembers which events had their leak warning. */
    static final class Warned extends EventEmitter {
        final Set<String> warned = new HashSet<>();

        @Override
        protected void onMaxListenersExceeded(String event, int count) {
            warned.add(event);
        }
    }

    @Test
    void defaultSpecificOnlyOneUnlimited() {
        Warned e = new Warned();

        // default
        for (int i = 0; i < 10; i++) e.on("default", common.mustNotCall());
        assertFalse(e.warned.contains("default"));
        e.on("default", common.mustNotCall());
        assertTrue(e.warned.contains("default"));

        // specific
        e.setMaxListeners(5);
        for (int i = 0; i < 5; i++) e.on("specific", common.mustNotCall());
        assertFalse(e.warned.contains("specific"));
        e.on("specific", common.mustNotCall());
        assertTrue(e.warned.contains("specific"));

        // only one
        e.setMaxListeners(1);
        e.on("only one", common.mustNotCall());
        assertFalse(e.warned.contains("only one"));
        e.on("only one", common.mustNotCall());
        assertTrue(e.warned.contains("only one"));

        // unlimited
        e.setMaxListeners(0);
        for (int i = 0; i < 1000; i++) e.on("unlimited", common.mustNotCall());
        assertFalse(e.warned.contains("unlimited"));
    }

    @Test
    void ownMaxListenersHasPrecedenceAndIsChainable() {
        Warned e = new Warned();
        e.setMaxListeners(1);
        e.on("uno", common.mustNotCall());
        assertFalse(e.warned.contains("uno"));
        e.on("uno", common.mustNotCall());
        assertTrue(e.warned.contains("uno"));

        // chainable
        assertSame(e, e.setMaxListeners(1));
    }
}
