package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Node's promise APIs as futures (decisions D52, D53): {@code events.once}, {@code stream.finished}
 * and the promisified write/end/connect/listen/close, completing normally and exceptionally, waited
 * for from the test thread while the loop runs on its own; waiting on the loop's thread is refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromisesTest {
    private static final long WAIT = 20;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLoop loop = kit.loop();
    private final List<Throwable> uncaught = new ArrayList<>();
    private Timer keepAlive;

    /** The loop on its own thread, kept alive by a timer until the test ends. */
    private void startLoop() {
        loop.onUncaughtException(e -> {
            synchronized (uncaught) {
                uncaught.add(e);
            }
        });
        keepAlive = loop.setInterval(() -> { }, 60_000);
        loop.start();
    }

    @AfterEach
    void noUncaughtErrors() {
        if (keepAlive != null) loop.execute(keepAlive::clear);
        synchronized (uncaught) {
            assertEquals(List.of(), uncaught, "errors a future listened to are not uncaught");
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    /** The failure of {@code f}, which must fail. */
    private static Throwable failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void aRoundTripInFutures() throws Exception {
        startLoop();
        String path = kit.path("p.sock");
        UServer server = new UServer(loop);
        assertSame(server, get(Promises.listen(server, path)));
        CompletableFuture<USocket> accepted = EventEmitter.once(server, UServer.CONNECTION);
        USocket client = get(Promises.connect(loop, path));
        USocket s = get(accepted);
        assertEquals(0, server.listenerCount("error"), "the 'error' listener of once() is gone once it completed");

        CompletableFuture<byte[]> data = Promises.once(s, USocket.DATA);
        get(Promises.write(client, "hi"));
        assertTrue(client.bytesWritten() >= 2, "completed once the bytes were in the kernel");
        assertEquals("hi", new String(get(data), StandardCharsets.UTF_8));

        CompletableFuture<Void> clientDone = Promises.finished(client);
        CompletableFuture<Void> serverDone = Promises.finished(s);
        CompletableFuture<Void> closed = Promises.close(server);    // completes after its last connection closed
        CompletableFuture<Boolean> clientClosed = EventEmitter.once(client, USocket.CLOSE);
        get(Promises.end(client));
        assertTrue(client.writableFinished());
        get(clientDone);                                             // s ends too (allowHalfOpen false)
        get(serverDone);
        assertTrue(client.readableEnded() && s.writableFinished());
        get(closed);
        assertFalse(server.listening());
        // Finished after the close of a socket whose both sides had ended: completes.
        assertFalse(get(clientClosed), "hadError");
        get(Promises.finished(client));
    }

    @Test
    void connectToAMissingPathFailsWithEnoent() throws Exception {
        startLoop();
        String missing = kit.path("missing.sock");
        Throwable err = failure(Promises.connect(loop, missing));
        USocketException e = assertInstanceOf(USocketException.class, err);
        assertEquals("ENOENT", e.code());
        assertEquals("connect", e.syscall());
        assertEquals("connect ENOENT " + missing, e.getMessage());

        // The same through BlockingSocket-free plain futures: finished() of the failed socket gets the error too.
        USocket s = new USocket(loop);
        CompletableFuture<Void> done = Promises.finished(s);
        s.connect(missing);
        assertEquals("ENOENT", ((CodedError) failure(done)).code());
    }

    @Test
    void listenOnABusyPathAndClosingAStoppedServerFail() throws Exception {
        startLoop();
        String path = kit.path("busy.sock");
        UServer first = new UServer(loop);
        get(Promises.listen(first, path));
        assertEquals("EADDRINUSE", ((CodedError) failure(Promises.listen(new UServer(loop), path))).code());
        get(Promises.close(first));
        assertEquals("ERR_SERVER_NOT_RUNNING", ((CodedError) failure(Promises.close(first))).code());
    }

    /** A peer destroyed with our bytes unread: the write's future and finished() fail with its reset. */
    @Test
    void peerResetFailsTheWriteAndFinished() throws Exception {
        startLoop();
        String path = kit.path("reset.sock");
        UServer server = new UServer(loop);
        get(Promises.listen(server, path));
        CompletableFuture<USocket> accepted = EventEmitter.once(server, UServer.CONNECTION);
        USocket client = get(Promises.connect(loop, path));
        USocket s = get(accepted);
        server.close();
        s.pause();
        CompletableFuture<Void> done = Promises.finished(client);
        CompletableFuture<Void> write = Promises.write(client, new byte[4 << 20]);   // more than the kernel holds
        assertFalse(write.isDone());
        s.close();                                                                  // destroy, unread bytes in its buffer
        String code = ((CodedError) failure(write)).code();
        assertTrue(Set.of("EPIPE", "ECONNRESET").contains(code), code);
        assertEquals(code, ((CodedError) failure(done)).code());
    }

    @Test
    void finishedFailsOnAPrematureClose() throws Exception {
        startLoop();
        String path = kit.path("premature.sock");
        UServer server = new UServer(loop);
        get(Promises.listen(server, path));
        CompletableFuture<USocket> accepted = EventEmitter.once(server, UServer.CONNECTION);
        USocket client = get(Promises.connect(loop, path));
        USocket s = get(accepted);
        server.close();
        CompletableFuture<Void> done = Promises.finished(client);
        client.destroy();
        assertEquals("ERR_STREAM_PREMATURE_CLOSE", ((CodedError) failure(done)).code());
        assertEquals("Premature close", failure(done).getMessage());
        // Called after the close: the same answer, not a future that never completes.
        assertEquals("ERR_STREAM_PREMATURE_CLOSE", ((CodedError) failure(Promises.finished(client))).code());
        s.destroy();
    }

    /** events.once on any emitter: the argument, or the 'error' emitted first; 'error' itself resolves. */
    @Test
    void onceOnAPlainEmitter() throws Exception {
        EventEmitter e = new EventEmitter();
        CompletableFuture<String> hello = EventEmitter.once(e, "hello");
        CompletableFuture<Throwable> error = EventEmitter.once(e, "error");
        assertEquals(2, e.listenerCount("error"));
        e.emit("hello", "world");
        assertEquals("world", hello.getNow(null));
        CompletableFuture<Object> never = EventEmitter.once(e, "never");
        USocketException boom = new USocketException("ERR_BOOM", "boom");
        e.emit("error", boom);
        assertSame(boom, error.getNow(null));
        assertSame(boom, assertThrows(ExecutionException.class, () -> never.get()).getCause());
        assertEquals(0, e.listenerCount("error"));
        assertEquals(0, e.listenerCount("never"));
        // Cancelling removes the listeners too.
        CompletableFuture<Object> cancelled = EventEmitter.once(e, "x");
        cancelled.cancel(false);
        assertEquals(0, e.listenerCount("x") + e.listenerCount("error"));
    }

    /** Waiting on the loop's thread (or while nobody runs the loop) throws instead of hanging forever. */
    @Test
    void waitingOnTheLoopThreadIsRefused() throws Exception {
        UServer server = new UServer(loop);
        CompletableFuture<USocket> conn = EventEmitter.once(server, UServer.CONNECTION);
        InvalidStateException notRunning = assertThrows(InvalidStateException.class, conn::join);
        assertEquals("ERR_BLOCKING_ON_LOOP_THREAD", notRunning.code());
        List<String> codes = new ArrayList<>();
        loop.setTimeout(() -> {
            for (CompletableFuture<?> f : List.of(conn, conn.thenApply(s -> s))) {
                try {
                    f.get();
                } catch (InvalidStateException e) {
                    codes.add(e.code());
                } catch (Exception e) {
                    codes.add(e.toString());
                }
                try {
                    f.join();
                } catch (InvalidStateException e) {
                    codes.add(e.code());
                }
            }
            conn.cancel(false);
        }, 1);
        loop.run();
        assertEquals(List.of("ERR_BLOCKING_ON_LOOP_THREAD", "ERR_BLOCKING_ON_LOOP_THREAD",
                "ERR_BLOCKING_ON_LOOP_THREAD", "ERR_BLOCKING_ON_LOOP_THREAD"), codes);
        assertTrue(notRunning.getMessage().startsWith("join() blocks, so it must not be called on the event loop's thread"),
                notRunning.getMessage());
    }
}
