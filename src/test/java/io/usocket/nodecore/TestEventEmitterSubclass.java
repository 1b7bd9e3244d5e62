// node: test/parallel/test-event-emitter-subclass.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.EventEmitter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-subclass.js. Node's prototype-based subclasses become Java
 * subclasses; the event {@code 1} is the string {@code "1"}; {@code new Error('blerg')} is a
 * RuntimeException, which an unhandled {@code 'error'} throws as it is. The last block
 * ({@code MyEE2.prototype = new EventEmitter()}: instances sharing a prototype's listeners)
 * maps to two instances of one subclass, which must not share listeners.
 */
class TestEventEmitterSubclass {
    @RegisterExtension
    final Common common = new Common();

    static final class MyEE extends EventEmitter {
        MyEE(Runnable cb) {
            once("1", cb);
            emit("1");
            removeAllListeners();
        }
    }

    static final class ErrorEE extends EventEmitter {
        ErrorEE() {
            emit("error", new RuntimeException("blerg"));
        }
    }

    static final class MyEE2 extends EventEmitter {
    }

    @Test
    void subclasses() {
        MyEE myee = new MyEE(common.mustCall());

        RuntimeException e = assertThrows(RuntimeException.class, ErrorEE::new);
        assertEquals("blerg", e.getMessage());

        // node checks this on exit
        assertEquals(List.of(), myee.eventNames());

        MyEE2 ee1 = new MyEE2();
        MyEE2 ee2 = new MyEE2();
        ee1.on("x", () -> { });
        assertEquals(0, ee2.listenerCount("x"));
    }
}
