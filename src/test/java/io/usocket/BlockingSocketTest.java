package io.usocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The blocking view (decisions D54): 100 MB and fds iterated from a plain thread and from a
 * virtual thread (JDK 21+) with every byte checked and the bytes waiting between loop and
 * reader bounded (the socket is paused while the reader lags); blocking writes; the end, the
 * error and a premature close of an iteration; and every waiting call refused on the loop's thread.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingSocketTest {
    private static final long WAIT = 30;
    private static final int TOTAL = 100 << 20;
    private static final int CHUNK = 256 << 10;
    private static final int FD_EVERY = 16;            // chunks: one fd every 4 MiB, 25 in all
    /**
     * What may wait between the kernel and the reader: the inbox's bound, the chunk that crosses
     * it, and the socket's own buffer while paused (below its 16 KiB high-water mark plus one
     * 64 KiB receive), taken in one chunk at the resume.
     */
    private static final int BOUND = BlockingSocket.DEFAULT_MAX_BUFFERED_BYTES + 64 * 1024 + 2 * (16 * 1024 + 64 * 1024);

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(280));
    private final EventLoop loop = kit.loop();
    private final List<Throwable> uncaught = new ArrayList<>();
    private Timer keepAlive;

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
            assertEquals(List.of(), uncaught);
        }
    }

    private static byte expected(long offset) {
        return (byte) ((offset * 2654435761L) >>> 13);
    }

    /** What the loop saw of the reader's side while 100 MB went through. */
    static final class Figures {
        final AtomicLong maxWaiting = new AtomicLong();        // inbox + socket buffer
        final AtomicLong maxReadableLength = new AtomicLong();
        final AtomicInteger pausedSamples = new AtomicInteger();
        long bytes;
        int fds;

        void sample(BlockingSocket b) {
            long readable = b.socket().readableLength();
            maxReadableLength.accumulateAndGet(readable, Math::max);
            maxWaiting.accumulateAndGet(readable + b.bufferedBytes(), Math::max);
            if (b.socket().isPaused()) pausedSamples.incrementAndGet();
        }
    }

    /**
     * A server thread writes 100 MB with an fd every 4 MiB through a BlockingSocket; the reader,
     * started by {@code startReader}, iterates it with per-byte checks and closes the fds.
     */
    private Figures transfer(Function<Runnable, Thread> startReader) throws Exception {
        startLoop();
        Path file = Files.writeString(kit.dir().resolve("passed.txt"), "behind the fd");
        String path = kit.path("big.sock");
        UServer server = new UServer(loop);
        CompletableFuture<USocket> accepted = EventEmitter.once(server, UServer.CONNECTION);
        Promises.listen(server, path).get(WAIT, TimeUnit.SECONDS);
        BlockingSocket reader = BlockingSocket.connect(loop, path);
        server.close();
        BlockingSocket writer = BlockingSocket.of(accepted.get(WAIT, TimeUnit.SECONDS));

        Figures fig = new Figures();
        reader.socket().on(USocket.DATA, d -> fig.sample(reader));
        Timer sampler = loop.setInterval(() -> fig.sample(reader), 1);

        CompletableFuture<Void> written = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            try {
                byte[] chunk = new byte[CHUNK];
                for (int c = 0; c < TOTAL / CHUNK; c++) {
                    long base = (long) c * CHUNK;
                    for (int i = 0; i < CHUNK; i++) chunk[i] = expected(base + i);
                    if (c % FD_EVERY == 0) {
                        int fd = Fds.open(file);
                        writer.write(new Message(chunk, fd));   // returns once bytes and fd are in the kernel
                        Fds.close(fd);
                    } else {
                        writer.write(chunk);
                    }
                }
                writer.end();
                written.complete(null);
            } catch (Throwable t) {
                written.completeExceptionally(t);
            }
        }, "sender");
        sender.start();

        CompletableFuture<Void> read = new CompletableFuture<>();
        Thread readerThread = startReader.apply(() -> {
            try {
                long offset = 0;
                for (Message m : reader) {
                    byte[] d = m.data();
                    for (int i = 0; i < d.length; i++) {
                        if (d[i] != expected(offset + i)) throw new AssertionError("byte " + (offset + i) + " differs");
                    }
                    offset += d.length;
                    for (int fd : m.fds()) {
                        if (!TestFds.pathOf(fd).equals(file)) throw new AssertionError("fd " + fd + " is " + TestFds.pathOf(fd));
                        Fds.close(fd);
                        fig.fds++;
                        // A reader that lags now and then: the socket must pause, not buffer.
                        LockSupport.parkNanos(20_000_000);
                    }
                }
                fig.bytes = offset;
                read.complete(null);
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        written.get(250, TimeUnit.SECONDS);
        read.get(250, TimeUnit.SECONDS);
        readerThread.join();
        sender.join();
        sampler.clear();
        reader.close();
        writer.close();
        return fig;
    }

    private void checkFigures(Figures fig, String what) {
        assertEquals(TOTAL, fig.bytes);
        assertEquals(TOTAL / CHUNK / FD_EVERY, fig.fds);
        assertTrue(fig.pausedSamples.get() > 0, "the lagging reader paused the socket");
        assertTrue(fig.maxWaiting.get() <= BOUND, "waiting bytes " + fig.maxWaiting + " > " + BOUND);
        assertTrue(fig.maxReadableLength.get() < 16 * 1024 + 64 * 1024, "readableLength " + fig.maxReadableLength);
        System.out.printf("%s: 100 MB + %d fds, max bytes waiting (inbox + socket) %d, max readableLength %d, paused in %d samples%n",
                what, fig.fds, fig.maxWaiting.get(), fig.maxReadableLength.get(), fig.pausedSamples.get());
    }

    @Test
    void hundredMegabytesAndFdsFromAPlainThread() throws Exception {
        Figures fig = transfer(body -> {
            Thread t = new Thread(body, "plain-reader");
            t.start();
            return t;
        });
        checkFigures(fig, "plain thread");
    }

    @Test
    void hundredMegabytesAndFdsFromAVirtualThread() throws Exception {
        MethodHandle startVirtual = startVirtualThread();
        assumeTrue(startVirtual != null, "virtual threads need JDK 21+");
        Figures fig = transfer(body -> {
            try {
                return (Thread) startVirtual.invoke(body);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        });
        checkFigures(fig, "virtual thread");
    }

    /** {@code Thread.startVirtualThread(Runnable)}, looked up so this compiles on JDK 17; null where it does not exist. */
    private static MethodHandle startVirtualThread() {
        try {
            return MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                    MethodType.methodType(Thread.class, Runnable.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /** A connected pair: the client as a BlockingSocket, the accepted socket as it is. */
    private BlockingSocket[] pair(SocketOptions serverSide) throws Exception {
        String path = kit.path("pair.sock");
        UServer server = new UServer(loop, serverSide);
        CompletableFuture<USocket> accepted = EventEmitter.once(server, UServer.CONNECTION);
        Promises.listen(server, path).get(WAIT, TimeUnit.SECONDS);
        BlockingSocket client = BlockingSocket.connect(loop, path);
        server.close();
        return new BlockingSocket[] {client, BlockingSocket.of(accepted.get(WAIT, TimeUnit.SECONDS))};
    }

    /** Request, end, answer after the end (allowHalfOpen), end: blocking both ways, the fds travel. */
    @Test
    void aConversationWithFds() throws Exception {
        startLoop();
        Path file = Files.writeString(kit.dir().resolve("f.txt"), "x");
        BlockingSocket[] p = pair(new SocketOptions().allowHalfOpen(true));
        try (BlockingSocket client = p[0]; BlockingSocket server = p[1]) {
            int fd = Fds.open(file);
            client.write(new Message("question".getBytes(StandardCharsets.UTF_8), fd));
            Fds.close(fd);
            client.end();
            assertTrue(client.socket().writableFinished());
            StringBuilder got = new StringBuilder();
            List<Integer> fds = new ArrayList<>();
            for (Message m : server) {
                got.append(new String(m.data(), StandardCharsets.UTF_8));
                for (int f : m.fds()) fds.add(f);
            }
            assertEquals("question", got.toString());
            assertEquals(1, fds.size());
            assertEquals(file, TestFds.pathOf(fds.get(0)));
            Fds.close(fds.get(0));
            server.write("answer");
            server.end();
            Message answer = client.read();
            assertArrayEquals("answer".getBytes(StandardCharsets.UTF_8), answer.data());
            assertNull(client.read(), "the end");
            assertNull(client.read(), "still the end");
            // After the end (both sides done, so the socket is closed too) a write fails, thrown. Which
            // error is the socket's business (node 20 calls back EPIPE here; the library says destroyed).
            USocketException e = assertThrows(USocketException.class, () -> server.write("late"));
            assertTrue(Set.of("ERR_STREAM_WRITE_AFTER_END", "ERR_STREAM_DESTROYED", "EPIPE").contains(e.code()), e.code());
        }
    }

    /** The peer goes away with our bytes unread: the iteration throws its reset after what came before. */
    @Test
    void iterationThrowsThePeersReset() throws Exception {
        startLoop();
        BlockingSocket[] p = pair(new SocketOptions());
        try (BlockingSocket client = p[0]; BlockingSocket server = p[1]) {
            server.write("before");
            server.socket().pause();
            CompletableFuture<Void> big = Promises.write(client.socket(), new byte[4 << 20]);
            await().atMost(Duration.ofSeconds(WAIT)).until(() -> client.socket().writableLength() > 0);
            server.close();
            assertArrayEquals("before".getBytes(StandardCharsets.UTF_8), client.read().data());
            USocketException e = assertThrows(USocketException.class, client::read);
            assertTrue(Set.of("ECONNRESET", "EPIPE").contains(e.code()), e.code());
            assertEquals(e.code(), assertThrows(USocketException.class, client::read).code(), "thrown again");
            assertTrue(big.isCompletedExceptionally());
        }
    }

    /** A socket destroyed without an error before its end: Node's iterator throws a premature close. */
    @Test
    void aDestroyedSocketEndsTheIterationWithPrematureClose() throws Exception {
        startLoop();
        BlockingSocket[] p = pair(new SocketOptions());
        try (BlockingSocket client = p[0]; BlockingSocket server = p[1]) {
            CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
                try {
                    client.read();
                    return null;
                } catch (USocketException e) {
                    return e;
                }
            });
            client.socket().destroy();
            USocketException e = (USocketException) failed.get(WAIT, TimeUnit.SECONDS);
            assertEquals("ERR_STREAM_PREMATURE_CLOSE", e.code());
            assertNull(server.read(), "the other side sees a clean end");
        }
    }

    /** close() from another thread wakes a blocked reader (null), closes queued fds, and returns with the fd closed. */
    @Test
    void closeWakesTheReaderAndClosesUnreadFds() throws Exception {
        startLoop();
        Path file = Files.writeString(kit.dir().resolve("unread.txt"), "x");
        BlockingSocket[] p = pair(new SocketOptions());
        BlockingSocket client = p[0];
        try (BlockingSocket server = p[1]) {
            for (int i = 0; i < 3; i++) {
                int fd = Fds.open(file);
                server.write(new Message(new byte[] {(byte) i}, fd));
                Fds.close(fd);
            }
            await().atMost(Duration.ofSeconds(WAIT)).until(() -> client.bufferedBytes() == 3);
            assertEquals(3, TestFds.descriptorsOf(file), "three received fds wait in the inbox");
            Path socketInode = TestFds.pathOf(client.socket().fd);   // socket:[inode]
            assertTrue(isOpen(socketInode));
            client.close();
            // Checked at once, not awaited: close() returns with the socket's fd and the unread fds closed.
            assertFalse(isOpen(socketInode), "the socket's descriptor is closed");
            assertEquals(0, TestFds.descriptorsOf(file), "so are the 3 unread fds");
            assertNull(client.read(), "a closed view reads nothing");
            assertNull(server.read(), "the peer sees the end");
        }
    }

    /** Whether a descriptor of this process refers to {@code socketInode} ({@code socket:[n]}). */
    private static boolean isOpen(Path socketInode) {
        for (int fd : TestFds.socketFds()) {
            try {
                if (TestFds.pathOf(fd).equals(socketInode)) return true;
            } catch (java.io.UncheckedIOException e) {
                // closed meanwhile
            }
        }
        return false;
    }

    /** Every waiting call on the loop's thread throws ERR_BLOCKING_ON_LOOP_THREAD; close() there just closes. */
    @Test
    void waitingOnTheLoopThreadIsAClearError() throws Exception {
        String path = kit.path("loop.sock");
        UServer server = new UServer(loop);
        List<String> codes = new ArrayList<>();
        server.on(UServer.CONNECTION, s -> {
            server.close();
            BlockingSocket b = BlockingSocket.of(s);   // making one is fine anywhere
            for (Runnable call : List.<Runnable>of(b::read, () -> b.write("x"), b::end, () -> b.iterator().hasNext(),
                    () -> BlockingSocket.connect(loop, path))) {
                try {
                    call.run();
                    codes.add("no error");
                } catch (InvalidStateException e) {
                    codes.add(e.code());
                }
            }
            b.close();
            codes.add("closed " + s.destroyed());
        });
        server.listen(path, () -> new USocket(loop, path));
        loop.run();
        assertEquals(List.of("ERR_BLOCKING_ON_LOOP_THREAD", "ERR_BLOCKING_ON_LOOP_THREAD", "ERR_BLOCKING_ON_LOOP_THREAD",
                "ERR_BLOCKING_ON_LOOP_THREAD", "ERR_BLOCKING_ON_LOOP_THREAD", "closed true"), codes);
    }

    /**
     * A view made of a socket that already ended or closed answers at once, as Node 20's async
     * iterator does for a finished stream (decisions D56): ended -> the end; destroyed with an
     * error -> that error; destroyed before its end -> premature close. Before D56 each read
     * waited forever for events that had already gone out.
     */
    @Test
    void aViewOfAFinishedSocketAnswersAtOnce() throws Exception {
        startLoop();
        String path = kit.path("done.sock");
        UServer server = new UServer(loop);
        server.on(UServer.CONNECTION, s -> {
            s.on(USocket.ERROR, e -> { });   // a client destroyed with 'bye' unread resets us, as in node
            s.resume().end("bye");
        });
        Promises.listen(server, path).get(WAIT, TimeUnit.SECONDS);
        Duration atOnce = Duration.ofSeconds(WAIT);   // a bound, so a regression fails instead of hanging

        // ended and closed (no allowHalfOpen: the end closed it)
        USocket closedAfterEnd = Promises.connect(loop, path).get(WAIT, TimeUnit.SECONDS);
        closedAfterEnd.resume();
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> closedAfterEnd.readableEnded() && closedAfterEnd.destroyed());
        assertNull(BlockingSocket.of(closedAfterEnd).read(atOnce), "closed after its end: the iteration ends at once");
        assertFalse(BlockingSocket.of(closedAfterEnd).iterator().hasNext());

        // ended, still open (allowHalfOpen)
        USocket halfOpen = new USocket(loop, new SocketOptions().allowHalfOpen(true));
        Promises.connect(halfOpen, path).get(WAIT, TimeUnit.SECONDS);
        halfOpen.resume();
        await().atMost(Duration.ofSeconds(WAIT)).until(halfOpen::readableEnded);
        try (BlockingSocket view = BlockingSocket.of(halfOpen)) {
            assertNull(view.read(atOnce), "ended: null at once");
            view.write("still writable");
        }

        // destroyed with an error
        USocket failed = Promises.connect(loop, path).get(WAIT, TimeUnit.SECONDS);
        USocketException boom = new USocketException("EBOOM", "boom");
        CompletableFuture<Throwable> errorSeen = Promises.once(failed, "error");
        failed.destroy(boom);
        assertSame(boom, errorSeen.get(WAIT, TimeUnit.SECONDS));
        BlockingSocket failedView = BlockingSocket.of(failed);
        assertSame(boom, assertThrows(USocketException.class, () -> failedView.read(atOnce)));
        assertSame(boom, assertThrows(USocketException.class, failedView::read), "on every read");

        // destroyed without an error before its end, and never connected at all
        USocket destroyed = Promises.connect(loop, path).get(WAIT, TimeUnit.SECONDS);
        destroyed.pause();
        destroyed.destroy();
        USocket neverConnected = new USocket(loop);
        neverConnected.destroy();
        for (USocket s : List.of(destroyed, neverConnected)) {
            await().atMost(Duration.ofSeconds(WAIT)).until(s::destroyed);
            USocketException e = assertThrows(USocketException.class, () -> BlockingSocket.of(s).read(atOnce));
            assertEquals("ERR_STREAM_PREMATURE_CLOSE", e.code());
            assertEquals("Premature close", e.getMessage());
        }
        server.close();
    }

    @Test
    void badArguments() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> BlockingSocket.of(new USocket(loop), 0));
        assertEquals("ERR_OUT_OF_RANGE", e.code());
        assertEquals("ERR_INVALID_ARG_TYPE", assertThrows(InvalidArgumentException.class, () -> BlockingSocket.of(null)).code());
    }

}
