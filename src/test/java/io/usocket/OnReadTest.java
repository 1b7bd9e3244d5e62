package io.usocket;

import static io.usocket.ContentFiles.readAndCloseAll;
import static io.usocket.EventLog.bytes;
import static io.usocket.EventLog.code;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The onread option (decisions D70, node-semantics N46): reads land in one buffer and go to the
 * callback, never to {@code 'data'}; its {@code false} stops reading until {@code resume()};
 * EOF still ends the socket; fds still arrive ({@code 'fds'} or the queue); bad options are
 * refused with a code.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OnReadTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(15));
    private final EventLoop loop = kit.loop();
    private final EventLog log = kit.log;

    private static String text(byte[] b, int n) {
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * Node 20, same program (a 4-byte buffer; the server writes "hello", later "world" and
     * end("!"); the first callback returns false, resume() once the rest is in the kernel):
     * {@code cb 4 hell / resume / cb 4 owor / cb 3 ld! / readable / end / close}, the buffer the
     * same object each time, {@code this} the socket.
     */
    @Test
    void bytesLandInTheOneBufferFalseStopsReadingUntilResume() {
        byte[] buf = new byte[4];
        USocket[] client = {null};
        USocket[] server = {null};
        SocketOptions options = new SocketOptions().onread(buf, (n, b, s) -> {
            log.add("cb " + n + " " + text(b, n) + " same=" + (b == buf) + " this=" + (s == client[0]));
            if (log.of("cb").size() == 1) {
                // The rest goes out now; resume() only once it is all in the kernel.
                server[0].write(bytes("world"));
                server[0].end(bytes("!"), () -> {
                    log.add("resume");
                    s.resume();
                });
                return false;
            }
            return true;
        });
        SocketTestKit.pair(loop, kit.path("o.sock"), new SocketOptions(), options, (c, s) -> {
            client[0] = c;
            server[0] = s;
            c.on("data", (Object d) -> log.add("data " + d));
            c.on("readable", () -> log.add("readable"));
            c.on("end", () -> log.add("end"));
            c.on("close", () -> log.add("close"));
            s.write(bytes("hello"));
        });
        loop.run();
        assertEquals(List.of("cb 4 hell same=true this=true", "resume", "cb 4 owor same=true this=true",
                "cb 3 ld! same=true this=true", "readable", "end", "close"), log.all());
        assertEquals(11, client[0].bytesRead());
    }

    /** pause() stops reading in onread mode (net.js Socket.pause: readStop); nothing arrives until resume(). */
    @Test
    void pauseStopsReadingAndResumeStartsItAgain() {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        SocketOptions options = new SocketOptions().onread(direct, (n, b, s) -> {
            byte[] got = new byte[b.remaining()];
            b.get(got);
            log.add("cb " + n + " " + new String(got, StandardCharsets.ISO_8859_1));
            return true;
        });
        SocketTestKit.pair(loop, kit.path("p.sock"), new SocketOptions(), options, (c, s) -> {
            c.pause();
            c.on("end", () -> log.add("end"));
            s.end(bytes("abc"), () -> {
                // Several turns of the loop with the bytes in the kernel: a paused socket reads none.
                int[] turns = {0};
                Runnable[] next = {null};
                next[0] = () -> {
                    if (++turns[0] < 20) {
                        loop.setImmediate(next[0]);
                        return;
                    }
                    log.add("resume");
                    c.resume();
                };
                loop.setImmediate(next[0]);
            });
        });
        loop.run();
        assertEquals(List.of("resume", "cb 3 abc", "end"), log.all());
    }

    /**
     * A direct ByteBuffer is filled by the kernel: 200 KiB arrive whole, in order, then 'end';
     * each callback sees the bytes between position 0 and limit nread, whatever the callback
     * before left there.
     */
    @Test
    void directByteBufferGetsEveryByteInOrder() {
        byte[] sent = new byte[200 * 1024];
        for (int i = 0; i < sent.length; i++) sent[i] = (byte) (i * 31 + (i >> 9));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
        direct.position(7).limit(9); // ignored: every read fills from index 0 up to the capacity
        SocketOptions options = new SocketOptions().onread(direct, (n, b, s) -> {
            if (b.position() != 0 || b.limit() != n) log.add("position " + b.position() + " limit " + b.limit() + " for " + n);
            byte[] chunk = new byte[n];
            b.get(chunk);
            got.write(chunk, 0, n);
            b.position(3).limit(5); // what the callback leaves does not matter to the next read
            return true;
        });
        SocketTestKit.pair(loop, kit.path("d.sock"), new SocketOptions(), options, (c, s) -> {
            c.on("data", (Object d) -> log.add("data"));
            c.on("end", () -> log.add("end"));
            s.end(sent);
        });
        loop.run();
        assertEquals(List.of("end"), log.all());
        assertArrayEquals(sent, got.toByteArray());
    }

    /** A heap ByteBuffer gets the bytes copied in, at index 0. */
    @Test
    void heapByteBufferGetsTheBytes() {
        ByteBuffer heap = ByteBuffer.allocate(3);
        SocketOptions options = new SocketOptions().onread(heap, (n, b, s) -> {
            log.add(text(b.array(), n));
            return true;
        });
        SocketTestKit.pair(loop, kit.path("h.sock"), new SocketOptions(), options, (c, s) -> {
            c.on("end", () -> log.add("end"));
            s.end(bytes("abcdefg"));
        });
        loop.run();
        assertEquals(List.of("abc", "def", "g", "end"), log.all());
    }

    /**
     * Fds are not lost in onread mode (decisions D70): with an {@code 'fds'} listener they come
     * before the callback for the bytes they travelled with; without one they are queued for
     * {@code read(size, count)}.
     */
    @Test
    void fdsStillArriveBeforeTheirBytesOrInTheQueue() {
        EventLoop second = kit.newLoop(); // made first: its own descriptors are not the test's
        ContentFiles files = new ContentFiles(kit.dir());
        int before = TestFds.openFdCount();
        int a = files.open("A");
        int b = files.open("B");
        byte[] buf = new byte[64];
        SocketOptions withListener = new SocketOptions().onread(buf, (n, bb, s) -> {
            log.add("cb " + text(bb, n));
            return true;
        });
        SocketTestKit.pair(loop, kit.path("f.sock"), new SocketOptions(), withListener, (c, s) -> {
            c.on("fds", (int[] fds) -> log.add("fds " + readAndCloseAll(fds)));
            c.on("end", () -> log.add("end"));
            s.end(new Message(bytes("xy"), a), err -> Fds.close(a));
        });
        loop.run();
        assertEquals(List.of("fds [A]", "cb xy", "end"), log.all());

        EventLog log2 = new EventLog();
        SocketOptions queued = new SocketOptions().onread(buf, (n, bb, s) -> {
            log2.add("cb " + text(bb, n) + " queued=" + s.queuedFds());
            return true;
        });
        SocketTestKit.pair(second, kit.path("g.sock"), new SocketOptions(), queued, (c, s) -> {
            c.on("readable", () -> {
                Message m = c.read(null, 1);
                if (m != null) log2.add("read " + (m.data() == null ? "no bytes" : "bytes") + " " + readAndCloseAll(m.fds()));
            });
            c.on("end", () -> log2.add("end"));
            s.end(new Message(bytes("zz"), b), err -> Fds.close(b));
        });
        second.run();
        assertEquals(List.of("cb zz queued=1", "read no bytes [B]", "end"), log2.all());
        TestFds.assertNoLeak(before);
    }

    /** On a server's connection options every accepted socket reads into the shared buffer; the callback names the socket. */
    @Test
    void serverConnectionsGetTheOptionAndTheCallbackNamesTheSocket() {
        byte[] buf = new byte[8];
        USocket[] accepted = {null};
        SocketOptions serverOptions = new SocketOptions().onread(buf, (n, b, s) -> {
            log.add("server cb " + text(b, n) + " accepted=" + (s == accepted[0]));
            return true;
        });
        SocketTestKit.pair(loop, kit.path("s.sock"), serverOptions, new SocketOptions(), (c, s) -> {
            accepted[0] = s;
            s.on("end", () -> log.add("server end"));
            c.end(bytes("ping"));
        });
        loop.run();
        assertEquals(List.of("server cb ping accepted=true", "server end"), log.all());
    }

    /** Bad buffers and callbacks are refused when the option is set (Node would ignore them, or fail the first read with ENOBUFS). */
    @Test
    void badBuffersAndCallbacksAreRefusedWithACode() {
        OnRead<byte[]> cb = (n, b, s) -> true;
        OnRead<ByteBuffer> bcb = (n, b, s) -> true;
        SocketOptions o = new SocketOptions();
        assertEquals("ERR_INVALID_ARG_TYPE", code(assertThrows(InvalidArgumentException.class, () -> o.onread((byte[]) null, cb))));
        assertEquals("ERR_INVALID_ARG_TYPE", code(assertThrows(InvalidArgumentException.class, () -> o.onread((ByteBuffer) null, bcb))));
        assertEquals("ERR_INVALID_ARG_TYPE", code(assertThrows(InvalidArgumentException.class, () -> o.onread(new byte[4], null))));
        assertEquals("ERR_INVALID_ARG_VALUE", code(assertThrows(InvalidArgumentException.class, () -> o.onread(new byte[0], cb))));
        assertEquals("ERR_INVALID_ARG_VALUE", code(assertThrows(InvalidArgumentException.class, () -> o.onread(ByteBuffer.allocate(0), bcb))));
        assertEquals("ERR_INVALID_ARG_TYPE", code(assertThrows(InvalidArgumentException.class,
                () -> o.onread(ByteBuffer.allocateDirect(8).asReadOnlyBuffer(), bcb))));
        assertSame(o, o.onread(new byte[1], cb));
    }
}
