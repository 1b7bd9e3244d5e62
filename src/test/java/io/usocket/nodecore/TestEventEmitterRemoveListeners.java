// node: test/parallel/test-event-emitter-remove-listeners.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import io.usocket.EventEmitter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-remove-listeners.js. The removed listener (second argument
 * of {@code 'removeListener'}) is read through {@link ArgsEmitter}. Node's
 * {@code ee._events.foo === listener2} (a single listener is stored unwrapped) is read as
 * {@code listeners('foo')} being exactly {@code [listener2]}; {@code ee._events = undefined}
 * has no Java form.
 */
class TestEventEmitterRemoveListeners {
    @RegisterExtension
    final Common common = new Common();
    private final Runnable listener1 = () -> { };
    private final Runnable listener2 = () -> { };

    @Test
    void removeListenerAnnouncesTheRemovedListener() {
        ArgsEmitter ee = new ArgsEmitter();
        ee.on("hello", listener1);
        ee.on("removeListener", common.mustCall((String name) -> {
            assertEquals("hello", name);
            assertSame(listener1, ee.args()[1]);
        }));
        ee.removeListener("hello", listener1);
        assertEquals(List.of(), ee.listeners("hello"));
    }

    @Test
    void removingAnAbsentListenerAnnouncesNothing() {
        EventEmitter ee = new EventEmitter();
        ee.on("hello", listener1);
        ee.on("removeListener", common.mustNotCall());
        ee.removeListener("hello", listener2);
        assertEquals(List.of(listener1), ee.listeners("hello"));
    }

    @Test
    void theAnnouncementComesAfterTheRemoval() {
        ArgsEmitter ee = new ArgsEmitter();
        ee.on("hello", listener1);
        ee.on("hello", listener2);
        ee.once("removeListener", common.mustCall((String name) -> {
            assertEquals("hello", name);
            assertSame(listener1, ee.args()[1]);
            assertEquals(List.of(listener2), ee.listeners("hello"));
        }));
        ee.removeListener("hello", listener1);
        assertEquals(List.of(listener2), ee.listeners("hello"));
        ee.once("removeListener", common.mustCall((String name) -> {
            assertEquals("hello", name);
            assertSame(listener2, ee.args()[1]);
            assertEquals(List.of(), ee.listeners("hello"));
        }));
        ee.removeListener("hello", listener2);
        assertEquals(List.of(), ee.listeners("hello"));
    }

    @Test
    void removingAndEmittingInsideRemoveListener() {
        ArgsEmitter ee = new ArgsEmitter();
        Runnable remove1 = () -> fail("remove1 should not have been called");
        Runnable remove2 = () -> fail("remove2 should not have been called");

        ee.on("removeListener", common.mustCall((String name) -> {
            Object cb = ee.args()[1];
            if (cb != remove1) return;
            ee.removeListener("quux", remove2);
            ee.emit("quux");
        }, 2));
        ee.on("quux", remove1);
        ee.on("quux", remove2);
        ee.removeListener("quux", remove1);
    }

    @Test
    void removingInsideAnAnnouncement() {
        ArgsEmitter ee = new ArgsEmitter();
        ee.on("hello", listener1);
        ee.on("hello", listener2);
        ee.once("removeListener", common.mustCall((String name) -> {
            assertEquals("hello", name);
            assertSame(listener1, ee.args()[1]);
            assertEquals(List.of(listener2), ee.listeners("hello"));
            ee.once("removeListener", common.mustCall((String name2) -> {
                assertEquals("hello", name2);
                assertSame(listener2, ee.args()[1]);
                assertEquals(List.of(), ee.listeners("hello"));
            }));
            ee.removeListener("hello", listener2);
            assertEquals(List.of(), ee.listeners("hello"));
        }));
        ee.removeListener("hello", listener1);
        assertEquals(List.of(), ee.listeners("hello"));
    }

    @Test
    void aListenerRemovedDuringEmitStillRunsInThatEmit() {
        EventEmitter ee = new EventEmitter();
        Runnable listener4 = common.mustCall();
        Runnable listener3 = common.mustCall(() -> ee.removeListener("hello", listener4), 2);

        ee.on("hello", listener3);
        ee.on("hello", listener4);

        // listener4 will still be called although it is removed by listener 3.
        ee.emit("hello");
        // This is so because the internal listener array at time of emit
        // was [listener3,listener4]

        // Internal listener array [listener3]
        ee.emit("hello");
    }

    @Test
    void aOnceListenerIsAnnouncedAsGiven() {
        ArgsEmitter ee = new ArgsEmitter();
        ee.once("hello", listener1);
        ee.on("removeListener", common.mustCall((String eventName) -> {
            assertEquals("hello", eventName);
            assertSame(listener1, ee.args()[1]);
        }));
        ee.emit("hello");
    }

    @Test
    void returnsTheEmitter() {
        EventEmitter ee = new EventEmitter();
        assertSame(ee, ee.removeListener("foo", () -> { }));
    }

    @Test
    void removesTheLatestCopyOfAListener() {
        EventEmitter ee = new EventEmitter();
        ee.on("foo", listener1);
        ee.on("foo", listener2);
        assertEquals(List.of(listener1, listener2), ee.listeners("foo"));

        ee.removeListener("foo", listener1);
        assertEquals(List.of(listener2), ee.listeners("foo"));

        ee.on("foo", listener1);
        assertEquals(List.of(listener2, listener1), ee.listeners("foo"));

        ee.removeListener("foo", listener1);
        assertEquals(List.of(listener2), ee.listeners("foo"));
    }
}
