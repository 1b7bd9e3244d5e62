// node: test/parallel/test-event-emitter-get-max-listeners.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventEmitter;
import org.junit.jupiter.api.Test;

/**
 * Port of node's test-event-emitter-get-max-listeners.js. The last part (calling
 * {@code EventEmitter.prototype.on} on a plain object, node issue 523) has no Java form: a
 * listener can only be added to an EventEmitter; it is mapped to adding twice to a fresh one.
 */
class TestEventEmitterGetMaxListeners {
    @Test
    void getMaxListenersFollowsSetMaxListeners() {
        EventEmitter emitter = new EventEmitter();
        assertEquals(EventEmitter.DEFAULT_MAX_LISTENERS, emitter.getMaxListeners());

        emitter.setMaxListeners(0);
        assertEquals(0, emitter.getMaxListeners());

        emitter.setMaxListeners(3);
        assertEquals(3, emitter.getMaxListeners());

        // https://github.com/nodejs/node/issues/523 - second call should not throw.
        EventEmitter recv = new EventEmitter();
        recv.on("event", () -> { });
        recv.on("event", () -> { });
    }
}
