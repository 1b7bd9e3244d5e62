package io.usocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered, thread-safe record of what a test saw, one string per event.
 *
 * <p>Entries are added on loop threads (or by set-up code before a loop runs) and read by the
 * test thread after {@code run()} returned, or through Awaitility while a loop runs on
 * {@code start()}. Every method is synchronized; {@link #all()} hands out a snapshot.
 */
public final class EventLog {
    private final List<String> entries = new ArrayList<>();

    /** Appends {@code entry}. */
    public synchronized void add(String entry) {
        entries.add(entry);
    }

    /** A copy of every entry, in order. */
    public synchronized List<String> all() {
        return new ArrayList<>(entries);
    }

    /** The entries starting with {@code prefix + " "}, in order (one side of a conversation). */
    public synchronized List<String> of(String prefix) {
        List<String> out = new ArrayList<>();
        for (String e : entries) if (e.startsWith(prefix + " ")) out.add(e);
        return out;
    }

    /** Whether {@code entry} was recorded. */
    public synchronized boolean contains(String entry) {
        return entries.contains(entry);
    }

    /** A listener that records {@code entry}. */
    public Runnable rec(String entry) {
        return () -> add(entry);
    }

    /**
     * Records the listed events of {@code e} as {@code "<name> <event>"}: {@code close} as
     * {@code close(hadError)}, {@code error} with its {@link #code}, {@code data} as UTF-8 text.
     */
    public void trace(EventEmitter e, String name, String... events) {
        for (String ev : events) {
            switch (ev) {
                case "close" -> e.on("close", (Object had) -> add(name + " close(" + had + ")"));
                case "error" -> e.on("error", (Throwable t) -> add(name + " error " + code(t)));
                case "data" -> e.on("data", (Object d) -> add(name + " data " + text(d)));
                default -> e.on(ev, () -> add(name + " " + ev));
            }
        }
    }

    /**
     * Records the listed events of {@code s} in the byte-stream tests' Node ground-truth style,
     * {@code "<tag> <event> [<arg>]"} ({@code close} as {@code hadError=<b>}, other arguments as
     * {@link #str}), followed by {@code " [rs=<readyState> destroyed=<b>]"} when {@code withState}.
     */
    public void traceStream(USocket s, String tag, boolean withState, String... events) {
        for (String ev : events) {
            s.on(ev, (Object a) -> {
                StringBuilder b = new StringBuilder(tag).append(' ').append(ev);
                if (a != null) b.append(' ').append("close".equals(ev) ? "hadError=" + a : str(a));
                if (withState) b.append(" [rs=").append(s.readyState()).append(" destroyed=").append(s.destroyed()).append(']');
                add(b.toString());
            });
        }
    }

    @Override
    public synchronized String toString() {
        return entries.toString();
    }

    // ---- how values are written into entries ----

    /** An error as its code ({@code "null"} for none; the message when it has no code). */
    public static String code(Throwable t) {
        if (t == null) return "null";
        if (t instanceof CodedError c && c.code() != null) return c.code();
        return t.getMessage();
    }

    /** Bytes as UTF-8 text, anything else as {@code String.valueOf}. */
    public static String text(Object d) {
        return d instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(d);
    }

    /** A short rendering: byte[] (as ISO-8859-1) and String quoted, errors as their {@link #code}, null as "null". */
    public static String str(Object o) {
        if (o == null) return "null";
        if (o instanceof byte[] b) return '"' + new String(b, StandardCharsets.ISO_8859_1) + '"';
        if (o instanceof String s) return '"' + s + '"';
        if (o instanceof Throwable t) return code(t);
        return String.valueOf(o);
    }

    /** The UTF-8 bytes of {@code s}. */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Node's error fields in one line (the node trace format.js's errStr shape), with {@code dir} shown as {@code <dir>}. */
    public static String describe(Throwable t, Path dir) {
        String d = dir.toString();
        if (t instanceof USocketException e) {
            return "{code=" + e.code() + " errno=" + e.errno() + " syscall=" + e.syscall() + " address="
                    + String.valueOf(e.address()).replace(d, "<dir>") + " message=\"" + e.getMessage().replace(d, "<dir>") + "\"}";
        }
        return "{" + t.getClass().getSimpleName() + " code=" + code(t) + " message=\""
                + String.valueOf(t.getMessage()).replace(d, "<dir>") + "\"}";
    }
}
