package io.usocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.usocket.EventLog.bytes;
import static io.usocket.EventLog.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10 items 5-8 on the core: timers clamp like Node's, a peer cannot fill the fd table or
 * the heap of a socket waiting for fds, and a closed loop refuses work and leaves nothing behind
 * (decisions D22-D25).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopLimitsTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    /** Item 5: node's "Timeout duration was set to 1": delays above 2^31-1 fire after 1 ms, and the loop still ends. */
    @Test
    void item05TimerDelaysAboveTimeoutMaxBecomeOneMillisecond() {
        loop.setTimeout(log.rec("timeout Long.MAX_VALUE"), Long.MAX_VALUE);
        Timer[] iv = new Timer[1];
        iv[0] = loop.setInterval(() -> {
            log.add("interval Long.MAX_VALUE");
            iv[0].clear();
        }, Long.MAX_VALUE);
        loop.setTimeout(log.rec("timeout -5"), -5);
        loop.run();
        assertEquals(List.of("timeout Long.MAX_VALUE", "interval Long.MAX_VALUE", "timeout -5"), log.all());
    }

    /** Item 5: socket.setTimeout(Long.MAX_VALUE) is truncated to 2^31-1 ("never" in practice) and does not wedge close(). */
    @Test
    void item05SocketTimeoutOfLongMaxDoesNotWedgeTheLoop() {
        SocketTestKit.pair(loop, kit.path("t.sock"), (c, s) -> {
            c.setTimeout(Long.MAX_VALUE, log.rec("timeout"));
            s.resume();
            loop.setTimeout(() -> {
                log.add("ending");
                c.end();
            }, 20);
        });
        loop.run();
        assertEquals(List.of("ending"), log.all());
    }

    /** Item 6: more unread fds than maxPendingFds destroy the socket with ERR_TOO_MANY_FDS and close them. */
    @Test
    void item06AnFdFloodFailsTheSocketNotTheProcess() {
        int fd = Fds.open(Path.of("/dev/null"));
        int[] many = new int[20];
        java.util.Arrays.fill(many, fd);
        UServer server = new UServer(loop, new SocketOptions().maxPendingFds(10));
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("data", (byte[] d) -> { });   // no 'fds' listener, nobody takes them
            s.on("error", (Throwable e) -> log.add("s error " + code(e) + " queued=" + s.queuedFds()));
            s.on("close", (Boolean h) -> log.add("s close " + h));
        });
        server.listen(kit.path("f.sock"), () -> {
            USocket c = new USocket(loop, kit.path("f.sock"));
            c.on("error", (Throwable e) -> { });
            c.on("connect", () -> {
                c.write(new Message(bytes("a"), many));
                c.end();
            });
        });
        loop.run();
        Fds.close(fd);
        assertEquals(List.of("s error ERR_TOO_MANY_FDS queued=0", "s close true"), log.all());
    }

    /** Item 7: bytes past maxPendingBytes while read(size, count) waits for fds fail with ERR_READ_BUFFER_FULL. */
    @Test
    void item07AByteFloodWhileWaitingForFdsIsBounded() {
        UServer server = new UServer(loop, new SocketOptions().maxPendingBytes(256 * 1024));
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("readable", () -> {
                Message m = s.read(1, 1);   // waits for an fd that never comes
                if (m != null) log.add("unexpected message");
            });
            s.on("error", (Throwable e) -> log.add("s error " + code(e) + " long=" + (s.readableLength() >= 0)));
            s.on("close", (Boolean h) -> log.add("s close " + h));
        });
        server.listen(kit.path("b.sock"), () -> {
            USocket c = new USocket(loop, kit.path("b.sock"));
            c.on("error", (Throwable e) -> { });
            c.on("connect", () -> {
                for (int i = 0; i < 16; i++) c.write(new byte[64 * 1024]);
                c.end();
            });
        });
        loop.run();
        assertEquals(List.of("s error ERR_READ_BUFFER_FULL long=true", "s close true"), log.all());
    }

    /** Item 8: listen/connect/execute on a closed loop throw ERR_LOOP_CLOSED and leave no fd or file behind. */
    @Test
    void item08AClosedLoopRefusesWorkAndLeavesNothingBehind() {
        EventLoop closed = EventLoop.create();
        closed.close();
        int before = TestFds.openFdCount();
        String p = kit.path("closed.sock");
        InvalidStateException listen = assertThrows(InvalidStateException.class, () -> new UServer(closed).listen(p));
        assertEquals("ERR_LOOP_CLOSED", listen.code());
        InvalidStateException connect = assertThrows(InvalidStateException.class, () -> new USocket(closed, p));
        assertEquals("ERR_LOOP_CLOSED", connect.code());
        InvalidStateException execute = assertThrows(InvalidStateException.class, () -> closed.execute(() -> { }));
        assertEquals("ERR_LOOP_CLOSED", execute.code());
        assertFalse(new File(p).exists());
        // The kit's check: an unrelated descriptor closing meanwhile (another test's, a cleaner's) is no failure.
        TestFds.assertNoLeak(before);
    }
}
