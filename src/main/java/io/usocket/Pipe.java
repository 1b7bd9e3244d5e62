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
        // Node: 'unpipe' comes at dst's 'finish' when piping ends dst, else at the source's 'end'.
        Runnable unpipe = () -> {
            src.off("data", onData);
            dst.off("drain", onDrain);
            dst.emit("unpipe", src);
        };
        dst.on("drain", onDrain);
        if (end) {
            src.once("end", () -> dst.end());
            dst.once("finish", unpipe);
        } else {
            src.once("end", unpipe);
        }
        dst.emit("pipe", src);
        src.on("data", onData);
    }
}
