package io.usocket;

import static io.usocket.EventLog.bytes;
import static io.usocket.EventLog.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * allowHalfOpen (decisions D3), end/write-after-end (N14), writes to a gone peer (N15), destroy
 * (N16-N18). Expected lines follow node 20.out (and 09 for timing).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HalfOpenDestroyTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    private String path() {
        return kit.path("s.sock");
    }

    private static final String[] ALL = {"data", "end", "prefinish", "finish", "close", "error"};

    /** 04 lines 013-020: the server side ends itself when the client's EOF arrives. */
    @Test
    void allowHalfOpenFalseEndsTheWritableSideOnEof() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.traceStream(s, "S", true, "data", "end", "finish", "close", "error");
            log.traceStream(c, "C", true, "data", "end", "finish", "close", "error");
            log.add("S allowHalfOpen=" + s.allowHalfOpen() + " C allowHalfOpen=" + c.allowHalfOpen());
            c.end("hi");
        });
        loop.run();
        assertEquals(List.of(
                "S allowHalfOpen=false C allowHalfOpen=false",
                "S data \"hi\" [rs=open destroyed=false]",
                "S end [rs=writeOnly destroyed=false]",
                "S finish [rs=closed destroyed=false]",
                "S close hadError=false [rs=closed destroyed=true]"), log.of("S"));
        assertEquals(List.of(
                "C finish [rs=readOnly destroyed=false]",
                "C end [rs=closed destroyed=false]",
                "C close hadError=false [rs=closed destroyed=true]"), log.of("C"));
    }

    /** D3: the automatic end waits for pending writes; the peer receives all of them before its 'end'. */
    @Test
    void allowHalfOpenFalseFlushesPendingWritesBeforeEnding() {
        int size = 1 << 20;
        long[] received = {0};
        SocketTestKit.pair(loop, path(), (c, s) -> {
            byte[] big = new byte[size];
            for (int i = 0; i < size; i++) big[i] = (byte) i;
            log.add("S write 1 MiB returned " + s.write(big, err -> log.add("S write cb " + code(err))));
            s.on("end", () -> log.add("S end: writableLength>0=" + (s.writableLength() > 0)
                    + " writableEnded=" + s.writableEnded()));
            s.on("finish", () -> log.add("S finish: bytesWritten=" + s.bytesWritten()));
            s.on("close", (Boolean h) -> log.add("S close hadError=" + h));
            // The client does not read yet: most of the megabyte waits in the server's queue.
            c.end();
            loop.setTimeout(() -> {
                log.add("C resume");
                c.on("data", (byte[] d) -> {
                    for (byte b : d) {
                        if (b != (byte) received[0]) throw new AssertionError("byte " + received[0] + " corrupt");
                        received[0]++;
                    }
                });
            }, 50);
            c.on("end", () -> log.add("C end after " + received[0] + " bytes"));
            c.on("close", (Boolean h) -> log.add("C close hadError=" + h));
        });
        loop.run();
        assertEquals(List.of(
                "S write 1 MiB returned false",
                "S end: writableLength>0=true writableEnded=false",
                "C resume",
                "S write cb null",
                "S finish: bytesWritten=" + size,
                "S close hadError=false",
                "C end after " + size + " bytes",
                "C close hadError=false"), log.all());
    }

    /** 04 lines 001-012: with allowHalfOpen the server writes after 'end', then ends. */
    @Test
    void allowHalfOpenTrueKeepsTheWritableSideOpen() {
        SocketTestKit.pair(loop, path(), new SocketOptions().allowHalfOpen(true), new SocketOptions(), (c, s) -> {
            log.traceStream(s, "S", true, "data", "end", "finish", "close", "error");
            log.traceStream(c, "C", true, "data", "end", "finish", "close", "error");
            log.add("S allowHalfOpen=" + s.allowHalfOpen() + " C allowHalfOpen=" + c.allowHalfOpen());
            s.on("end", () -> {
                log.add("S write after end returned " + s.write("late-1"));
                loop.setTimeout(() -> {
                    s.write("late-2");
                    s.end("bye");
                }, 20);
            });
            c.end("hi");
        });
        loop.run();
        assertEquals(List.of(
                "S allowHalfOpen=true C allowHalfOpen=false",
                "S data \"hi\" [rs=open destroyed=false]",
                "S end [rs=writeOnly destroyed=false]",
                "S write after end returned true",
                "S finish [rs=closed destroyed=false]",
                "S close hadError=false [rs=closed destroyed=true]"), log.of("S"));
        assertEquals(List.of(
                "C finish [rs=readOnly destroyed=false]",
                "C data \"late-1\" [rs=readOnly destroyed=false]",
                "C data \"late-2bye\" [rs=readOnly destroyed=false]",
                "C end [rs=closed destroyed=false]",
                "C close hadError=false [rs=closed destroyed=true]"), log.of("C"));
    }

    /** N14, 04 lines 021-024 and 09 lines 032-034: write after end fails asynchronously, then destroys. */
    @Test
    void writeAfterEndFailsThenErrorThenClose() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.traceStream(c, "C", true, "finish", "close", "error");
            s.resume();
            c.end("x");
            boolean[] sync = {true};
            boolean r = c.write(bytes("after"), err -> log.add("C write cb " + code(err) + " sync=" + sync[0]));
            sync[0] = false;
            log.add("C write after end returned " + r + " writableEnded=" + c.writableEnded());
            loop.nextTick(() -> log.add("C nextTick marker"));
        });
        loop.run();
        // node v20 (same program): C write cb ERR_STREAM_WRITE_AFTER_END|C error ERR_STREAM_WRITE_AFTER_END|
        // C nextTick marker|C close true -- 'close' comes from the loop's closing phase (issue #9 item 1).
        assertEquals(List.of(
                "C write after end returned false writableEnded=true",
                "C write cb ERR_STREAM_WRITE_AFTER_END sync=false",
                "C error ERR_STREAM_WRITE_AFTER_END [rs=closed destroyed=true]",
                "C nextTick marker",
                "C close hadError=true [rs=closed destroyed=true]"), log.of("C"));
    }

    /** N14, 04 lines 025-028: end(cb) runs cb after 'prefinish' and before 'finish'; a second end() is a no-op whose cb still runs. */
    @Test
    void endTwiceRunsBothCallbacksBeforeFinish() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.traceStream(c, "C", false, ALL);
            s.resume();
            c.end(bytes("x"), err -> log.add("C first end cb " + code(err)));
            c.end(err -> log.add("C second end cb " + code(err)));
        });
        loop.run();
        assertEquals(List.of(
                "C prefinish",
                "C first end cb null",
                "C second end cb null",
                "C finish",
                "C end",
                "C close hadError=false"), log.of("C"));
    }

    /** 04 lines 029-031: a second end(data) is a write after end: its cb and 'error' get ERR_STREAM_WRITE_AFTER_END. */
    @Test
    void secondEndWithDataIsWriteAfterEnd() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.traceStream(c, "C", false, "finish", "close", "error");
            s.resume();
            c.end("x");
            c.end(bytes("y"), err -> log.add("C second end(data) cb " + code(err)));
        });
        loop.run();
        List<String> lines = log.of("C");
        // Node: error, cb, close (its close waits for the handle); here the cb may come first. Close is last.
        assertEquals(3, lines.size(), lines::toString);
        assertEquals(Set.of("C error ERR_STREAM_WRITE_AFTER_END", "C second end(data) cb ERR_STREAM_WRITE_AFTER_END"),
                Set.copyOf(lines.subList(0, 2)));
        assertEquals("C close hadError=true", lines.get(2));
    }

    /** N16, 04 lines 032-038 and 09 lines 020-025: destroy(err) on a connected socket. */
    @Test
    void destroyWithErrorEmitsErrorThenCloseAndPeerSeesEnd() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.traceStream(s, "S", true, "end", "finish", "close", "error");
            log.traceStream(c, "C", true, ALL);
            s.resume();
            RuntimeException e = new RuntimeException("my failure");
            c.on("error", (Throwable x) -> log.add("C error is same object: " + (x == e)));
            USocket r = c.destroy(e);
            log.add("C destroy returned this=" + (r == c) + " destroyed(sync)=" + c.destroyed());
            loop.nextTick(() -> log.add("C nextTick marker"));
            loop.setImmediate(() -> log.add("C setImmediate marker"));
        });
        loop.run();
        assertEquals(List.of(
                "C destroy returned this=true destroyed(sync)=true",
                "C error my failure [rs=closed destroyed=true]",
                "C error is same object: true",
                // node v20 (same program): destroyed|C error my failure|C nextTick marker|
                // C setImmediate marker|C close true -- 'close' in the closing phase (issue #9 item 1)
                "C nextTick marker",
                "C setImmediate marker",
                "C close hadError=true [rs=closed destroyed=true]"), log.of("C"));
        assertEquals(List.of(
                "S end [rs=writeOnly destroyed=false]",
                "S finish [rs=closed destroyed=false]",
                "S close hadError=false [rs=closed destroyed=true]"), log.of("S"));
    }

    /** N16, 04 lines 039-043: destroy() emits only 'close'(false); a second destroy(err) is ignored. */
    @Test
    void destroyWithoutErrorEmitsOnlyClose() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.traceStream(s, "S", true, "end", "finish", "close", "error");
            log.traceStream(c, "C", true, ALL);
            s.resume();
            c.write("partial");
            c.destroy();
            log.add("C destroyed=" + c.destroyed());
            c.destroy(new RuntimeException("second destroy ignored"));
        });
        loop.run();
        assertEquals(List.of(
                "C destroyed=true",
                "C close hadError=false [rs=closed destroyed=true]"), log.of("C"));
        assertEquals(List.of(
                "S end [rs=writeOnly destroyed=false]",
                "S finish [rs=closed destroyed=false]",
                "S close hadError=false [rs=closed destroyed=true]"), log.of("S"));
    }

    /** N17, 04 lines 044-046: write after destroy returns false, cb ERR_STREAM_DESTROYED, no 'error'. */
    @Test
    void writeAfterDestroyFailsWithoutErrorEvent() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            log.traceStream(c, "C", false, "close", "error");
            s.resume();
            c.destroy();
            boolean r = c.write(bytes("x"), err -> log.add("C write cb " + code(err)));
            log.add("C write after destroy returned " + r);
        });
        loop.run();
        List<String> lines = log.of("C");
        assertEquals("C write after destroy returned false", lines.get(0));
        // Node runs the cb before 'close' (its close waits for the handle to close); the order is not asserted.
        assertEquals(Set.of("C write cb ERR_STREAM_DESTROYED", "C close hadError=false"),
                Set.copyOf(lines.subList(1, lines.size())));
        assertEquals(3, lines.size(), lines::toString);
    }

    /** N18, 04 lines 047-049: destroy(err) while connecting. */
    @Test
    void destroyWhileConnectingFailsQueuedWrites() {
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.resume());
        server.listen(path(), () -> {
            USocket c = new USocket(loop, path());
            log.traceStream(c, "C", true, "connect", "connected", "ready", "close", "error");
            log.add("C connecting=" + c.connecting() + " rs=" + c.readyState());
            c.write(bytes("queued"), err -> log.add("C queued write cb " + code(err)));
            c.destroy(new RuntimeException("early"));
            c.on("close", () -> server.close());
        });
        loop.run();
        assertEquals(List.of(
                "C connecting=true rs=opening",
                "C error early [rs=closed destroyed=true]",
                "C close hadError=true [rs=closed destroyed=true]",
                "C queued write cb ERR_SOCKET_CLOSED_BEFORE_CONNECTION"), log.of("C"));
    }

    /** 04 lines 052-059: end(data) before the connection is established is queued, then sent. */
    @Test
    void endWhileConnectingIsQueued() {
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("data", (byte[] d) -> log.add("S data " + EventLog.str(d)));
            s.on("end", () -> log.add("S end"));
        });
        server.listen(path(), () -> {
            USocket c = new USocket(loop, path());
            log.traceStream(c, "C", true, "connect", "ready", "finish", "end", "close", "error");
            c.end("early-end-data");
            log.add("C after end(): connecting=" + c.connecting() + " writableEnded=" + c.writableEnded());
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "C after end(): connecting=true writableEnded=true",
                "C connect [rs=readOnly destroyed=false]",
                "C ready [rs=readOnly destroyed=false]",
                "C finish [rs=readOnly destroyed=false]",
                "C end [rs=closed destroyed=false]",
                "C close hadError=false [rs=closed destroyed=true]"), log.of("C"));
        assertEquals(List.of("S data \"early-end-data\"", "S end"), log.of("S"));
    }

    /** N15: a write to a peer that is gone: cb EPIPE, then 'error' EPIPE, then 'close'(true) (node v20, see report). */
    @Test
    void writeToDestroyedPeerFailsWithEpipe() {
        SocketTestKit.pair(loop, path(), new SocketOptions(), new SocketOptions().allowHalfOpen(true), (c, s) -> {
            s.destroy();
            c.on("end", () -> {
                boolean r = c.write(bytes("x"), err -> log.add("C write cb " + describe(err)));
                log.add("C write after peer destroy returned " + r);
            });
            c.on("error", (Throwable e) -> log.add("C error " + describe(e)));
            c.on("close", (Boolean h) -> log.add("C close hadError=" + h));
            c.resume();
        });
        loop.run();
        assertEquals(List.of(
                "C write after peer destroy returned false",
                "C write cb EPIPE errno=-32 syscall=write",
                "C error EPIPE errno=-32 syscall=write",
                "C close hadError=true"), log.of("C"));
    }

    /**
     * N15: a write pending in the queue when the (paused) peer is destroyed fails with EPIPE or
     * ECONNRESET. The peer left our bytes unread, so the read sees ECONNRESET first (libuv reads
     * before it writes, node-semantics N41) and destroys: 'error' comes on the next tick, the
     * pending write's callback before 'close' (node v20.20: write=false | error ECONNRESET |
     * write-cb null | close true; the callback gets the error here, docs/differences.md). A write
     * error first (EPIPE) calls back before 'error', as Node's afterWriteDispatched.
     */
    @Test
    void pendingWriteFailsWhenPeerIsDestroyed() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.pause();
            boolean r = c.write(new byte[1 << 20], err -> log.add("C write cb " + code(err)));
            log.add("C write returned " + r);
            loop.setTimeout(s::destroy, 20);
            c.on("error", (Throwable e) -> log.add("C error " + code(e)));
            c.on("close", (Boolean h) -> log.add("C close hadError=" + h));
        });
        loop.run();
        List<String> lines = log.of("C");
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("C write returned false", lines.get(0));
        String errCode = lines.get(1).substring(lines.get(1).lastIndexOf(' ') + 1);
        assertTrue(Set.of("EPIPE", "ECONNRESET").contains(errCode), lines::toString);
        List<String> expected = errCode.equals("ECONNRESET")
                ? List.of("C error " + errCode, "C write cb " + errCode, "C close hadError=true")
                : List.of("C write cb " + errCode, "C error " + errCode, "C close hadError=true");
        assertEquals(expected, lines.subList(1, 4));
    }

    /**
     * Node v20: destroy(err) with writes still queued: the callbacks of those writes and of end()
     * get err itself; 'error' then 'close'(true). Writes already in the kernel were called back with null.
     */
    @Test
    void destroyWithErrorFailsPendingWritesWithThatError() {
        List<String> cbs = new ArrayList<>();
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.pause();
            int n = 0;
            boolean r;
            do {
                int i = n++;
                r = c.write(new byte[64 * 1024], err -> cbs.add("cb" + i + " " + code(err)));
            } while (r && n < 1000);
            c.end(err -> log.add("C end cb " + code(err)));
            c.on("error", (Throwable e) -> log.add("C error " + code(e)));
            c.on("close", (Boolean h) -> {
                log.add("C close hadError=" + h);
                s.destroy();
            });
            loop.setTimeout(() -> c.destroy(new RuntimeException("boom")), 20);
        });
        loop.run();
        // node 20 calls queued writes back before 'close' (libuv's uv__stream_destroy runs before
        // the close callback); differential seed 132: error | write-cb ERR_STREAM_WRITE_AFTER_END | close true
        assertEquals(List.of("C error boom", "C end cb boom", "C close hadError=true"), log.all());
        int firstFailed = cbs.indexOf(cbs.stream().filter(l -> l.endsWith(" boom")).findFirst().orElse(null));
        assertTrue(firstFailed >= 0, "some writes were still queued: " + cbs);
        for (int i = 0; i < cbs.size(); i++) {
            assertEquals("cb" + i + (i < firstFailed ? " null" : " boom"), cbs.get(i), cbs::toString);
        }
    }

    /** Node v20: destroy() with writes still queued: their callbacks and end()'s get ERR_STREAM_DESTROYED; no 'error'. */
    @Test
    void destroyWithoutErrorFailsPendingWritesWithErrStreamDestroyed() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.pause();
            boolean r = c.write(new byte[1 << 20], err -> log.add("C write cb " + code(err)));
            log.add("C write returned " + r);
            c.end(err -> log.add("C end cb " + code(err)));
            c.on("error", (Throwable e) -> log.add("C error " + code(e)));
            c.on("finish", () -> log.add("C finish"));
            c.on("close", (Boolean h) -> {
                log.add("C close hadError=" + h);
                s.destroy();
            });
            c.destroy();
        });
        loop.run();
        // node 20: write returned false | write cb null | end cb ERR_STREAM_DESTROYED | close false
        // (the write's null is docs/differences.md "A write pending in the kernel ... fails").
        assertEquals(List.of(
                "C write returned false",
                "C write cb ERR_STREAM_DESTROYED",
                "C end cb ERR_STREAM_DESTROYED",
                "C close hadError=false"), log.all());
    }

    private static String describe(Throwable e) {
        if (!(e instanceof USocketException u)) return String.valueOf(e);
        List<String> parts = new ArrayList<>();
        parts.add(u.code());
        parts.add("errno=" + u.errno());
        parts.add("syscall=" + u.syscall());
        return String.join(" ", parts);
    }
}
