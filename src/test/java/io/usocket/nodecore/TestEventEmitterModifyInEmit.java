// node: test/parallel/test-event-emitter-modify-in-emit.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.EventEmitter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Port of node's test-event-emitter-modify-in-emit.js: an emit runs the listeners present when it started. */
class TestEventEmitterModifyInEmit {
    private final List<String> callbacksCalled = new ArrayList<>();
    private final EventEmitter e = new EventEmitter();
    private Runnable callback1;
    private Runnable callback2;
    private Runnable callback3;

    @Test
    void addingAndRemovingDuringEmit() {
        callback1 = () -> {
            callbacksCalled.add("callback1");
            e.on("foo", callback2);
            e.on("foo", callback3);
            e.removeListener("foo", callback1);
        };
        callback2 = () -> {
            callbacksCalled.add("callback2");
            e.removeListener("foo", callback2);
        };
        callback3 = () -> {
            callbacksCalled.add("callback3");
            e.removeListener("foo", callback3);
        };

        e.on("foo", callback1);
        assertEquals(1, e.listeners("foo").size());

        e.emit("foo");
        assertEquals(2, e.listeners("foo").size());
        assertEquals(List.of("callback1"), callbacksCalled);

        e.emit("foo");
        assertEquals(0, e.listeners("foo").size());
        assertEquals(List.of("callback1", "callback2", "callback3"), callbacksCalled);

        e.emit("foo");
        assertEquals(0, e.listeners("foo").size());
        assertEquals(List.of("callback1", "callback2", "callback3"), callbacksCalled);

        e.on("foo", callback1);
        e.on("foo", callback2);
        assertEquals(2, e.listeners("foo").size());
        e.removeAllListeners("foo");
        assertEquals(0, e.listeners("foo").size());

        // Verify that removing callbacks while in emit allows emits to propagate to
        // all listeners
        callbacksCalled.clear();

        e.on("foo", callback2);
        e.on("foo", callback3);
        assertEquals(2, e.listeners("foo").size());
        e.emit("foo");
        assertEquals(List.of("callback2", "callback3"), callbacksCalled);
        assertEquals(0, e.listeners("foo").size());
    }
}
