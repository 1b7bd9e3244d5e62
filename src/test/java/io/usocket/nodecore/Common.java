package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The stand-ins the ported tests need for node's {@code test/common}: {@code mustCall(fn, n)},
 * {@code mustCallAtLeast}, {@code mustNotCall} and {@code mustSucceed}.
 *
 * <p>Node checks its {@code mustCall} counts when the process exits; here they are checked
 * after each test ({@code @RegisterExtension final Common common = new Common();}), once the
 * test's loop has returned from {@code run()} (the Java form of "the process exits").
 * A {@code mustNotCall} that runs throws an {@link AssertionError} where it runs (in a loop
 * callback that stops the loop and makes {@code run()} throw it) and is also remembered, so the
 * test fails even where the library would swallow the throw.
 */
public final class Common implements AfterEachCallback {
    private final List<Counted> counted = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();

    private record Counted(String what, AtomicInteger calls, int expected, boolean atLeast) {
    }

    private synchronized AtomicInteger count(String what, int expected, boolean atLeast) {
        AtomicInteger calls = new AtomicInteger();
        counted.add(new Counted(what, calls, expected, atLeast));
        return calls;
    }

    private static String caller() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (!e.getClassName().equals(Common.class.getName())) return e.toString();
        }
        return "?";
    }

    /** {@code common.mustCall()}: a no-op that must run exactly once. */
    public Runnable mustCall() {
        return mustCall(() -> { }, 1);
    }

    /** {@code common.mustCall(fn)}: {@code fn}, which must run exactly once. */
    public Runnable mustCall(Runnable fn) {
        return mustCall(fn, 1);
    }

    /** {@code common.mustCall(fn, n)}: {@code fn}, which must run exactly {@code n} times. */
    public Runnable mustCall(Runnable fn, int n) {
        AtomicInteger calls = count(caller(), n, false);
        return () -> {
            calls.incrementAndGet();
            fn.run();
        };
    }

    /** {@code common.mustCall(fn)} for a listener that takes an argument. */
    public <T> Consumer<T> mustCall(Consumer<T> fn) {
        return mustCall(fn, 1);
    }

    /** {@code common.mustCall(fn, n)} for a listener that takes an argument. */
    public <T> Consumer<T> mustCall(Consumer<T> fn, int n) {
        AtomicInteger calls = count(caller(), n, false);
        return v -> {
            calls.incrementAndGet();
            fn.accept(v);
        };
    }

    /** {@code common.mustCall(fn)} for a callback with two arguments ({@code getConnections}). */
    public <A, B> BiConsumer<A, B> mustCall(BiConsumer<A, B> fn) {
        AtomicInteger calls = count(caller(), 1, false);
        return (a, b) -> {
            calls.incrementAndGet();
            fn.accept(a, b);
        };
    }

    /** {@code common.mustCallAtLeast(fn, n)}. */
    public <T> Consumer<T> mustCallAtLeast(Consumer<T> fn, int n) {
        AtomicInteger calls = count(caller(), n, true);
        return v -> {
            calls.incrementAndGet();
            fn.accept(v);
        };
    }

    /** {@code common.mustCallAtLeast(fn, n)} for a listener without argument. */
    public Runnable mustCallAtLeast(Runnable fn, int n) {
        AtomicInteger calls = count(caller(), n, true);
        return () -> {
            calls.incrementAndGet();
            fn.run();
        };
    }

    /** {@code common.mustNotCall()} as a listener without argument. */
    public Runnable mustNotCall() {
        String where = caller();
        return () -> failNow(where, null);
    }

    /** {@code common.mustNotCall()} as a listener or callback that takes an argument. */
    public <T> Consumer<T> mustNotCallArg() {
        String where = caller();
        return v -> failNow(where, v);
    }

    /**
     * {@code common.mustSucceed(fn)}: a callback that must run once, with no error (the Java
     * callbacks' {@code Consumer<Throwable>} form gets null for success).
     */
    public Consumer<Throwable> mustSucceed(Runnable fn) {
        AtomicInteger calls = count(caller(), 1, false);
        return err -> {
            calls.incrementAndGet();
            assertNull(err, "mustSucceed got an error");
            fn.run();
        };
    }

    /** {@code common.mustSucceed()}. */
    public Consumer<Throwable> mustSucceed() {
        return mustSucceed(() -> { });
    }

    private void failNow(String where, Object arg) {
        String msg = "mustNotCall function called (created at " + where + ")" + (arg == null ? "" : " with " + arg);
        synchronized (this) {
            unexpected.add(msg);
        }
        throw new AssertionError(msg);
    }

    /** Checks every count now (node does it at exit); also run after each test. */
    public synchronized void verify() {
        if (!unexpected.isEmpty()) fail(String.join("; ", unexpected));
        for (Counted c : counted) {
            if (c.atLeast) {
                assertTrue(c.calls.get() >= c.expected, "Mismatched function calls at " + c.what
                        + ": expected at least " + c.expected + ", actual " + c.calls.get());
            } else {
                assertEquals(c.expected, c.calls.get(), "Mismatched function calls at " + c.what);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        verify();
    }
}
