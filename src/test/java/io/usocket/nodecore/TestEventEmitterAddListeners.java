// node: test/parallel/test-event-emitter-add-listeners.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import io.usocket.EventEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-add-listeners.js. The listener handed to
 * {@code 'newListener'} is its second argument, which a Java listener does not receive: it is
 * read through {@link ArgsEmitter}. {@code ee.addListener === ee.on} has no Java counterpart
 * (there is only {@code on}); {@code this} in a listener is the emitter captured by the lambda.
 */
class TestEventEmitterAddListeners {
    @RegisterExtension
    final Common common = new Common();

    @Test
    void newListenerSeesEventAndListenerBeforeItIsAdded() {
        ArgsEmitter ee = new ArgsEmitter();
        List<Object> eventsNewListenerEmitted = new ArrayList<>();
        List<Object> listenersNewListenerEmitted = new ArrayList<>();

        ee.on("newListener", (String event) -> {
            Object listener = ee.args()[1];
            // Don't track newListener listeners.
            if (event.equals("newListener")) return;
            eventsNewListenerEmitted.add(event);
            listenersNewListenerEmitted.add(listener);
        });

        String[] got = new String[2];
        Consumer<String> hello = common.mustCall((String a) -> {
            got[0] = a;
            got[1] = (String) ee.args()[1];
        });

        ee.once("newListener", (String name) -> {
            Object listener = ee.args()[1];
            assertEquals("hello", name);
            assertSame(hello, listener);
            assertEquals(List.of(), ee.listeners("hello"));
        });

        ee.on("hello", hello);
        Runnable assertFail = () -> fail("foo must not be emitted");
        ee.once("foo", assertFail);
        assertEquals(List.of("hello", "foo"), eventsNewListenerEmitted);
        assertEquals(List.of(hello, assertFail), listenersNewListenerEmitted);

        ee.emit("hello", "a", "b");
        assertEquals("a", got[0]);
        assertEquals("b", got[1]);
    }

    @Test
    void setMaxListenersZeroDoesNotThrow() {
        EventEmitter f = new EventEmitter();
        f.setMaxListeners(0);
    }

    @Test
    void listenerAddedInsideNewListenerComesFirst() {
        Runnable listen1 = () -> { };
        Runnable listen2 = () -> { };
        EventEmitter ee = new EventEmitter();

        ee.once("newListener", () -> {
            assertEquals(List.of(), ee.listeners("hello"));
            ee.once("newListener", () -> assertEquals(List.of(), ee.listeners("hello")));
            ee.on("hello", listen2);
        });
        ee.on("hello", listen1);
        // The order of listeners on an event is not always the order in which the
        // listeners were added.
        assertEquals(List.of(listen2, listen1), ee.listeners("hello"));
    }
}
