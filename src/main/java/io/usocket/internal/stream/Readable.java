package io.usocket.internal.stream;

/**
 * Node's {@code Readable} state machine ({@code lib/internal/streams/readable.js} of node 20):
 * the {@code ReadableState} flags and the functions of a readable byte stream, by Node's names
 * and in Node's order, knowing nothing of sockets, epoll or fds. A subclass supplies Node's hook
 * {@link #_read} and the stream services ({@link #emit}, {@link #nextTick},
 * {@link #listenerCount}, the destroy state, {@link #errorOrDestroy}), as
 * {@link Writable} does for the writable side.
 *
 * <p>The owner feeds it with {@link #push} ({@code null}: end of stream) from its source and
 * consumes with {@link #read}; consumers choose paused or flowing mode with {@link #pause},
 * {@link #resume} and listeners ({@link #on}, {@link #removeListener}).
 *
 * <p>Where this differs from Node, on purpose: the buffer holds bytes even after
 * {@code setEncoding} (its {@link #decoder} turns chunks into strings as {@code 'data'} is
 * emitted: a Java {@code read()} returns {@code byte[]}), so {@code readableLength} counts bytes;
 * and {@link #hasAncillary()} lets an owner with more than bytes to read (usocket's received
 * fds) ask for {@code 'readable'} while no byte is buffered.
 *
 * <p>Thread rule (decisions D20): every method runs on the owning loop's thread.
 */
public abstract class Readable {
    /** Node's MAX_HWM: read(n) never raises the high-water mark past 1 GiB. */
    public static final int MAX_HWM = 0x40000000;

    /** Received chunks not yet read ({@code state.buffer} with {@code state.length}). */
    public final ChunkQueue buffer = new ChunkQueue();
    /** The point at which push() starts returning false ({@code readableHighWaterMark}). */
    public int highWaterMark;
    /** Null: no consumer chose a mode yet; true: flowing ({@code 'data'}); false: paused. */
    public Boolean flowing;
    /** The end of the stream was pushed (or read past). */
    public boolean ended;
    /** {@code 'end'} was emitted ({@code readableEnded}). */
    public boolean endEmitted;
    /** {@code _read} was called and nothing was pushed since. */
    public boolean reading;
    /** True while a {@code _read} call is on the stack, and until the first one: pushes then wait in the buffer. */
    public boolean sync = true;
    /** A read() returned null: {@code 'readable'} is due when something arrives. */
    public boolean needReadable;
    /** A {@code 'readable'} is scheduled or was emitted and not yet followed by a read(). */
    public boolean emittedReadable;
    /** A {@code 'readable'} listener takes the stream out of flowing mode. */
    public boolean readableListening;
    /** resume_ is scheduled on the next tick. */
    public boolean resumeScheduled;
    /** maybeReadMore_ is scheduled on the next tick. */
    public boolean readingMore;
    /** {@code 'data'} was emitted at least once ({@code readableDidRead}). */
    public boolean dataEmitted;
    /** destroy.js's closeEmitted: set by the owner on the tick after destroy; no {@code 'data'} or {@code 'end'} after it. */
    public boolean closeEmitted;
    /** Node's {@code state[kPaused]}: null until pause() or resume() was called. */
    public Boolean paused;
    /** How many destinations this stream pipes to ({@code state.pipes.length}): the last unpipe pauses it. */
    public int pipes;
    /** {@code setEncoding}'s decoder: {@code 'data'} carries its strings. */
    public StringDecoder decoder;
    /** maybeReadMore_ as a task, made on the first push and kept: a stream schedules it after every chunk. */
    private Runnable maybeReadMoreTick;

    protected Readable(int highWaterMark) {
        this.highWaterMark = highWaterMark;
    }

    // ---- the hooks (Node's _read and the stream's services)

    /** Node's {@code _read(n)}: start producing; chunks come back through {@link #push}. */
    protected abstract void _read(int n);

    protected abstract void emit(String event);

    protected abstract void emit(String event, Object arg);

    protected abstract void nextTick(Runnable r);

    protected abstract int listenerCount(String event);

    /** Node's {@code state.destroyed}. */
    protected abstract boolean destroyed();

    /** Node's {@code state.errored != null}. */
    protected abstract boolean errored();

    /** Node's {@code state.errorEmitted}. */
    protected abstract boolean errorEmitted();

    /** Node's {@code destroyImpl.errorOrDestroy(stream, err)}. */
    protected abstract void errorOrDestroy(Throwable err);

    /** Node's {@code ERR_STREAM_UNSHIFT_AFTER_END_EVENT}. */
    protected abstract Throwable unshiftAfterEndEvent();

    /** Node's {@code ERR_STREAM_PUSH_AFTER_EOF}. */
    protected abstract Throwable pushAfterEof();

    /** Node's {@code ERR_OUT_OF_RANGE('size', '<= 1GiB', n)}, thrown by read(n). */
    protected abstract RuntimeException sizeOutOfRange(long n);

    /**
     * The rest of Node's {@code endReadableNT} after {@code 'end'}: a Duplex ends its writable
     * side (allowHalfOpen false) or auto-destroys.
     */
    protected abstract void afterEndEmitted();

    /** Whether the owner holds something to read besides bytes; a {@code 'readable'} is then due with an empty buffer. */
    protected boolean hasAncillary() {
        return false;
    }

    // ---- state read by the owner

    /** Node's {@code isPaused()}. */
    public boolean isPaused() {
        return Boolean.TRUE.equals(paused) || Boolean.FALSE.equals(flowing);
    }

    /** Node's {@code readableLength}. */
    public long length() {
        return buffer.length();
    }

    // ---- push and unshift

    /** Node's {@code push(chunk)}; {@code null} is the end of the stream. False: the buffer is full. */
    public boolean push(byte[] chunk) {
        return readableAddChunk(chunk, false);
    }

    /** Node's {@code unshift(chunk)}: bytes back at the front of the buffer. */
    public boolean unshift(byte[] chunk) {
        return readableAddChunk(chunk, true);
    }

    private boolean readableAddChunk(byte[] chunk, boolean addToFront) {
        if (chunk == null) {
            reading = false;
            onEofChunk();
        } else if (chunk.length > 0) {
            if (addToFront) {
                if (endEmitted) errorOrDestroy(unshiftAfterEndEvent());
                else if (destroyed() || errored()) return false;
                else addChunk(chunk, true);
            } else if (ended) {
                errorOrDestroy(pushAfterEof());
            } else if (destroyed() || errored()) {
                return false;
            } else {
                reading = false;
                addChunk(chunk, false);
            }
        } else if (!addToFront) {
            reading = false;
            maybeReadMore();
        }
        return canPushMore();
    }

    /** Below the high-water mark, or nothing buffered at all (so a zero mark still reads a chunk at a time). */
    private boolean canPushMore() {
        return !ended && (buffer.length() < highWaterMark || buffer.length() == 0);
    }

    private void addChunk(byte[] chunk, boolean addToFront) {
        if (Boolean.TRUE.equals(flowing) && buffer.length() == 0 && !sync && listenerCount("data") > 0) {
            dataEmitted = true;
            emitData(chunk);
        } else {
            if (addToFront) buffer.unshift(chunk);
            else buffer.push(chunk);
            if (needReadable) emitReadable();
        }
        maybeReadMore();
    }

    private void emitData(byte[] chunk) {
        if (decoder == null) {
            emit("data", chunk);
            return;
        }
        // Node decodes at push; here the buffer keeps bytes, decoded in the same order as they leave.
        String s = decoder.write(chunk);
        if (!s.isEmpty()) emit("data", s);
    }

    // ---- read

    /** Node's {@code computeNewHighWaterMark(n)}: the next power of two, at most 1 GiB. */
    public int computeNewHighWaterMark(long n) {
        if (n > MAX_HWM) throw sizeOutOfRange(n);
        return n <= 1 ? (int) n : Integer.highestOneBit((int) n - 1) << 1;
    }

    private int howMuchToRead(int n) {
        long length = buffer.length();
        if (n == 0 || (length == 0 && ended)) return 0;
        if (n < 0) {
            // Only flow one buffer at a time.
            if (Boolean.TRUE.equals(flowing) && length > 0) return buffer.firstChunkLength();
            // A byte[] holds at most 2^31-1 bytes: read() of more hands them out in several reads.
            return (int) Math.min(length, Integer.MAX_VALUE - 8);
        }
        if (n <= length) return n;
        return ended ? (int) length : 0;
    }

    /**
     * Node's {@code read(n)}; {@code n < 0} is Node's {@code read()} without a size. Returns the
     * bytes (and emits them as {@code 'data'}), or null.
     */
    public byte[] read(int n) {
        int nOrig = n;
        if (n > highWaterMark) highWaterMark = computeNewHighWaterMark(n);
        if (n != 0) emittedReadable = false;
        // read(0) to trigger a 'readable' with a full buffer: just trigger it.
        if (n == 0 && needReadable
                && ((highWaterMark != 0 ? buffer.length() >= highWaterMark : buffer.length() > 0) || ended)) {
            if (buffer.length() == 0 && ended) endReadable();
            else emitReadable();
            return null;
        }
        n = howMuchToRead(n);
        if (n == 0 && ended) {
            if (buffer.length() == 0) endReadable();
            return null;
        }
        boolean doRead = needReadable;
        if (buffer.length() == 0 || buffer.length() - n < highWaterMark) doRead = true;
        if (reading || ended || destroyed() || errored()) {
            doRead = false;
        } else if (doRead) {
            callRead();
            // _read may have pushed synchronously: what read() can return may have changed.
            if (!reading) n = howMuchToRead(nOrig);
        }
        byte[] ret = n > 0 ? buffer.take(n) : null;
        if (ret == null) {
            needReadable = buffer.length() <= highWaterMark;
            n = 0;
        }
        if (buffer.length() == 0) {
            // Nothing buffered: we want to know as soon as something is.
            if (!ended) needReadable = true;
            // read() past the end: 'end' on the next tick.
            if (nOrig != n && ended) endReadable();
        }
        if (ret != null && !errorEmitted() && !closeEmitted) {
            dataEmitted = true;
            emitData(ret);
        }
        return ret;
    }

    /**
     * The {@code _read} step of {@link #read(int)} on its own, for an owner's read variant that
     * takes from the buffer itself (usocket's {@code read(size, count)}): asks for more when
     * nothing is being read and the buffer is below the mark or a {@code 'readable'} is wanted.
     */
    public void readMore() {
        if (reading || ended || destroyed() || errored()) return;
        if (needReadable || buffer.length() < highWaterMark || buffer.length() == 0) callRead();
    }

    private void callRead() {
        reading = true;
        sync = true;
        // Nothing buffered: a 'readable' is needed.
        if (buffer.length() == 0) needReadable = true;
        try {
            _read(highWaterMark);
        } catch (RuntimeException e) {
            errorOrDestroy(e);
        }
        sync = false;
    }

    private void onEofChunk() {
        if (ended) return;
        if (decoder != null) {
            // Node pushes the decoder's rest into the buffer; the buffer holds bytes here, so the
            // rest (only ever a replacement character) goes out at once.
            String rest = decoder.end();
            if (!rest.isEmpty()) emit("data", rest);
        }
        ended = true;
        if (sync) {
            // Inside a _read call: wait until next tick, or flow() could run inside read().
            emitReadable();
        } else {
            // 'readable' now, so that it is picked up at the end.
            needReadable = false;
            emittedReadable = true;
            emitReadable_();
        }
    }

    /** Node's {@code emitReadable(stream)}: {@code 'readable'} on the next tick, once. */
    public void emitReadable() {
        needReadable = false;
        if (!emittedReadable) {
            emittedReadable = true;
            nextTick(this::emitReadable_);
        }
    }

    private void emitReadable_() {
        if (!destroyed() && !errored() && (buffer.length() > 0 || ended || hasAncillary())) {
            emit("readable");
            emittedReadable = false;
        }
        // Another 'readable' is needed unless flowing (flow takes care), ended, or above the mark.
        needReadable = !Boolean.TRUE.equals(flowing) && !ended && buffer.length() <= highWaterMark;
        flow();
    }

    /** Node's {@code maybeReadMore}: on the next tick, read(0) while below the mark. */
    private void maybeReadMore() {
        if (!readingMore) {
            readingMore = true;
            if (maybeReadMoreTick == null) maybeReadMoreTick = this::maybeReadMore_;
            nextTick(maybeReadMoreTick);
        }
    }

    private void maybeReadMore_() {
        while (!reading && !ended
                && (buffer.length() < highWaterMark || (Boolean.TRUE.equals(flowing) && buffer.length() == 0))) {
            long len = buffer.length();
            read(0);
            // Nothing came: stop spinning.
            if (len == buffer.length()) break;
        }
        readingMore = false;
    }

    // ---- modes

    /** Node's {@code resume()}: flowing from the next tick (unless a {@code 'readable'} listener holds it). */
    public void resume() {
        if (!Boolean.TRUE.equals(flowing)) {
            flowing = !readableListening;
            if (!resumeScheduled) {
                resumeScheduled = true;
                nextTick(this::resume_);
            }
        }
        paused = false;
    }

    private void resume_() {
        if (!reading) read(0);
        resumeScheduled = false;
        emit("resume");
        flow();
        if (Boolean.TRUE.equals(flowing) && !reading) read(0);
    }

    /** Node's {@code pause()}. */
    public void pause() {
        if (!Boolean.FALSE.equals(flowing)) {
            flowing = false;
            emit("pause");
        }
        paused = true;
    }

    private void flow() {
        while (Boolean.TRUE.equals(flowing) && read(-1) != null) {
            // read() emits 'data'
        }
    }

    /** Node's {@code Readable.prototype.on} after the listener was added: {@code 'data'} resumes, {@code 'readable'} pauses. */
    public void on(String event) {
        if ("data".equals(event)) {
            // So that resume() is a no-op below when a 'readable' listener is there (once('readable')).
            readableListening = listenerCount("readable") > 0;
            if (!Boolean.FALSE.equals(flowing)) resume();
        } else if ("readable".equals(event)) {
            if (!endEmitted && !readableListening) {
                readableListening = true;
                needReadable = true;
                flowing = false;
                emittedReadable = false;
                if (buffer.length() > 0 || hasAncillary()) emitReadable();
                else if (!reading) nextTick(() -> read(0));
            }
        }
    }

    /**
     * Node's {@code removeListener}/{@code removeAllListeners} after the removal ({@code event}
     * null: all events): the {@code 'readable'} state is looked at again on the next tick, so
     * that {@code once('readable')} cycles keep working.
     */
    public void removeListener(String event) {
        if (event == null || "readable".equals(event)) nextTick(this::updateReadableListening);
    }

    private void updateReadableListening() {
        readableListening = listenerCount("readable") > 0;
        if (resumeScheduled && Boolean.FALSE.equals(paused)) {
            // Flowing now, or the upcoming resume_ would not flow.
            flowing = true;
        } else if (listenerCount("data") > 0) {
            resume();
        } else if (!readableListening) {
            flowing = null;
        }
    }

    // ---- end

    /** Node's {@code endReadable(stream)}: {@code 'end'} on the next tick if nothing is left then. */
    public void endReadable() {
        if (!endEmitted) {
            ended = true;
            nextTick(this::endReadableNT);
        }
    }

    private void endReadableNT() {
        // Check that no last unshift came in between.
        if (!errored() && !closeEmitted && !endEmitted && buffer.length() == 0) {
            endEmitted = true;
            emit("end");
            afterEndEmitted();
        }
    }

    /** destroy.js's {@code undestroy} for the readable side: a new connection starts over. */
    public void undestroy() {
        closeEmitted = false;
        reading = false;
        ended = false;
        endEmitted = false;
    }
}
