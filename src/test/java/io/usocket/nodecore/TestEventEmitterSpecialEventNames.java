// node: test/parallel/test-event-emitter-special-event-names.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventEmitter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-special-event-names.js: names of Object.prototype members
 * are ordinary event names. Node's checks of {@code ee._events.hasOwnProperty} (the table has no
 * prototype) become "no event names at first"; the {@code process.on('__proto__')} part has no
 * counterpart (no process emitter in Java).
 */
class TestEventEmitterSpecialEventNames {
    @RegisterExtension
    final Common common = new Common();

    @Test
    void prototypeNamesAreOrdinaryEvents() {
        EventEmitter ee = new EventEmitter();
        Runnable handler = () -> { };

        assertEquals(List.of(), ee.eventNames());

        ee.on("__proto__", handler);
        ee.on("__defineGetter__", handler);
        ee.on("toString", handler);

        assertEquals(List.of("__proto__", "__defineGetter__", "toString"), ee.eventNames());

        assertEquals(List.of(handler), ee.listeners("__proto__"));
        assertEquals(List.of(handler), ee.listeners("__defineGetter__"));
        assertEquals(List.of(handler), ee.listeners("toString"));

        ee.on("__proto__", common.mustCall((Integer val) -> assertEquals(1, val)));
        ee.emit("__proto__", 1);
    }
}
