// node: test/parallel/test-event-emitter-set-max-listeners-side-effects.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventEmitter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Port of node's test-event-emitter-set-max-listeners-side-effects.js: {@code setMaxListeners}
 * adds no event. Node reads the keys of {@code e._events}; here {@code eventNames()}.
 */
class TestEventEmitterSetMaxListenersSideEffects {
    @Test
    void setMaxListenersAddsNoEvent() {
        EventEmitter e = new EventEmitter();
        assertEquals(List.of(), e.eventNames());
        e.setMaxListeners(5);
        assertEquals(List.of(), e.eventNames());
    }
}
