package io.usocket;

import java.util.function.Consumer;

/** Adapts the two callback forms of the API to the one the streams keep. */
final class Callbacks {
    private Callbacks() {
    }

    static Consumer<Throwable> of(Runnable r) {
        return r == null ? null : err -> r.run();
    }
}
