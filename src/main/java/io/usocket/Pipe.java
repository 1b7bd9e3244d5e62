package io.usocket;

import java.util.function.Consumer;

/**
 * {@code src.pipe(dst)}: every chunk read from {@code src} is written to {@code dst}; a
 * {@code false} from {@code dst.write} pauses {@code src} until {@code dst}'s {@code 'drain'}.
 * At {@code src}'s {@code 'end'}, {@code dst} is ended unless told not to. {@code 'pipe'} and
 * {@code 'unpipe'} are emitted on {@code dst}, as Node does.
 */
final class Pipe {
    private Pipe() {
    }

    static void connect(USocket src, USocket dst, boolean end) {
        Consumer<Object> onData = chunk -> {
            boolean ok = chunk instanceof byte[] b ? dst.write(b) : dst.write((String) chunk);
            if (!ok) src.pause();
        };
        Runnable onDrain = src::resume;
        src.pipes++;
        boolean[] piped = {true};
        // Node's unpipe, once: at dst's 'finish' or 'close' (whatever the end option), or at the
        // source's 'end' when piping does not end dst. A source left with no destination stops
        // flowing (Readable.unpipe pauses it when state.pipes becomes empty; node-semantics N45).
        Runnable unpipe = () -> {
            if (!piped[0]) return;
            piped[0] = false;
            src.off("data", onData);
            dst.off("drain", onDrain);
            if (--src.pipes == 0) src.pause();
            dst.emit("unpipe", src);
        };
        dst.on("drain", onDrain);
        if (end) src.once("end", () -> dst.end());
        else src.once("end", unpipe);
        dst.once("finish", unpipe);
        dst.once("close", unpipe);
        dst.emit("pipe", src);
        src.on("data", onData);
    }
}
