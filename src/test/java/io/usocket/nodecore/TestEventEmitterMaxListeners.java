// node: test/parallel/test-event-emitter-max-listeners.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.EventEmitter;
import io.usocket.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-max-listeners.js. {@code setMaxListeners} takes an
 * {@code int} in Java, so NaN and a string (ERR_INVALID_ARG_TYPE) cannot be passed; -1 gives
 * ERR_OUT_OF_RANGE (a RangeError in node, an {@link InvalidArgumentException} here). Not
 * ported: {@code events.defaultMaxListeners = x} and the static
 * {@code EventEmitter.setMaxListeners(n, ...targets)} (no Java counterparts).
 */
class TestEventEmitterMaxListeners {
    @RegisterExtension
    final Common common = new Common();

    @Test
    void setMaxListenersChecksItsArgumentAndLeavesTheEventAlone() {
        EventEmitter e = new EventEmitter();
        e.on("maxListeners", common.mustCall());

        // Should not corrupt the 'maxListeners' queue.
        e.setMaxListeners(42);

        InvalidArgumentException err = assertThrows(InvalidArgumentException.class, () -> e.setMaxListeners(-1));
        assertEquals("ERR_OUT_OF_RANGE", err.code());

        e.emit("maxListeners");
    }
}
