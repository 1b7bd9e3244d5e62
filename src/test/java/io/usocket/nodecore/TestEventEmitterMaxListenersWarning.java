// node: test/parallel/test-event-emitter-max-listeners-warning.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Port of node's test-event-emitter-max-listeners-warning.js. Node emits a
 * MaxListenersExceededWarning on {@code process}; the Java emitter calls
 * {@code onMaxListenersExceeded(event, count)} (the warning's {@code type} and {@code count};
 * its {@code emitter} is the object whose hook runs) and logs the warning's message as a
 * WARNING of its logger, which is where the message is read.
 */
class TestEventEmitterMaxListenersWarning {
    static final class FakeInput extends EventEmitter {
        final List<String> warnings = new ArrayList<>();

        @Override
        protected void onMaxListenersExceeded(String event, int count) {
            warnings.add(event + ":" + count);
            super.onMaxListenersExceeded(event, count);
        }
    }

    @Test
    void warnsOnceWithTypeCountAndMessage() {
        Logger logger = Logger.getLogger(EventEmitter.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parent = logger.getUseParentHandlers();
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);   // node's --no-warnings: nothing on stderr
        try {
            FakeInput e = new FakeInput();
            e.setMaxListeners(1);

            e.on("event-type", () -> { });
            e.on("event-type", () -> { });  // Trigger warning.
            e.on("event-type", () -> { });  // Verify that warning is emitted only once.

            assertEquals(List.of("event-type:2"), e.warnings);
            assertEquals(1, records.size());
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertTrue(records.get(0).getMessage().contains("2 event-type listeners added to [FakeInput]."),
                    records.get(0).getMessage());
        } finally {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(parent);
        }
    }
}
