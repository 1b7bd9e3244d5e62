package io.usocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thread blocked on a loop from outside wakes up with a coded error when the loop can no
 * longer end its wait (decisions D55): closed from another thread ({@code ERR_LOOP_CLOSED}),
 * stopped by an uncaught exception or out of work ({@code ERR_LOOP_STOPPED}); and the bounded
 * {@link BlockingSocket#read(Duration)}. Before D55 each of these waits blocked forever (the
 * tests then fail on their own bounded wait, never hang).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopGoneTest {
    private static final long WAIT = 30;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(100));
    private final EventLoop loop = kit.loop();

    /** Starts the loop kept alive by a listening server; returns its path. */
    private String startServing() throws Exception {
        String path = kit.path("gone.sock");
        UServer server = new UServer(loop);
        CompletableFuture<UServer> listening = Promises.listen(server, path);
        loop.start();
        listening.get(WAIT, TimeUnit.SECONDS);
        return path;
    }

    /** Runs {@code body} on a new thread, returns what it returned or threw, once it is blocked. */
    private static CompletableFuture<Object> blockedIn(Supplier<Object> body) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                outcome.complete(body.get());
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "waiter");
        t.start();
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> outcome.isDone()
                || t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
        return outcome;
    }

    private static String code(Object outcome) {
        Throwable t = (Throwable) outcome;
        if (t instanceof CompletionException || t instanceof ExecutionException) t = t.getCause();
        return ((CodedError) t).code();
    }

    @Test
    void aBlockedReaderGetsErrLoopClosedWhenAnotherThreadClosesTheLoop() throws Exception {
        String path = startServing();
        BlockingSocket client = BlockingSocket.connect(loop, path);
        CompletableFuture<Object> read = blockedIn(client::read);
        loop.close();
        Object outcome = read.get(WAIT, TimeUnit.SECONDS);
        assertInstanceOf(USocketException.class, outcome);
        assertEquals("ERR_LOOP_CLOSED", code(outcome));
        assertEquals("The event loop was closed while BlockingSocket.read waited for it", ((Throwable) outcome).getMessage());
        // and every later wait says so at once
        assertEquals("ERR_LOOP_CLOSED", assertThrows(InvalidStateException.class, client::read).code());
        assertEquals("ERR_LOOP_CLOSED", assertThrows(InvalidStateException.class, () -> client.write("x")).code());
        client.close();
    }

    @Test
    void joinGetAndBlockingCallsGetErrLoopClosed() throws Exception {
        String path = startServing();
        USocket s = Promises.connect(loop, path).get(WAIT, TimeUnit.SECONDS);
        CompletableFuture<Void> finished = Promises.finished(s);    // the peer never ends: never completes
        CompletableFuture<Object> join = blockedIn(finished::join);
        CompletableFuture<Object> derived = blockedIn(() -> {
            try {
                return finished.thenApply(v -> "x").get();
            } catch (InterruptedException | ExecutionException e) {
                return e;
            }
        });
        CompletableFuture<Object> timed = blockedIn(() -> {
            try {
                return Promises.once(s, USocket.DATA).get(1, TimeUnit.HOURS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                return e;
            }
        });
        loop.close();
        Object j = join.get(WAIT, TimeUnit.SECONDS);
        assertInstanceOf(CompletionException.class, j, "join() fails as CompletableFuture's join does");
        assertEquals("ERR_LOOP_CLOSED", code(j));
        assertEquals("ERR_LOOP_CLOSED", code(derived.get(WAIT, TimeUnit.SECONDS)));
        assertEquals("ERR_LOOP_CLOSED", code(timed.get(WAIT, TimeUnit.SECONDS)));
        assertTrue(finished.isCompletedExceptionally(), "the future itself is failed: other dependents learn it too");
    }

    @Test
    void anUncaughtExceptionThatStopsTheLoopWakesTheWaiterWithItAsCause() throws Exception {
        String path = startServing();
        BlockingSocket client = BlockingSocket.connect(loop, path);
        CompletableFuture<Object> read = blockedIn(client::read);
        CompletableFuture<Object> end = blockedIn(() -> Promises.once(client.socket(), USocket.END).join());
        IllegalStateException boom = new IllegalStateException("boom");
        loop.execute(() -> {
            throw boom;   // no uncaught handler: the loop stops (Node's crash)
        });
        for (CompletableFuture<Object> w : java.util.List.of(read, end)) {
            Object outcome = w.get(WAIT, TimeUnit.SECONDS);
            assertEquals("ERR_LOOP_STOPPED", code(outcome));
            Throwable err = outcome instanceof CompletionException c ? c.getCause() : (Throwable) outcome;
            assertSame(boom, err.getCause());
            assertTrue(err.getMessage().contains("an uncaught exception ended run(): java.lang.IllegalStateException: boom"), err.getMessage());
        }
        client.close();   // no thread runs the loop: closes here
        assertTrue(client.socket().destroyed());
        loop.close();     // the dead loop still holds the server's and the accepted socket's fds
    }

    @Test
    void aLoopThatRunsOutOfWorkWakesTheWaiter() throws Exception {
        USocket never = new USocket(loop);   // never connected: keeps no loop alive
        Timer keepAlive = loop.setInterval(() -> { }, 60_000);
        Thread loopThread = loop.start();
        BlockingSocket view = BlockingSocket.of(never);
        CompletableFuture<Object> read = blockedIn(view::read);
        loop.execute(keepAlive::clear);    // nothing left: run() returns, as a node process exits
        Object outcome = read.get(WAIT, TimeUnit.SECONDS);
        assertEquals("ERR_LOOP_STOPPED", code(outcome));
        assertEquals("The event loop stopped while BlockingSocket.read waited for it (no thread runs it: run() returned)",
                ((Throwable) outcome).getMessage());
        loopThread.join(TimeUnit.SECONDS.toMillis(WAIT));
        view.close();
    }

    @Test
    void aBoundedReadTimesOutAndTheNextOneGoesOn() throws Exception {
        String path = startServing();
        UServer answering = new UServer(loop);
        String path2 = kit.path("answer.sock");
        CompletableFuture<USocket> accepted = Promises.once(answering, UServer.CONNECTION);
        Promises.listen(answering, path2).get(WAIT, TimeUnit.SECONDS);
        try (BlockingSocket client = BlockingSocket.connect(loop, path2)) {
            TimeoutException e = assertThrows(TimeoutException.class, () -> client.read(Duration.ofMillis(50)));
            assertEquals("BlockingSocket.read timed out: nothing arrived in 50 ms", e.getMessage());
            assertThrows(TimeoutException.class, () -> client.read(Duration.ZERO), "zero takes only what is there");
            assertTrue(client.socket().readyState().equals("open"), "the socket stays usable");
            Promises.write(accepted.get(WAIT, TimeUnit.SECONDS), "late").get(WAIT, TimeUnit.SECONDS);
            Message m = client.read(Duration.ofSeconds(WAIT));
            assertEquals("late", new String(m.data(), StandardCharsets.UTF_8));
            accepted.get().end();
            assertNull(client.read(Duration.ofSeconds(WAIT)), "the end");
            assertEquals("ERR_INVALID_ARG_TYPE",
                    assertThrows(InvalidArgumentException.class, () -> client.read(null)).code());
        }
        loop.close();
        assertTrue(path.endsWith("gone.sock"));
    }
}
