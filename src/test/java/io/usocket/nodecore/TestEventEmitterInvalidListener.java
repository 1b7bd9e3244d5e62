// node: test/parallel/test-event-emitter-invalid-listener.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.EventEmitter;
import io.usocket.InvalidArgumentException;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Port of node's test-event-emitter-invalid-listener.js: a null listener is refused by
 * {@code on}, {@code once}, {@code removeListener} and {@code prependOnceListener} with
 * ERR_INVALID_ARG_TYPE (a TypeError in node, an {@link InvalidArgumentException} here).
 */
class TestEventEmitterInvalidListener {
    @Test
    void theListenerMustBeAFunction() {
        List<BiConsumer<EventEmitter, Runnable>> methods = List.of(
                (ee, l) -> ee.on("foo", l),
                (ee, l) -> ee.once("foo", l),
                (ee, l) -> ee.removeListener("foo", l),
                (ee, l) -> ee.prependOnceListener("foo", l));
        for (BiConsumer<EventEmitter, Runnable> method : methods) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> method.accept(new EventEmitter(), null));
            assertEquals("ERR_INVALID_ARG_TYPE", e.code());
            assertEquals("The \"listener\" argument must be of type function. Received null", e.getMessage());
        }
    }
}
