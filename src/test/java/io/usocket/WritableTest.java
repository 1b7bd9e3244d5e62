package io.usocket;

import static io.usocket.EventLog.bytes;
import static io.usocket.EventLog.code;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writable side: write()'s return value at the 16 KiB high-water mark, 'drain', callback
 * order, writes queued while connecting, cork/uncork (node-semantics N11, N12, N19; node 20).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WritableTest {
    private static final int KIB64 = 64 * 1024;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    private String path() {
        return kit.path("w.sock");
    }

    /** Counts what the server side receives and logs it at 'end'. */
    private void countingServer(UServer server) {
        server.on("connection", (USocket s) -> {
            server.close();
            long[] total = {0};
            s.on("data", (byte[] d) -> total[0] += d.length);
            s.on("end", () -> log.add("S end total=" + total[0]));
        });
    }

    /** N11/N12, 05 lines 004-009: writes made while connecting are queued; false from 16384 buffered bytes. */
    @Test
    void writesWhileConnectingAreQueuedAndReturnFalseAtTheMark() {
        UServer server = new UServer(loop);
        countingServer(server);
        server.listen(path(), () -> {
            USocket c = new USocket(loop, path());
            c.on("connect", () -> log.add("C connect"));
            boolean r1 = c.write(new byte[16383], () -> log.add("C cb1"));
            log.add("C write 16383 returned " + r1 + " writableLength=" + c.writableLength() + " connecting=" + c.connecting());
            boolean r2 = c.write(new byte[1], () -> log.add("C cb2"));
            log.add("C write 1 more returned " + r2 + " writableLength=" + c.writableLength());
            boolean r3 = c.write(new byte[10], () -> log.add("C cb3"));
            log.add("C write again returned " + r3 + " writableLength=" + c.writableLength());
            c.on("drain", () -> {
                log.add("C drain writableLength=" + c.writableLength());
                c.end();
            });
        });
        loop.run();
        assertEquals(List.of(
                "C write 16383 returned true writableLength=16383 connecting=true",
                "C write 1 more returned false writableLength=16384",
                "C write again returned false writableLength=16394",
                "C connect",
                // Node: 'drain' before the callbacks of the write that emptied the buffer (afterWrite).
                "C drain writableLength=0",
                "C cb1",
                "C cb2",
                "C cb3",
                "S end total=16394"), log.all());
    }

    /** 05 lines 010-011: when the kernel takes the bytes at once, write returns true even for 16384 and 100000 bytes. */
    @Test
    void writeTheKernelTakesAtOnceReturnsTrue() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.resume();
            boolean r = c.write(new byte[16384]);
            log.add("C write 16384 returned " + r + " writableLength=" + c.writableLength());
            boolean r2 = c.write(new byte[100000]);
            log.add("C write 100000 returned " + r2 + " writableLength=" + c.writableLength()
                    + " bytesWritten=" + c.bytesWritten());
            c.on("drain", () -> log.add("C drain"));
            c.end();
            s.on("end", () -> log.add("S end bytesRead=" + s.bytesRead()));
        });
        loop.run();
        assertEquals(List.of(
                "C write 16384 returned true writableLength=0",
                "C write 100000 returned true writableLength=0 bytesWritten=116384",
                "S end bytesRead=116384"), log.all());
    }

    /**
     * N12, 05 lines 012-015: a paused peer fills the kernel buffers; write returns false with bytes
     * left in userland; after the peer resumes, 'drain' (before the last write's callback) and all
     * bytes arrive. Callbacks run in order.
     */
    @Test
    void slowReaderMakesWriteReturnFalseThenDrain() {
        int[] chunks = {0};
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.pause();
            boolean r;
            do {
                int i = chunks[0]++;
                r = c.write(new byte[KIB64], err -> log.add("C cb" + i + " " + code(err)));
            } while (r && chunks[0] < 1000);
            log.add("C write returned false: userland>0=" + (c.writableLength() > 0)
                    + " bytesWritten=" + c.bytesWritten());
            long[] got = {0};
            s.on("data", (byte[] d) -> got[0] += d.length);
            c.on("drain", () -> {
                log.add("C drain writableLength=" + c.writableLength() + " bytesWritten=" + c.bytesWritten());
                c.end();
            });
            s.on("end", () -> log.add("S end after receiving " + got[0] + " bytes"));
            loop.setTimeout(() -> {
                log.add("S resume");
                s.resume();
            }, 50);
        });
        loop.run();
        int n = chunks[0];
        long total = (long) n * KIB64;
        assertTrue(n > 1 && n < 1000, "chunks before false: " + n);
        List<String> lines = log.all();
        // Node's bytesWritten counts every byte write() accepted, sent or still buffered (issue #9 item 19).
        assertEquals("C write returned false: userland>0=true bytesWritten=" + total, lines.get(0));
        List<String> cbs = new ArrayList<>();
        for (String l : lines) if (l.startsWith("C cb")) cbs.add(l);
        List<String> expectedCbs = new ArrayList<>();
        for (int i = 0; i < n; i++) expectedCbs.add("C cb" + i + " null");
        assertEquals(expectedCbs, cbs, "callbacks in order");
        int drain = lines.indexOf("C drain writableLength=0 bytesWritten=" + total);
        assertTrue(drain > lines.indexOf("S resume"), lines::toString);
        assertTrue(lines.indexOf("C cb" + (n - 1) + " null") > drain, "the last write's callback follows 'drain': " + lines);
        assertEquals("S end after receiving " + total + " bytes", lines.get(lines.size() - 1));
        assertEquals(n + 4, lines.size(), lines::toString);
    }

    /** N12, 05 lines 016-022: callbacks in order, string encodings, end cb before 'finish'. */
    @Test
    void callbacksRunInOrderWithEncodings() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            StringBuilder got = new StringBuilder();
            s.setEncoding("utf8");
            s.on("data", (String d) -> got.append(d));
            s.on("end", () -> log.add("S received \"" + got + "\""));
            c.write(bytes("a"), err -> log.add("cb a " + code(err)));
            c.write("62", "hex", err -> log.add("cb b(hex) " + code(err)));
            c.write(bytes("c"), err -> log.add("cb c " + code(err)));
            c.write("ZA==", "base64", err -> log.add("cb d(base64) " + code(err)));
            c.end(bytes("e"), err -> log.add("end cb " + code(err)));
            c.on("finish", () -> log.add("C finish"));
        });
        loop.run();
        assertEquals(List.of(
                "cb a null",
                "cb b(hex) null",
                "cb c null",
                "cb d(base64) null",
                "end cb null",
                "C finish",
                "S received \"abcde\""), log.all());
    }

    /** 05 lines 025-028: write(null) throws ERR_STREAM_NULL_VALUES at once; write("") returns true and calls back. */
    @Test
    void nullWriteThrowsAndEmptyWriteCallsBack() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.resume();
            InvalidArgumentException e1 = assertThrows(InvalidArgumentException.class, () -> c.write((byte[]) null));
            InvalidArgumentException e2 = assertThrows(InvalidArgumentException.class, () -> c.write((String) null));
            log.add("write(null) threw " + e1.code() + " / " + e2.code());
            log.add("write(\"\") returned " + c.write("", "utf8", err -> log.add("empty-string write cb " + code(err))));
            c.end();
        });
        loop.run();
        assertEquals(List.of(
                "write(null) threw ERR_STREAM_NULL_VALUES / ERR_STREAM_NULL_VALUES",
                "write(\"\") returned true",
                "empty-string write cb null"), log.all());
    }

    /** N19, 05 lines 029-030: cork + writes + uncork arrive as one 'data' at the peer. */
    @Test
    void corkedWritesArriveAsOneChunk() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("data", (byte[] d) -> log.add("S data " + EventLog.str(d)));
            c.cork();
            c.write(bytes("a"), () -> log.add("C cb a"));
            c.write(bytes("b"));
            c.write(bytes("c"), () -> log.add("C cb c"));
            log.add("C corked writableLength=" + c.writableLength() + " bytesWritten=" + c.bytesWritten());
            loop.nextTick(() -> {
                c.uncork();
                c.end();
            });
        });
        loop.run();
        // node v20: corked writableLength=3 bytesWritten=3 (bytesWritten counts buffered bytes, issue #9 item 19)
        assertEquals(List.of(
                "C corked writableLength=3 bytesWritten=3",
                "C cb a",
                "C cb c",
                "S data \"abc\""), log.all());
    }

    /** Node v20: cork() nests: one uncork() of two keeps the writes back; end() uncorks everything at once. */
    @Test
    void nestedCorkAndEndWhileCorked() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("data", (byte[] d) -> log.add("S data " + EventLog.str(d)));
            c.cork();
            c.cork();
            c.write("a");
            c.write("b");
            c.uncork();
            loop.setTimeout(() -> {
                log.add("C after one uncork writableLength=" + c.writableLength());
                c.write("c");
                c.end("d");
            }, 20);
        });
        loop.run();
        assertEquals(List.of("C after one uncork writableLength=2", "S data \"abcd\""), log.all());
    }

    /** 09 lines 038-042: the callback of a write the kernel takes at once runs on the next tick, before a later nextTick. */
    @Test
    void writeCallbackTiming() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.resume();
            c.write(bytes("x"), () -> log.add("write cb"));
            log.add("sync-after-call");
            loop.nextTick(() -> log.add("nextTick marker"));
            loop.setImmediate(() -> {
                log.add("setImmediate marker");
                c.destroy();
            });
        });
        loop.run();
        assertEquals(List.of("sync-after-call", "write cb", "nextTick marker", "setImmediate marker"), log.all());
    }

    /** decisions D16: write() and end() from another thread are handed to the loop in order; every byte arrives in order. */
    @Test
    void writesFromAnotherThreadKeepTheirOrder() throws InterruptedException {
        StringBuilder got = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        AtomicReference<USocket> client = new AtomicReference<>();
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("data", (byte[] d) -> got.append(new String(d, StandardCharsets.US_ASCII)));
            s.on("end", () -> log.add("S end"));
        });
        server.listen(path(), () -> client.set(new USocket(loop, path())));
        Thread t = loop.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.get() != null && !client.get().connecting());
        USocket c = client.get();
        for (int i = 0; i < 2000; i++) {
            String part = i + ",";
            expected.append(part);
            c.write(part.getBytes(StandardCharsets.US_ASCII));
        }
        c.end();
        t.join(10_000);
        assertFalse(t.isAlive(), "the loop ended once both sockets closed");
        assertEquals(List.of("S end"), log.all());
        assertEquals(expected.toString(), got.toString());
    }

    /** The writableHighWaterMark option moves the mark. */
    @Test
    void customWritableHighWaterMark() {
        UServer server = new UServer(loop);
        countingServer(server);
        server.listen(path(), () -> {
            USocket c = new USocket(loop, new SocketOptions().path(path()).writableHighWaterMark(100));
            log.add("C write 99 returned " + c.write(new byte[99]));
            log.add("C write 1 returned " + c.write(new byte[1]));
            c.on("drain", () -> {
                log.add("C drain");
                c.end();
            });
        });
        loop.run();
        assertEquals(List.of("C write 99 returned true", "C write 1 returned false", "C drain", "S end total=100"), log.all());
    }
}
