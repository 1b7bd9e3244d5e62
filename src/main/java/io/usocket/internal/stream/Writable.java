package io.usocket.internal.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Node's {@code Writable} state machine ({@code lib/internal/streams/writable.js}): the state
 * and the functions of a writable stream, by Node's names and in Node's order, knowing nothing
 * of sockets, epoll or fds. A subclass supplies Node's hooks: {@link #_write}, {@link #_writev},
 * {@link #_final}, and the stream services {@link #emit}, {@link #nextTick},
 * {@link #errorOrDestroy} and {@link #autoDestroy}.
 *
 * <p>One chunk (or one batch of buffered chunks) is handed to {@code _write}/{@code _writev} at
 * a time; later writes wait in {@code buffered} until its callback ({@code onwrite}) comes. A
 * callback that comes inside the {@code _write} call ({@code sync}) is reported on the next tick,
 * one that comes later at once, as in Node.
 *
 * <p>Thread rule (decisions D20): every method runs on the owning loop's thread.
 *
 * @param <C> the chunk type
 */
public abstract class Writable<C extends Writable.Chunk> {
    /** A queued write: its length in bytes and the user's callback (null: none). */
    public interface Chunk {
        long length();

        Consumer<Throwable> callback();
    }

    /** The point at which write() starts returning false. */
    public long highWaterMark;
    /** Bytes written and not yet completed ({@code writableLength}). */
    public long length;
    public int corked;
    public boolean sync = true;
    public boolean writing;
    public boolean bufferProcessing;
    public boolean ending;
    public boolean ended;
    public boolean finished;
    public boolean destroyed;
    public boolean needDrain;
    public boolean prefinished;
    public boolean finalCalled;
    public boolean errorEmitted;
    public boolean closeEmitted;
    public Throwable errored;
    /** Callbacks given to write()/end() that have not run yet; 0 is needed before 'finish'. */
    public int pendingcb;
    private Consumer<Throwable> writecb;
    private boolean expectWriteCb;
    private long writelen;
    private ArrayDeque<C> buffered;
    private List<Consumer<Throwable>> onFinished;
    private AfterWriteTick afterWriteTickInfo;
    private boolean afterWritePending;
    /** {@link #onwrite(Throwable)} as the callback {@code _write} gets, made on the first write (decisions D74). */
    private Consumer<Throwable> onwrite;

    protected Writable(long highWaterMark) {
        this.highWaterMark = highWaterMark;
    }

    // ---- the hooks (Node's _write, _writev, _final and the stream's services)

    /** Node's {@code _write(chunk, encoding, cb)}. */
    protected abstract void _write(C chunk, Consumer<Throwable> cb);

    /** Node's {@code _writev(chunks, cb)}: several buffered chunks in one go. */
    protected abstract void _writev(List<C> chunks, Consumer<Throwable> cb);

    /** Node's {@code _final(cb)}: called once every write completed after end(). */
    protected abstract void _final(Consumer<Throwable> cb);

    protected abstract void emit(String event);

    protected abstract void nextTick(Runnable r);

    /** Node's {@code destroyImpl.errorOrDestroy(stream, err, sync)}. */
    protected abstract void errorOrDestroy(Throwable err, boolean sync);

    /** After {@code 'finish'}: Node's autoDestroy check (destroys once the readable side ended too). */
    protected abstract void autoDestroy();

    /** Node's {@code ERR_STREAM_WRITE_AFTER_END}. */
    protected abstract Throwable writeAfterEnd();

    /** Node's {@code ERR_STREAM_DESTROYED(method)}. */
    protected abstract Throwable streamDestroyed(String method);

    /** Node's {@code ERR_STREAM_ALREADY_FINISHED(method)}. */
    protected abstract Throwable alreadyFinished(String method);

    // ---- state read by the stream

    /** Node's {@code writable}: writes are still accepted. */
    public boolean writable() {
        return errored == null && !ending && !ended && !destroyed;
    }

    /** Node's {@code writableNeedDrain}. */
    public boolean writableNeedDrain() {
        return needDrain && !destroyed && !ending;
    }

    /** Bytes waiting in the buffer (written, not yet handed to {@code _write}). */
    public long bufferedLength() {
        return length - writelen;
    }

    /**
     * The bytes of the chunks in the buffer, which Node's {@code bytesWritten} counts (its
     * {@code writableBuffer}): {@link #bufferedLength()}, except while {@link #errorBuffer()}
     * runs its callbacks.
     */
    public long bufferedBytes() {
        long n = 0;
        if (buffered != null) for (C c : buffered) n += c.length();
        return n;
    }

    /** Whether end() callbacks or buffered writes wait (Node's check in {@code Writable.destroy}). */
    public boolean hasPendingCallbacks() {
        return (buffered != null && !buffered.isEmpty()) || onFinished != null;
    }

    // ---- writing

    /**
     * Node's {@code _write(stream, chunk, encoding, cb)}: null when accepted, else the error
     * (already reported to the chunk's callback on the next tick, and to errorOrDestroy).
     */
    public Throwable write(C chunk) {
        Throwable err = null;
        if (ending) err = writeAfterEnd();
        else if (destroyed) err = streamDestroyed("write");
        if (err != null) {
            Consumer<Throwable> cb = chunk.callback();
            Throwable e = err;
            if (cb != null) nextTick(() -> cb.accept(e));
            errorOrDestroy(err, true);
            return err;
        }
        pendingcb++;
        writeOrBuffer(chunk);
        return null;
    }

    /** What {@code write()} returns after a write was accepted. */
    public boolean writeResult() {
        boolean ret = length < highWaterMark;
        if (!ret) needDrain = true;
        // False once errored or destroyed, to break synchronous while (write()) loops.
        return ret && !destroyed && errored == null;
    }

    public void cork() {
        corked++;
    }

    public void uncork() {
        if (corked > 0) {
            corked--;
            if (!writing) clearBuffer();
        }
    }

    private void writeOrBuffer(C chunk) {
        long len = chunk.length();
        length += len;
        if (writing || corked > 0 || errored != null) {
            if (buffered == null) buffered = new ArrayDeque<>(4);
            buffered.add(chunk);
        } else {
            writelen = len;
            writecb = chunk.callback();
            writing = true;
            sync = true;
            expectWriteCb = true;
            try {
                _write(chunk, onwrite());
            } catch (RuntimeException refused) {
                // A _write that refuses its chunk outright (usocket: a bad fd, decisions D12) took
                // nothing: the write is undone, as if it had never been made, and the caller throws.
                if (expectWriteCb) {
                    writing = false;
                    expectWriteCb = false;
                    writecb = null;
                    writelen = 0;
                    length -= len;
                    pendingcb--;
                }
                throw refused;
            } finally {
                sync = false;
            }
        }
    }

    private void doWrite(boolean writev, long len, C chunk, List<C> chunks, Consumer<Throwable> cb) {
        writelen = len;
        writecb = cb;
        writing = true;
        sync = true;
        expectWriteCb = true;
        if (destroyed) onwrite(streamDestroyed("write"));
        else if (writev) _writev(chunks, onwrite());
        else _write(chunk, onwrite());
        sync = false;
    }

    private void onwriteError(Throwable er, Consumer<Throwable> cb) {
        --pendingcb;
        if (cb != null) cb.accept(er);
        // Callbacks of buffered writes run too, before 'error' (which follows the write's callback).
        errorBuffer();
        errorOrDestroy(er, false);
    }

    private Consumer<Throwable> onwrite() {
        Consumer<Throwable> cb = onwrite;
        if (cb == null) onwrite = cb = this::onwrite;
        return cb;
    }

    /** Node's {@code onwrite(stream, er)}: the callback {@code _write}/{@code _writev} got. */
    private void onwrite(Throwable er) {
        if (!expectWriteCb) {
            errorOrDestroy(multipleCallback(), false);
            return;
        }
        boolean wasSync = sync;
        Consumer<Throwable> cb = writecb;
        writing = false;
        expectWriteCb = false;
        writecb = null;
        length -= writelen;
        writelen = 0;
        if (er != null) {
            if (errored == null) errored = er;
            if (wasSync) nextTick(() -> onwriteError(er, cb));
            else onwriteError(er, cb);
            return;
        }
        if (buffered != null && !buffered.isEmpty()) clearBuffer();
        if (wasSync) {
            // Node's needTick (its kDestroyed test never holds: an operator-precedence slip we keep).
            boolean needTick = (needDrain && length == 0) || cb != null;
            if (cb == null) {
                if (!afterWritePending && needTick) {
                    afterWritePending = true;
                    nextTick(() -> afterWrite(1, null));
                } else {
                    pendingcb--;
                    if (ending) finishMaybe(true);
                }
            } else if (afterWriteTickInfo != null && afterWriteTickInfo.cb == cb) {
                // One tick for a run of synchronous completions with the same callback.
                afterWriteTickInfo.count++;
            } else {
                AfterWriteTick next = new AfterWriteTick(cb);
                afterWriteTickInfo = next;
                afterWritePending = true;
                nextTick(() -> {
                    afterWriteTickInfo = null;
                    afterWrite(next.count, next.cb);
                });
            }
        } else {
            afterWrite(1, cb);
        }
    }

    private static final class AfterWriteTick {
        final Consumer<Throwable> cb;
        int count = 1;

        AfterWriteTick(Consumer<Throwable> cb) {
            this.cb = cb;
        }
    }

    private void afterWrite(int count, Consumer<Throwable> cb) {
        afterWritePending = false;
        if (needDrain && !ending && !destroyed && length == 0) {
            needDrain = false;
            emit("drain");
        }
        while (count-- > 0) {
            pendingcb--;
            if (cb != null) cb.accept(null);
        }
        if (destroyed) errorBuffer();
        if (ending) finishMaybe(true);
    }

    /**
     * Node's {@code errorBuffer(state)}: buffered writes and end() callbacks fail. As in Node the
     * chunks leave the buffer only after the last callback (its resetBuffer), so a callback that
     * reads {@link #bufferedBytes()} (bytesWritten) still sees them; length drops chunk by chunk.
     */
    public void errorBuffer() {
        if (writing) return;
        List<C> failing = buffered == null || buffered.isEmpty() ? List.of() : new ArrayList<>(buffered);
        for (C c : failing) {
            length -= c.length();
            Consumer<Throwable> cb = c.callback();
            if (cb != null) cb.accept(errored != null ? errored : streamDestroyed("write"));
        }
        callFinishedCallbacks(errored != null ? errored : streamDestroyed("end"));
        // Only the chunks failed here: a callback that revived and wrote keeps its own (behind them).
        for (C c : failing) {
            if (buffered.peekFirst() == c) buffered.pollFirst();
            else buffered.removeFirstOccurrence(c);
        }
    }

    /** Node's {@code clearBuffer(stream, state)}: hands what waits to {@code _writev} (or {@code _write}). */
    private void clearBuffer() {
        if (destroyed || bufferProcessing || corked > 0 || buffered == null || buffered.isEmpty()) return;
        bufferProcessing = true;
        if (buffered.size() > 1) {
            List<C> chunks = new ArrayList<>(buffered);
            buffered.clear();
            pendingcb -= chunks.size() - 1;
            long len = 0;
            boolean anyCb = false;
            for (C c : chunks) {
                len += c.length();
                anyCb |= c.callback() != null;
            }
            Consumer<Throwable> cb = !anyCb ? null : err -> {
                for (C c : chunks) {
                    Consumer<Throwable> one = c.callback();
                    if (one != null) one.accept(err);
                }
            };
            doWrite(true, len, null, chunks, cb);
        } else {
            do {
                C c = buffered.poll();
                doWrite(false, c.length(), c, null, c.callback());
            } while (!buffered.isEmpty() && !writing);
        }
        bufferProcessing = false;
    }

    // ---- ending

    /**
     * Node's {@code Writable.prototype.end(chunk, encoding, cb)} after any final chunk was
     * written ({@code chunkErr} is what that write returned).
     */
    public void end(Throwable chunkErr, Consumer<Throwable> cb) {
        Throwable err = chunkErr;
        if (corked > 0) {
            corked = 1;
            uncork();
        }
        if (err != null) {
            // Nothing: the write reported it.
        } else if (!ending && errored == null) {
            ending = true;
            finishMaybe(true);
            ended = true;
        } else if (finished) {
            err = alreadyFinished("end");
        } else if (destroyed) {
            err = streamDestroyed("end");
        }
        if (cb != null) {
            if (err != null) {
                Throwable e = err;
                nextTick(() -> cb.accept(e));
            } else if (errored != null) {
                Throwable e = errored;
                nextTick(() -> cb.accept(e));
            } else if (finished) {
                nextTick(() -> cb.accept(null));
            } else {
                // Kept even when destroyed: destroy(); end(cb) never calls cb (Node).
                if (onFinished == null) onFinished = new ArrayList<>(1);
                onFinished.add(cb);
            }
        }
    }

    /**
     * Node's {@code _undestroy()} for the writable side ({@code initSocketHandle} calls it on every
     * connect without a handle): the end/final/finish flags start over; what is buffered stays.
     */
    public void undestroy() {
        destroyed = false;
        closeEmitted = false;
        errored = null;
        errorEmitted = false;
        finalCalled = false;
        prefinished = false;
        ended = false;
        ending = false;
        finished = false;
    }

    /** Node's {@code ERR_MULTIPLE_CALLBACK}: a write or final callback was called twice. */
    protected Throwable multipleCallback() {
        return new IllegalStateException("ERR_MULTIPLE_CALLBACK: Callback called multiple times");
    }

    /** Node's {@code needFinish(state)}. */
    private boolean needFinish() {
        return ending && !destroyed && length == 0 && errored == null
                && (buffered == null || buffered.isEmpty()) && !finished && !writing && !errorEmitted && !closeEmitted;
    }

    private void onFinish(Throwable err) {
        if (prefinished) {
            errorOrDestroy(err != null ? err : multipleCallback(), false);
            return;
        }
        pendingcb--;
        if (err != null) {
            callFinishedCallbacks(err);
            errorOrDestroy(err, sync);
        } else if (needFinish()) {
            prefinished = true;
            emit("prefinish");
            // Node: 'finish' always comes on a later tick than _final's callback.
            pendingcb++;
            nextTick(this::finish);
        }
    }

    /** Node's {@code prefinish(stream, state)}: calls {@code _final} once. */
    private void prefinish() {
        if (prefinished || finalCalled) return;
        if (!destroyed) {
            finalCalled = true;
            sync = true;
            pendingcb++;
            try {
                _final(this::onFinish);
            } catch (RuntimeException e) {
                onFinish(e);
            }
            sync = false;
        } else {
            finalCalled = true;
            prefinished = true;
            emit("prefinish");
        }
    }

    /** Node's {@code finishMaybe(stream, state, sync)}. */
    public void finishMaybe(boolean isSync) {
        if (!needFinish()) return;
        prefinish();
        if (pendingcb == 0) {
            if (isSync) {
                pendingcb++;
                nextTick(() -> {
                    if (needFinish()) finish();
                    else pendingcb--;
                });
            } else if (needFinish()) {
                pendingcb++;
                finish();
            }
        }
    }

    private void finish() {
        pendingcb--;
        finished = true;
        callFinishedCallbacks(null);
        emit("finish");
        autoDestroy();
    }

    private void callFinishedCallbacks(Throwable err) {
        List<Consumer<Throwable>> cbs = onFinished;
        if (cbs == null) return;
        onFinished = null;
        for (Consumer<Throwable> cb : cbs) cb.accept(err);
    }
}
