package io.usocket;

import io.usocket.internal.stream.Readable;

import java.util.function.Consumer;

/**
 * {@code src.pipe(dst)}, as node 20's {@code Readable.prototype.pipe}: every chunk read from
 * {@code src} is written to {@code dst}; a {@code false} from {@code dst.write} pauses
 * {@code src} until {@code dst}'s {@code 'drain'}. At {@code src}'s {@code 'end'}, {@code dst}
 * is ended unless told not to. The pipe breaks (unpipe) at {@code dst}'s {@code 'finish'} or
 * {@code 'close'} (or at {@code src}'s {@code 'end'} when it does not end {@code dst}); a source
 * left with no pipe is paused, as Node's {@code unpipe} does. {@code 'pipe'} and {@code 'unpipe'}
 * are emitted on {@code dst}.
 */
final class Pipe {
    private Pipe() {
    }

    static void connect(USocket src, USocket dst, boolean end) {
        Readable state = src.reader.readable;
        state.pipes++;
        boolean[] cleanedUp = {false};
        boolean[] awaitDrain = {false};
        Runnable[] ondrain = {null};
        Runnable[] unpipe = {null};
        Runnable onend = dst::end;
        // Node's pipe-local pause(): src waits for this dst's 'drain' (listened to from the first pause on).
        Runnable pause = () -> {
            if (!cleanedUp[0]) {
                awaitDrain[0] = true;
                src.pause();
            }
            if (ondrain[0] == null) {
                // pipeOnDrain: resume once no dst holds src back, if something still reads 'data'.
                ondrain[0] = () -> {
                    awaitDrain[0] = false;
                    if (src.listenerCount("data") > 0) src.resume();
                };
                dst.on("drain", ondrain[0]);
            }
        };
        Consumer<Object> ondata = chunk -> {
            boolean ok = chunk instanceof byte[] b ? dst.write(b) : dst.write((String) chunk);
            if (!ok) pause.run();
        };
        Runnable onclose = () -> unpipe[0].run();
        Runnable onfinish = () -> unpipe[0].run();
        unpipe[0] = () -> {
            if (cleanedUp[0]) return;
            // Node's src.unpipe(dest), then dest's onunpipe → cleanup().
            if (--state.pipes == 0) src.pause();
            cleanedUp[0] = true;
            dst.off("close", onclose);
            dst.off("finish", onfinish);
            if (ondrain[0] != null) dst.off("drain", ondrain[0]);
            src.off("end", onend);
            src.off("end", unpipe[0]);
            src.off("data", ondata);
            // A src waiting for this dst's drain would never flow again: call it now.
            if (ondrain[0] != null && awaitDrain[0] && dst.writableNeedDrain()) ondrain[0].run();
            dst.emit("unpipe", src);
        };
        Runnable endFn = end ? onend : unpipe[0];
        if (state.endEmitted) src.loop.nextTick(endFn);
        else src.once("end", endFn);
        src.on("data", ondata);
        dst.once("close", onclose);
        dst.once("finish", onfinish);
        dst.emit("pipe", src);
        // Start the flow if it has not started already.
        if (dst.writableNeedDrain()) pause.run();
        else if (!Boolean.TRUE.equals(state.flowing)) src.resume();
    }
}
