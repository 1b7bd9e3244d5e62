package io.usocket.nodecore;

import io.usocket.EventEmitter;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An {@link EventEmitter} whose listeners can see every argument of the emit that runs them.
 *
 * <p>A Java listener receives only the first argument; node's tests also check the others
 * (the listener handed to {@code 'newListener'} and {@code 'removeListener'}, the arguments a
 * once-wrapper forwards). The emitter keeps the arguments of the emits under way, innermost on
 * top, so a listener that reads {@link #args()} before it emits anything itself sees its own.
 */
class ArgsEmitter extends EventEmitter {
    private final Deque<Object[]> running = new ArrayDeque<>();

    @Override
    public boolean emit(String event, Object... args) {
        running.push(args == null ? new Object[0] : args);
        try {
            return super.emit(event, args);
        } finally {
            running.pop();
        }
    }

    /** The arguments of the innermost emit under way. */
    Object[] args() {
        return running.peek();
    }
}
