// node: test/parallel/test-event-emitter-listener-count.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventEmitter;
import org.junit.jupiter.api.Test;

/**
 * Port of node's test-event-emitter-listener-count.js. Java event names are strings, so the
 * event {@code 123} is the string {@code "123"}; the deprecated static
 * {@code EventEmitter.listenerCount(emitter, name)} has no Java counterpart.
 */
class TestEventEmitterListenerCount {
    @Test
    void listenerCountPerEvent() {
        EventEmitter emitter = new EventEmitter();
        emitter.on("foo", () -> { });
        emitter.on("foo", () -> { });
        emitter.on("baz", () -> { });
        emitter.on(String.valueOf(123), () -> { });

        assertEquals(2, emitter.listenerCount("foo"));
        assertEquals(0, emitter.listenerCount("bar"));
        assertEquals(1, emitter.listenerCount("baz"));
        assertEquals(1, emitter.listenerCount("123"));
    }
}
