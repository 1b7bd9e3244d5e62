// node: test/parallel/test-event-emitter-prepend.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-prepend.js. Not ported: the second half, which deletes
 * {@code EventEmitter.prototype.prependListener} to test old-style stream piping's fallback
 * (JavaScript prototypes have no Java counterpart).
 */
class TestEventEmitterPrepend {
    @RegisterExtension
    final Common common = new Common();

    @Test
    void prependedListenersRunFirst() {
        EventEmitter myEE = new EventEmitter();
        int[] m = {0};
        // This one comes last.
        myEE.on("foo", common.mustCall(() -> assertEquals(2, m[0])));
        // This one comes second.
        myEE.prependListener("foo", common.mustCall(() -> assertEquals(1, m[0]++)));
        // This one comes first.
        myEE.prependOnceListener("foo", common.mustCall(() -> assertEquals(0, m[0]++)));

        myEE.emit("foo");
    }
}
