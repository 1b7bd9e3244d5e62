package io.usocket.interop;

import io.usocket.CodedError;
import io.usocket.EventLoop;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One interop test's loop, event log and peers. The loop runs on the test thread; an unref'd
 * guard timer logs {@code GUARD} and closes the loop after 20 s, so a stall fails the test's
 * event assertion instead of hanging it. {@link #close()} closes the loop (releasing epoll and
 * eventfd) and kills peers still running.
 */
final class InteropHarness implements AutoCloseable {
    static final String GUARD = "GUARD";

    final EventLoop loop = EventLoop.create();
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<InteropPeer> peers = Collections.synchronizedList(new ArrayList<>());

    InteropHarness() {
        loop.setTimeout(() -> {
            events.add(GUARD);
            loop.close();
        }, 20_000).unref();
    }

    /** Logs {@code connect}, {@code end}, {@code finish}, {@code close(hadError)} and {@code error CODE} as {@code "TAG event"}. */
    void trace(USocket s, String tag) {
        s.on("connect", () -> events.add(tag + " connect"));
        s.on("end", () -> events.add(tag + " end"));
        s.on("finish", () -> events.add(tag + " finish"));
        s.on("close", (Boolean hadError) -> events.add(tag + " close(" + hadError + ")"));
        s.on("error", (Throwable e) -> events.add(tag + " error " + code(e)));
    }

    void trace(UServer s, String tag) {
        s.on("error", (Throwable e) -> events.add(tag + " error " + code(e)));
    }

    InteropPeer peer(InteropPeer p) {
        peers.add(p);
        return p;
    }

    /**
     * The JDK opens a descriptor of its own (a socket kept for closing channels safely) the first
     * time a {@code FileChannel} is used; do that before a test's fd count so it is not taken
     * for a leak.
     */
    static void warmUpJdk() {
        try {
            Path p = Files.createTempFile("interop-warm-up", ".tmp");
            Files.write(p, new byte[] {1});
            Files.readAllBytes(p);
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void run() {
        loop.run();
    }

    static String code(Throwable e) {
        return e instanceof CodedError c ? c.code() : e.toString();
    }

    @Override
    public void close() {
        loop.close();
        synchronized (peers) {
            for (InteropPeer p : peers) p.close();
        }
    }
}
