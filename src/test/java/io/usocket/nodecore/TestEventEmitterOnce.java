// node: test/parallel/test-event-emitter-once.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.usocket.EventEmitter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-event-emitter-once.js. In the last block node checks that the once
 * wrapper forwards 0 to 4 arguments; a Java listener receives the first one (null when there is
 * none), and {@link ArgsEmitter} shows that the emit carried all of them.
 */
class TestEventEmitterOnce {
    @RegisterExtension
    final Common common = new Common();

    @Test
    void onceRunsOnce() {
        EventEmitter e = new EventEmitter();
        e.once("hello", common.mustCall());

        e.emit("hello", "a", "b");
        e.emit("hello", "a", "b");
        e.emit("hello", "a", "b");
        e.emit("hello", "a", "b");

        Runnable remove = () -> fail("once->foo should not be emitted");
        e.once("foo", remove);
        e.removeListener("foo", remove);
        e.emit("foo");

        e.once("e", common.mustCall(() -> e.emit("e")));
        e.once("e", common.mustCall());
        e.emit("e");
    }

    @Test
    void onceForwardsTheArguments() {
        int maxArgs = 4;
        for (int i = 0; i <= maxArgs; ++i) {
            ArgsEmitter ee = new ArgsEmitter();
            Object[] args = new Object[i];
            for (int j = 0; j < i; ++j) args[j] = j;

            ee.once("foo", common.mustCall((Object first) -> {
                assertEquals(args.length == 0 ? null : args[0], first);
                assertArrayEquals(args, ee.args());
            }));

            ee.emit("foo", args);
            assertEquals(0, ee.listenerCount("foo"), Arrays.toString(args));
        }
    }
}
