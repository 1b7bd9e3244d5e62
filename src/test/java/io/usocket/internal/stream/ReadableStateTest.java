package io.usocket.internal.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Readable} alone, as node's test-stream-readable-* tests exercise {@code new Readable({read})}:
 * no socket, no loop; a tick queue stands for {@code process.nextTick} and draining it for the
 * end of a turn. Each expected trace is node v20.20's output for the same program with
 * {@code highWaterMark: 4} (quoted in the test's comment).
 */
class ReadableStateTest {
    private final List<String> log = new ArrayList<>();
    private final ArrayDeque<Runnable> ticks = new ArrayDeque<>();
    private final Map<String, List<Consumer<Object>>> listeners = new HashMap<>();
    private boolean destroyed;
    private Throwable errored;
    private final Readable r = new Readable(4) {
        @Override
        protected void _read(int n) {
            log.add("_read " + n);
        }

        @Override
        protected void emit(String event) {
            emit(event, null);
        }

        @Override
        protected void emit(String event, Object arg) {
            for (Consumer<Object> l : List.copyOf(listeners.getOrDefault(event, List.of()))) l.accept(arg);
        }

        @Override
        protected void nextTick(Runnable t) {
            ticks.add(t);
        }

        @Override
        protected int listenerCount(String event) {
            return listeners.getOrDefault(event, List.of()).size();
        }

        @Override
        protected boolean destroyed() {
            return destroyed;
        }

        @Override
        protected boolean errored() {
            return errored != null;
        }

        @Override
        protected boolean errorEmitted() {
            return false;
        }

        @Override
        protected void errorOrDestroy(Throwable err) {
            errored = err;
            destroyed = true;
            nextTick(() -> emit("error", err));
        }

        @Override
        protected Throwable unshiftAfterEndEvent() {
            return new IllegalStateException("ERR_STREAM_UNSHIFT_AFTER_END_EVENT");
        }

        @Override
        protected Throwable pushAfterEof() {
            return new IllegalStateException("ERR_STREAM_PUSH_AFTER_EOF");
        }

        @Override
        protected RuntimeException sizeOutOfRange(long n) {
            return new IllegalArgumentException("ERR_OUT_OF_RANGE The value of \"size\" is out of range. It must be <= 1GiB. Received " + n);
        }

        @Override
        protected void afterEndEmitted() {
        }
    };

    private void on(String event, Consumer<Object> l) {
        listeners.computeIfAbsent(event, k -> new ArrayList<>()).add(l);
        r.on(event);
    }

    private void drain() {
        Runnable t;
        while ((t = ticks.poll()) != null) t.run();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(Object o) {
        return o instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(o);
    }

    /** node: _read 4 | push ab=true | push cd=false | readable | _read 4 | read abcd | readable | end */
    @Test
    void pausedModeReadableCycleAndEnd() {
        on("readable", x -> {
            log.add("readable");
            byte[] c;
            while ((c = r.read(-1)) != null) log.add("read " + s(c));
        });
        on("end", x -> log.add("end"));
        drain();
        log.add("push ab=" + r.push(b("ab")));
        log.add("push cd=" + r.push(b("cd")));
        drain();
        r.push(null);
        drain();
        assertEquals(List.of("_read 4", "push ab=true", "push cd=false", "readable", "_read 4", "read abcd", "readable", "end"), log);
    }

    /** node: resumed | resume | _read 4 | data ab | data cd */
    @Test
    void flowingModeEmitsOneChunkPerData() {
        r.pause();
        r.push(b("ab"));
        r.push(b("cd"));
        on("data", d -> log.add("data " + s(d)));
        on("resume", x -> log.add("resume"));
        r.resume();
        log.add("resumed");
        drain();
        assertEquals(List.of("resumed", "resume", "_read 4", "data ab", "data cd"), log);
    }

    /** node: _read 8 | read=null | hwm=8 | ERR_OUT_OF_RANGE The value of "size" is out of range. It must be <= 1GiB. Received 1073741825 */
    @Test
    void readAboveTheMarkRaisesItToAPowerOfTwoUpToOneGiB() {
        log.add("read=" + r.read(5));
        log.add("hwm=" + r.highWaterMark);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.read((1 << 30) + 1));
        log.add(e.getMessage());
        assertEquals(List.of("_read 8", "read=null", "hwm=8",
                "ERR_OUT_OF_RANGE The value of \"size\" is out of range. It must be <= 1GiB. Received 1073741825"), log);
    }

    /** node: error ERR_STREAM_PUSH_AFTER_EOF */
    @Test
    void pushAfterEofIsAnError() {
        on("error", e -> log.add("error " + ((Throwable) e).getMessage()));
        r.push(null);
        r.push(b("x"));
        drain();
        assertEquals(List.of("error ERR_STREAM_PUSH_AFTER_EOF"), log);
    }

    /** node: end | error ERR_STREAM_UNSHIFT_AFTER_END_EVENT */
    @Test
    void unshiftAfterEndIsAnError() {
        on("error", e -> log.add("error " + ((Throwable) e).getMessage()));
        on("end", x -> {
            log.add("end");
            r.unshift(b("z"));
        });
        r.resume();
        r.push(null);
        drain();
        assertEquals(List.of("end", "error ERR_STREAM_UNSHIFT_AFTER_END_EVENT"), log);
    }

    /** Flowing with nothing buffered and past the first read: unshift emits at once. node: _read 4 | data u | after unshift */
    @Test
    void unshiftWhileFlowingWithAnEmptyBufferEmitsAtOnce() {
        on("data", d -> log.add("data " + s(d)));
        drain();
        r.unshift(b("u"));
        log.add("after unshift");
        drain();
        assertEquals(List.of("_read 4", "data u", "after unshift"), log);
    }
}
