package io.usocket;

import static io.usocket.EventLog.bytes;
import static io.usocket.EventLog.code;
import static io.usocket.EventLog.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The readable side: read(n)/read()/read(0), 'readable' (also at EOF), flowing and paused modes,
 * 'end' only after consumption, unshift, setEncoding, the readable high-water mark
 * (node-semantics N13, N28-N32; node 20.out).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadableTest {
    private static final int KIB64 = 64 * 1024;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    private String path() {
        return path("r");
    }

    private String path(String name) {
        return kit.path(name + ".sock");
    }

    /** N28, 06 lines 010-021: 3+3+3 bytes sent apart, read in 4-byte records; the remainder at EOF. */
    @Test
    void readNFramesRecordsAndReturnsTheRemainderAtEof() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("readable", () -> {
                log.add("S readable: readableLength=" + s.readableLength());
                byte[] chunk;
                while ((chunk = s.read(4)) != null) log.add("  S read(4) -> " + str(chunk));
                log.add("  S read(4) -> null; readableLength=" + s.readableLength());
            });
            s.on("end", () -> log.add("S end"));
            c.write("abc");
            loop.setTimeout(() -> c.write("def"), 20);
            loop.setTimeout(() -> c.end("ghi"), 40);
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "S readable: readableLength=3",
                "  S read(4) -> null; readableLength=3",
                "S readable: readableLength=6",
                "  S read(4) -> \"abcd\"",
                "  S read(4) -> null; readableLength=2",
                "S readable: readableLength=5",
                "  S read(4) -> \"efgh\"",
                "  S read(4) -> null; readableLength=1",
                "S readable: readableLength=1",
                "  S read(4) -> \"i\"",
                "  S read(4) -> null; readableLength=0",
                "S end"), log.all());
    }

    /** N28: read(0) is null and consumes nothing; read(n) waits for n; at EOF the remainder, then null, then 'end'. */
    @Test
    void readZeroAndReadNAtEof() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            int[] step = {0};
            s.on("readable", () -> {
                step[0]++;
                String line = "S readable#" + step[0] + " len=" + s.readableLength()
                        + " read(0)=" + str(s.read(0)) + " read(5)=" + str(s.read(5)) + " len=" + s.readableLength();
                log.add(line);
                // The peer sends its next part only once this side has seen the previous one.
                if (step[0] == 1) c.write("def");
                else if (step[0] == 2) c.end();
                else log.add("S read(5) again=" + str(s.read(5)) + " read()=" + str(s.read()));
            });
            s.on("end", () -> log.add("S end readableEnded=" + s.readableEnded()));
            c.write("abc");
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "S readable#1 len=3 read(0)=null read(5)=null len=3",
                "S readable#2 len=6 read(0)=null read(5)=\"abcde\" len=1",
                "S readable#3 len=1 read(0)=null read(5)=\"f\" len=0",
                "S read(5) again=null read()=null",
                "S end readableEnded=true"), log.all());
    }

    /** N28: read() returns everything buffered, in one array, across several received chunks. */
    @Test
    void readWithoutSizeReturnsEverythingBuffered() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            c.write("ab");
            // Wait until both parts sit in the buffer, with nobody consuming, before reading.
            c.write(bytes("cd"), () -> loop.setTimeout(() -> {
                log.add("S readableLength=" + s.readableLength());
                log.add("S read() -> " + str(s.read()) + " readableLength=" + s.readableLength());
                log.add("S read() on empty -> " + str(s.read()));
                c.end();
                s.resume();
            }, 20));
            s.on("end", () -> log.add("S end"));
        });
        loop.run();
        assertEquals(List.of(
                "S readableLength=4",
                "S read() -> \"abcd\" readableLength=0",
                "S read() on empty -> null",
                "S end"), log.all());
    }

    /** N29, 06 lines 022-023: 'readable' at EOF with an empty buffer; read() gives null; then 'end'. */
    @Test
    void readableFiresAtEof() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("readable", () -> log.add("S readable: read() -> " + str(s.read()) + " readableEnded=" + s.readableEnded()));
            s.on("end", () -> log.add("S end"));
            c.end();
            c.resume();
        });
        loop.run();
        assertEquals(List.of("S readable: read() -> null readableEnded=false", "S end"), log.all());
    }

    /** N28, 06 line 024: read(40000) above the 16 KiB mark returns null until all 40000 bytes came, then exactly those. */
    @Test
    void readLargerThanHighWaterMark() {
        byte[][] got = new byte[1][];
        SocketTestKit.pair(loop, path(), (c, s) -> {
            int[] calls = {0};
            s.on("readable", () -> {
                calls[0]++;
                byte[] b = s.read(40000);
                if (b != null) {
                    got[0] = b;
                    log.add("S read(40000) returned " + b.length + " bytes after " + calls[0] + " readable events");
                }
            });
            s.on("end", () -> log.add("S end"));
            int[] i = {0};
            Runnable[] w = new Runnable[1];
            w[0] = () -> {
                if (i[0] < 10) {
                    byte[] part = new byte[4000];
                    java.util.Arrays.fill(part, (byte) ('a' + i[0]));
                    c.write(part);
                    i[0]++;
                    loop.setTimeout(w[0], 5);
                } else {
                    c.end();
                }
            };
            w[0].run();
            c.resume();
        });
        loop.run();
        assertEquals(List.of("S read(40000) returned 40000 bytes after 10 readable events", "S end"), log.all());
        for (int k = 0; k < 40000; k++) assertEquals((byte) ('a' + k / 4000), got[0][k], "byte " + k);
    }

    /** N31, 06 lines 026-029: unshift puts bytes back in front; the next read returns them. */
    @Test
    void unshiftPutsDataBackInFront() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            boolean[] first = {true};
            s.on("readable", () -> {
                byte[] chunk;
                while ((chunk = s.read()) != null) {
                    log.add("S read() -> " + str(chunk).replace("\n", "\\n"));
                    if (first[0]) {
                        first[0] = false;
                        String text = new String(chunk);
                        int nl = text.indexOf('\n');
                        log.add("S header=" + text.substring(0, nl) + " unshift rest");
                        s.unshift(bytes(text.substring(nl + 1)));
                    }
                }
            });
            s.on("end", () -> log.add("S end"));
            c.end("HEADER\nbody-part");
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "S read() -> \"HEADER\\nbody-part\"",
                "S header=HEADER unshift rest",
                "S read() -> \"body-part\"",
                "S end"), log.all());
    }

    /** N31: unshift then read(n): the unshifted bytes come first, followed by what was still buffered. */
    @Test
    void unshiftBeforeBufferedBytes() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.once("readable", () -> {
                log.add("S read(3) -> " + str(s.read(3)));
                s.unshift(bytes("XY"));
                log.add("S after unshift readableLength=" + s.readableLength());
                log.add("S read(4) -> " + str(s.read(4)));
                log.add("S read() -> " + str(s.read()));
                s.resume();
            });
            s.on("end", () -> log.add("S end"));
            c.end("abcdef");
        });
        loop.run();
        assertEquals(List.of(
                "S read(3) -> \"abc\"",
                "S after unshift readableLength=5",
                "S read(4) -> \"XYde\"",
                "S read() -> \"f\"",
                "S end"), log.all());
    }

    /** N31 (node v20, unix socket): unshift after 'end' errors with ERR_STREAM_UNSHIFT_AFTER_END_EVENT and destroys. */
    @Test
    void unshiftAfterEndIsAnError() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.resume();
            s.on("end", () -> {
                log.add("S end; unshift");
                s.unshift(bytes("z"));
                log.add("S after unshift destroyed=" + s.destroyed());
            });
            s.on("error", (Throwable e) -> log.add("S error " + code(e)));
            s.on("close", (Boolean h) -> log.add("S close " + h));
            c.end("x");
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "S end; unshift",
                "S after unshift destroyed=true",
                "S error ERR_STREAM_UNSHIFT_AFTER_END_EVENT",
                "S close true"), log.all());
    }

    /** N30, 06 lines 032-038: 'data' makes the socket flow; pause() buffers; resume() delivers on a later turn. */
    @Test
    void flowingPauseAndResume() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.add("S initial isPaused=" + s.isPaused());
            s.on("data", (byte[] d) -> log.add("S data " + str(d) + " isPaused=" + s.isPaused()));
            log.add("S after on(data) isPaused=" + s.isPaused());
            s.pause();
            log.add("S after pause isPaused=" + s.isPaused());
            c.write("while-paused");
            Timer[] poll = new Timer[1];
            poll[0] = loop.setInterval(() -> {
                if (s.bytesRead() < 12) return;
                poll[0].clear();
                log.add("S paused with readableLength=" + s.readableLength() + " -> resume()");
                s.resume();
                log.add("S right after resume() isPaused=" + s.isPaused());
                c.end();
            }, 1);
            s.on("end", () -> log.add("S end"));
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "S initial isPaused=false",
                "S after on(data) isPaused=false",
                "S after pause isPaused=true",
                "S paused with readableLength=12 -> resume()",
                "S right after resume() isPaused=false",
                "S data \"while-paused\" isPaused=false",
                "S end"), log.all());
    }

    /** N30/N13: data and EOF that arrive while paused are delivered after resume(): 'data', then 'end'. */
    @Test
    void eofWhilePausedIsDeliveredAfterResume() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("data", (byte[] d) -> log.add("S data " + str(d)));
            s.on("end", () -> log.add("S end"));
            s.on("close", (Boolean h) -> log.add("S close " + h));
            s.pause();
            c.end("all-at-once");
            c.resume();
            c.on("finish", () -> loop.setTimeout(() -> {
                log.add("S paused: readableLength=" + s.readableLength() + " readableEnded=" + s.readableEnded());
                s.resume();
                log.add("S resumed");
            }, 30));
        });
        loop.run();
        assertEquals(List.of(
                "S paused: readableLength=11 readableEnded=false",
                "S resumed",
                "S data \"all-at-once\"",
                "S end",
                "S close false"), log.all());
    }

    /** N30 (node v20 on a socket): a 'readable' listener switches to paused mode; read() then emits 'data'. */
    @Test
    void readableListenerTakesPrecedenceOverData() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("data", (byte[] d) -> log.add("S data " + str(d)));
            log.add("S after data listener isPaused=" + s.isPaused());
            s.on("readable", () -> log.add("S readable; read() -> " + str(s.read())));
            log.add("S after readable listener isPaused=" + s.isPaused());
            s.on("end", () -> log.add("S end"));
            c.end("x");
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "S after data listener isPaused=false",
                "S after readable listener isPaused=true",
                "S data \"x\"",
                "S readable; read() -> \"x\"",
                "S readable; read() -> null",
                "S end"), log.all());
    }

    /** N13, 06 lines 044-046: with unread data and no consumer, 'end' waits; read() lets it come. */
    @Test
    void endWaitsUntilDataIsRead() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            boolean[] ended = {false};
            s.on("end", () -> {
                ended[0] = true;
                log.add("S end");
            });
            s.on("close", (Boolean h) -> log.add("S close " + h));
            c.end("x");
            c.resume();
            c.on("finish", () -> loop.setTimeout(() -> {
                log.add("S after 50ms ended=" + ended[0] + " readableLength=" + s.readableLength() + " rs=" + s.readyState()
                        + "; read() -> " + str(s.read()));
                loop.setTimeout(() -> log.add("S ended=" + ended[0]), 10);
            }, 50));
        });
        loop.run();
        assertEquals(List.of(
                "S after 50ms ended=false readableLength=1 rs=open; read() -> \"x\"",
                "S end",
                "S close false",
                "S ended=true"), log.all());
    }

    /** N13 (node v20 on a socket): 'end' waits for a consumer; a later 'data' listener gets the bytes, then 'end'. */
    @Test
    void endWaitsUntilResume() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            boolean[] ended = {false};
            s.on("end", () -> {
                ended[0] = true;
                log.add("S end");
            });
            s.on("close", (Boolean h) -> log.add("S close " + h));
            c.end("x");
            c.resume();
            c.on("finish", () -> loop.setTimeout(() -> {
                log.add("S after 50ms ended=" + ended[0] + " readableLength=" + s.readableLength() + " rs=" + s.readyState());
                s.on("data", (byte[] d) -> log.add("S data " + str(d)));
            }, 50));
        });
        loop.run();
        assertEquals(List.of(
                "S after 50ms ended=false readableLength=1 rs=open",
                "S data \"x\"",
                "S end",
                "S close false"), log.all());
    }

    /** N32, 06 lines 030-031: setEncoding("utf8"): '€' split over two packets arrives whole, as a String. */
    @Test
    void utf8CharacterSplitAcrossPacketsArrivesWhole() {
        byte[] euro = bytes("€");
        assertEquals(List.of("data String \"€\"", "end"), decode("utf8", new byte[] {euro[0]}, new byte[] {euro[1], euro[2]}));
    }

    /** N32 (node v20 StringDecoder on a socket): latin1, hex, base64, utf16le and a truncated utf8 tail. */
    @Test
    void otherEncodingsSplitAcrossPackets() {
        assertEquals(List.of("data String \"é\"", "data String \"A\"", "end"),
                decode("latin1", new byte[] {(byte) 0xe9}, new byte[] {0x41}));
        assertEquals(List.of("data String \"de\"", "data String \"ad01\"", "end"),
                decode("hex", new byte[] {(byte) 0xde}, new byte[] {(byte) 0xad, 0x01}));
        assertEquals(List.of("data String \"YWJj\"", "data String \"ZA==\"", "end"),
                decode("base64", bytes("ab"), bytes("cd")));
        assertEquals(List.of("data String \"A\"", "end"),
                decode("utf16le", new byte[] {0x41}, new byte[] {0x00, 0x42}));
        assertEquals(List.of("data String \"\ufffd\"", "end"),
                decode("utf8", new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[0]));
    }

    /**
     * Sends {@code first}, waits until the server side has received it (so the parts travel in
     * separate packets), then ends with {@code second}; returns the server's 'data'/'end' lines.
     */
    private List<String> decode(String encoding, byte[] first, byte[] second) {
        EventLog events = new EventLog();
        EventLoop loop = kit.guardedLoop();
        SocketTestKit.pair(loop, path(encoding + first.length + second.length), (c, s) -> {
            s.setEncoding(encoding);
            s.on("data", (Object d) -> events.add("data " + d.getClass().getSimpleName() + " " + str(d)));
            s.on("end", () -> events.add("end"));
            c.write(first);
            Timer[] poll = new Timer[1];
            poll[0] = loop.setInterval(() -> {
                if (s.bytesRead() < first.length) return;
                poll[0].clear();
                c.end(second);
            }, 1);
        });
        loop.run();
        return events.all();
    }

    /**
     * Readable high-water mark: with nobody consuming, reading from the kernel stops once the
     * buffer holds about 16 KiB (one 64 KiB receive may overshoot, as in Node), so the writer
     * sees backpressure; consuming resumes it and every byte arrives.
     */
    @Test
    void readingStopsAtTheHighWaterMarkUntilConsumed() {
        long[] expected = {0};
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.pause();
            int n = 0;
            boolean r;
            do {
                byte[] chunk = new byte[KIB64];
                java.util.Arrays.fill(chunk, (byte) n);
                r = c.write(chunk);
                n++;
            } while (r && n < 1000);
            expected[0] = (long) n * KIB64;
            log.add("C write returned false");
            loop.setTimeout(() -> {
                int len = s.readableLength();
                log.add("S paused: readableLength in [16384, 81920)=" + (len >= 16384 && len < 16384 + KIB64)
                        + " readableLength==bytesRead: " + (len == s.bytesRead())
                        + " C writableLength>0=" + (c.writableLength() > 0));
                c.on("drain", () -> {
                    log.add("C drain");
                    c.end();
                });
                s.on("data", (byte[] d) -> got.write(d, 0, d.length));
                s.on("end", () -> log.add("S end bytesRead=" + s.bytesRead()));
                // After an explicit pause() a new 'data' listener does not resume (Node); resume() does.
                log.add("S isPaused after on(data)=" + s.isPaused());
                s.resume();
            }, 100);
        });
        loop.run();
        assertEquals(List.of(
                "C write returned false",
                "S paused: readableLength in [16384, 81920)=true readableLength==bytesRead: true C writableLength>0=true",
                "S isPaused after on(data)=true",
                "C drain",
                "S end bytesRead=" + expected[0]), log.all());
        byte[] all = got.toByteArray();
        assertEquals(expected[0], all.length);
        for (int i = 0; i < all.length; i += KIB64) assertEquals((byte) (i / KIB64), all[i], "chunk " + i / KIB64);
    }

    /** Node (t2 on a socket): a 'readable' listener that never reads gets one event and the buffer stops at the mark. */
    @Test
    void readableListenerThatDoesNotReadStopsAtTheMark() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            int[] readables = {0};
            Runnable counter = () -> readables[0]++;
            s.on("readable", counter);
            boolean r;
            int n = 0;
            do {
                r = c.write(new byte[KIB64]);
                n++;
            } while (r && n < 1000);
            long total = (long) n * KIB64;
            loop.setTimeout(() -> {
                int len = s.readableLength();
                log.add("S readables=" + readables[0] + " readableLength in [16384, 81920)=" + (len >= 16384 && len < 16384 + KIB64));
                long[] got = {len};
                byte[] drained = s.read();
                log.add("S read() took readableLength: " + (drained != null && drained.length == len));
                s.off("readable", counter);
                s.on("data", (byte[] d) -> got[0] += d.length);
                s.on("end", () -> log.add("S end got all=" + (got[0] == total)));
                c.on("drain", () -> c.end());
            }, 100);
        });
        loop.run();
        assertEquals(List.of(
                "S readables=1 readableLength in [16384, 81920)=true",
                "S read() took readableLength: true",
                "S end got all=true"), log.all());
    }
}
