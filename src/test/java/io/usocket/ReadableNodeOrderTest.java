package io.usocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The read side against node 20: each expected trace is the output of the same program run on
 * node v20.20 over a unix socket (quoted in the test's comment). These are the points where
 * {@code io.usocket.internal.stream.Readable} (node's readable.js) changed what the socket does.
 * No timing: a step waits for the state it needs by polling on the loop. The node programs are
 * these tests line for line (a pair made by a server and {@code net.connect}, the body run once
 * both ends are connected).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadableNodeOrderTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    private String path() {
        return kit.path("r.sock");
    }

    /** Runs {@code then} on the loop once {@code cond} holds (checked every millisecond). */
    private void when(BooleanSupplier cond, Runnable then) {
        if (cond.getAsBoolean()) then.run();
        else loop.setTimeout(() -> when(cond, then), 1);
    }

    private void logData(USocket c) {
        c.on("data", (byte[] d) -> log.add("data " + new String(d, StandardCharsets.ISO_8859_1)));
    }

    /**
     * A paused socket that buffered two reads flows them one chunk at a time (readable.js
     * howMuchToRead: "Only flow one buffer at a time"). node: rl=2 | data A | data B | end
     */
    @Test
    void flowingEmitsOneDataPerBufferedChunk() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            c.pause();
            c.read(0); // paused in a connect listener: afterConnect does not read(0), so start reading here
            logData(c);
            c.on("end", log.rec("end"));
            s.write("A");
            when(() -> c.readableLength() == 1, () -> {
                s.write("B");
                when(() -> c.readableLength() == 2, () -> {
                    log.add("rl=" + c.readableLength());
                    c.resume();
                    s.end();
                });
            });
        });
        loop.run();
        assertEquals(List.of("rl=2", "data A", "data B", "end"), log.all());
    }

    /**
     * resume() then destroy() in the same tick: resume_ runs before destroy's closeEmitted tick,
     * so the buffered bytes still go out as 'data' before 'close'.
     * node: destroyed | resume | data A | close false rl=0
     */
    @Test
    void resumeThenDestroyStillEmitsTheBufferedData() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("error", (Throwable e) -> { });
            c.pause();
            c.read(0); // paused in a connect listener: afterConnect does not read(0), so start reading here
            logData(c);
            c.on("resume", log.rec("resume"));
            c.on("close", (Boolean h) -> log.add("close " + h + " rl=" + c.readableLength()));
            s.write("A");
            when(() -> c.readableLength() == 1, () -> {
                c.resume();
                c.destroy();
                log.add("destroyed");
            });
        });
        loop.run();
        assertEquals(List.of("destroyed", "resume", "data A", "close false rl=0"), log.all());
    }

    /**
     * destroy() then resume(): destroy's closeEmitted tick comes first, so resume_'s read()
     * takes the buffered bytes without a 'data' event.
     * node: destroyed | resume | close false rl=0 read=null
     */
    @Test
    void destroyThenResumeEmitsNoData() {
        SocketTestKit.pair(loop, path(), (c, s) -> {
            s.on("error", (Throwable e) -> { });
            c.pause();
            c.read(0); // paused in a connect listener: afterConnect does not read(0), so start reading here
            logData(c);
            c.on("resume", log.rec("resume"));
            c.on("close", (Boolean h) -> log.add("close " + h + " rl=" + c.readableLength() + " read=" + (c.read() == null ? "null" : "bytes")));
            s.write("A");
            when(() -> c.readableLength() == 1, () -> {
                c.destroy();
                c.resume();
                log.add("destroyed");
            });
        });
        loop.run();
        assertEquals(List.of("destroyed", "resume", "close false rl=0 read=null"), log.all());
    }

    /**
     * A pipe breaks at its destination's 'finish', and Node's unpipe pauses a source left with no
     * pipe: a socket ended and piped into itself never emits the peer's data or 'end'.
     * node: s resume | s finish | s pause | s unpipe | c end | c close
     */
    @Test
    void unpipeAtFinishPausesTheSource() {
        UServer server = new UServer(loop, new SocketOptions().allowHalfOpen(true));
        USocket[] accepted = {null};
        server.on("connection", (USocket s) -> {
            accepted[0] = s;
            server.close();
            for (String e : new String[] {"pause", "resume", "finish", "end", "close", "unpipe"}) s.on(e, log.rec("s " + e));
            s.on("data", (byte[] d) -> log.add("s data " + new String(d, StandardCharsets.ISO_8859_1)));
            s.end();
            s.pipe(s);
        });
        server.listen(path(), () -> {
            USocket c = new USocket(loop, path());
            c.on("end", () -> {
                log.add("c end");
                c.write("A");
            });
            c.on("close", log.rec("c close"));
        });
        loop.run();
        // As a node process, run() returns with s open (paused at EOF, not reading): close it here.
        assertEquals(List.of("s resume", "s finish", "s pause", "s unpipe", "c end", "c close"), log.all());
        accepted[0].destroy();
        loop.run();
    }

    /**
     * A peer that destroys the connection with our bytes unread: EPOLLIN and EPOLLOUT come in one
     * report, and libuv's uv__stream_io reads first, so the error is the read's ECONNRESET, not
     * the write's EPIPE. node: write=false | error ECONNRESET | write-cb null | close true (the
     * callback of the write libuv still held gets the destroy error here: docs/differences.md,
     * "A write pending in the kernel when the socket is destroyed fails").
     */
    @Test
    void peerGoneWithOurBytesUnreadIsTheReadsEconnreset() {
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.once("data", (byte[] d) -> s.destroy());
        });
        server.listen(path(), () -> {
            USocket c = new USocket(loop);
            c.connect(path(), () -> log.add("write=" + c.write(new byte[1 << 20],
                    (Throwable e) -> log.add("write-cb " + (e == null ? null : ((USocketException) e).code())))));
            c.on("data", log.rec("data"));
            c.on("error", (Throwable e) -> log.add("error " + ((USocketException) e).code()));
            c.on("close", (Boolean h) -> log.add("close " + h));
        });
        loop.run();
        assertEquals(List.of("write=false", "error ECONNRESET", "write-cb ECONNRESET", "close true"), log.all());
    }
}
