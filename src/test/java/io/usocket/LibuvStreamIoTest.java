package io.usocket;

import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;
import io.usocket.internal.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where libuv's {@code uv__stream_io}, {@code uv__loop_alive} and node's timer processing put
 * events, found by the differential harness (issue 9): node-semantics N40–N43, decisions D85.
 * Each expected trace is the output of the same program on node v20.20 (quoted in the comment).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LibuvStreamIoTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    /**
     * N40. node (150000 bytes waiting, then read): data 65536 | tick | data 65536 | tick |
     * data 18928 | tick | end. Node calls onStreamRead once per libuv read callback through
     * MakeCallback, which drains the nextTick queue before the next chunk is read.
     */
    @Test
    void aWriteCompletedAfterABlockedOneCallsBackBeforeTheShutdownItLetThrough() {
        // node 20, the same program, every run: big false | small false | big cb | small cb |
        // prefinish | finish | c end | s close. The blocked write's completion (EPOLLOUT) lets the
        // buffered small one through at once; its callback, on the next tick, runs when that
        // completion's MakeCallback returns, before uv__drain shuts the socket down (prefinish).
        String p = kit.path("blocked-then-small.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            s.on("prefinish", log.rec("prefinish"));
            s.on("finish", log.rec("finish"));
            log.add("big " + s.write(new byte[1 << 20], () -> log.add("big cb")));
            log.add("small " + s.write("D3".getBytes(StandardCharsets.UTF_8), () -> log.add("small cb")));
            s.end();
            s.on("close", () -> {
                log.add("s close");
                server.close();
            });
            s.resume();
        });
        server.listen(p, () -> {
            USocket c = new USocket(loop, p);
            c.pause();
            loop.setTimeout(c::resume, 50);
            c.on("end", () -> {
                log.add("c end");
                c.end();
            });
        });
        loop.run();
        assertEquals(List.of("big false", "small false", "big cb", "small cb", "prefinish", "finish", "c end", "s close"),
                log.all());
    }

    @Test
    void n40TicksQueuedByOneChunkRunBeforeTheNextChunkOfTheSameRead() {
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            s.pause();
            // The client's bytes all wait in the kernel before reading starts: one wakeup, three reads.
            loop.setTimeout(() -> {
                s.on("data", (byte[] d) -> {
                    log.add("data " + d.length);
                    loop.nextTick(log.rec("tick"));
                });
                s.on("end", () -> {
                    log.add("end");
                    s.end();
                    server.close();
                });
                s.resume();
            }, 100);
        });
        server.listen(kit.path("ticks.sock"), () -> {
            USocket c = new USocket(loop);
            c.connect(kit.path("ticks.sock"), () -> c.end(new byte[150_000]));
        });
        loop.run();
        assertEquals(List.of("data 65536", "tick", "data 65536", "tick", "data 18928", "tick", "end"), log.all());
    }

    /**
     * N42. node: s1 end | s1 prefinish | s1 finish | s2 data x | s1 close | s2 end | s2 prefinish |
     * s2 finish | s2 close. s1's peer closed: epoll reports EPOLLIN|EPOLLHUP, the read gives EOF,
     * net's auto end() requests the shutdown, and uv__stream_io, seeing POLLHUP, runs uv__drain
     * in the same callback: the shutdown completes before s2's data of the same poll.
     */
    @Test
    void n42ShutdownCompletesInTheSameCallbackWhenThePeerHungUp() {
        String path = kit.path("hup.sock");
        UServer server = new UServer(loop);
        List<USocket> clients = new ArrayList<>();
        int[] n = {0};
        server.on("connection", (USocket s) -> {
            String name = "s" + (++n[0]);
            for (String e : new String[] {"end", "prefinish", "finish", "close"}) s.on(e, log.rec(name + " " + e));
            s.on("data", (byte[] d) -> log.add(name + " data " + new String(d)));
            if (n[0] == 1) {
                clients.add(new USocket(loop).connect(path));
            } else {
                loop.setTimeout(() -> {
                    clients.get(0).destroy();
                    clients.get(1).write("x");
                    clients.get(1).end();
                    server.close();
                }, 50);
            }
        });
        server.listen(path, () -> clients.add(new USocket(loop).connect(path)));
        loop.run();
        assertEquals(List.of("s1 end", "s1 prefinish", "s1 finish", "s2 data x", "s1 close",
                "s2 end", "s2 prefinish", "s2 finish", "s2 close"), log.all());
    }

    /**
     * N43. node: write=false | timer: resume | write cb null | server got 4000000 | server close |
     * (exit). The client is unref'd and its peer not reading, the server closed, the timer
     * unref'd: only the pending write request holds the loop (libuv's uv__has_active_reqs), so
     * the unref'd timer still fires and the write completes before run() returns.
     */
    @Test
    void n43AnUnrefdSocketsPendingWriteKeepsTheLoopAlive() {
        String path = kit.path("unref.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            s.pause();
            server.close(err -> log.add("server close"));
            long[] got = {0};
            s.on("data", (byte[] d) -> {
                got[0] += d.length;
                if (got[0] == 4_000_000) {
                    log.add("server got 4000000");
                    s.destroy();
                }
            });
            loop.setTimeout(() -> {
                log.add("timer: resume");
                s.resume();
            }, 200).unref();
        });
        USocket c = new USocket(loop);
        server.listen(path, () -> {
            c.on("error", (Throwable e) -> log.add("client error " + EventLog.code(e)));
            c.connect(path, () -> {
                c.unref();
                byte[] big = new byte[4_000_000];
                Arrays.fill(big, (byte) 'x');
                log.add("write=" + c.write(big, e -> log.add("write cb " + EventLog.code(e))));
            });
        });
        loop.run();
        // node exits with the unref'd client still open: it is ours to close.
        c.destroy();
        assertEquals(List.of("write=false", "timer: resume", "write cb null", "server got 4000000", "server close"),
                log.all().stream().filter(e -> !e.startsWith("client")).toList());
    }

    /**
     * Decisions D85. node: A | immediate | B | C. B, set by A's callback, is judged against the
     * time the timers phase started (node's processTimers(now)), though setting C refreshed the
     * loop's time after B was due: B runs in the next turn, after the immediate.
     */
    @Test
    void d85ATimerSetByATimerIsNotDueInTheSamePhase() {
        loop.setTimeout(() -> {
            loop.setTimeout(log.rec("B"), 1);
            long until = System.nanoTime() + 3_000_000L;
            while (System.nanoTime() < until) Thread.onSpinWait(); // past B's due time, on purpose
            loop.setTimeout(log.rec("C"), 50);
            loop.setImmediate(log.rec("immediate"));
            log.add("A");
        }, 1);
        loop.run();
        assertEquals(List.of("A", "immediate", "B", "C"), log.all());
    }

    /**
     * N44. node: connect | uncork | write cb null | server data A | server end. destroy.js's
     * undestroy (connect() on a destroyed socket) resets the writable flags but keeps the cork
     * count: the write waits for uncork().
     */
    @Test
    void n44ASocketCorkedBeforeItWasDestroyedIsStillCorkedWhenItConnectsAgain() {
        String path = kit.path("cork.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            s.on("data", (byte[] d) -> log.add("server data " + new String(d)));
            s.on("end", () -> {
                log.add("server end");
                server.close();
            });
        });
        USocket c = new USocket(loop);
        c.cork();
        c.destroy();
        server.listen(path, () -> c.connect(path, () -> {
            log.add("connect");
            c.write("A", e -> log.add("write cb " + EventLog.code(e)));
            loop.setTimeout(() -> {
                log.add("uncork");
                c.uncork();
                c.end();
            }, 50);
        }));
        loop.run();
        assertEquals(List.of("connect", "uncork", "write cb null", "server data A", "server end"), log.all());
    }

    /**
     * N36. node: s finish | s unpipe | c end | isPaused true readableLength 1. The pipe ends at
     * dst's 'finish' and Readable.unpipe pauses a source left piping nowhere: the peer's later
     * byte stays buffered (no 'data', no 'end').
     */
    @Test
    void n36APipeEndsAtTheDestinationsFinishAndPausesTheSource() {
        String path = kit.path("pipe.sock");
        UServer server = new UServer(loop);
        USocket[] c = {null};
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("data", (Object d) -> log.add("s data " + EventLog.text(d)));
            for (String e : new String[] {"end", "finish", "unpipe"}) s.on(e, log.rec("s " + e));
            s.end();
            s.pipe(s);
            loop.setTimeout(() -> {
                log.add("isPaused " + s.isPaused() + " readableLength " + s.readableLength());
                s.destroy();
                c[0].destroy();
            }, 100);
        });
        server.listen(path, () -> {
            c[0] = new USocket(loop);
            c[0].connect(path, () -> {
                c[0].on("end", () -> {
                    log.add("c end");
                    c[0].write("A");
                });
                c[0].resume();
            });
        });
        loop.run();
        assertEquals(List.of("s finish", "s unpipe", "c end", "isPaused true readableLength 1"), log.all());
    }

    /**
     * N44. node: write=false | write cb ERR_SOCKET_CLOSED | close undefined |
     * error ERR_SOCKET_CLOSED | close true (no 'connect'). A write before any connect fails on
     * the next tick; connect() on the destroyed socket (in 'listening', before that tick)
     * revives the same state, so the failed write's errorOrDestroy destroys the new connection.
     */
    @Test
    void n44AWriteThatFailedBeforeConnectDestroysTheRevivedSocket() {
        String path = kit.path("revive.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.destroy());
        USocket c = new USocket(loop);
        c.on("connect", log.rec("connect"));
        c.on("error", (Throwable e) -> log.add("error " + EventLog.code(e)));
        c.on("close", (Boolean h) -> {
            log.add("close " + (h == null ? "undefined" : h));
            if (h != null) server.close();
        });
        server.on("listening", () -> c.connect(path));
        server.listen(path);
        log.add("write=" + c.write("E4", e -> log.add("write cb " + EventLog.code(e))));
        c.destroy();
        loop.run();
        assertEquals(List.of("write=false", "write cb ERR_SOCKET_CLOSED", "close undefined",
                "error ERR_SOCKET_CLOSED", "close true"), log.all());
    }

    /**
     * N44. node 20 (destroy(); end(cb); 20 ms later connect() to a regular file): close undefined |
     * connect | end-cb ECONNREFUSED | error ECONNREFUSED | close true. The end callback waits in
     * the same WritableState through the revival, and the failed connect's destroy calls it.
     */
    @Test
    void n44AnEndCallbackGivenAfterDestroyWaitsForTheRevivedConnection() throws Exception {
        String file = kit.path("plain-file");
        Files.writeString(Path.of(file), "x");
        USocket c = new USocket(loop);
        c.on("error", (Throwable e) -> log.add("error " + EventLog.code(e)));
        c.on("close", (Boolean h) -> log.add("close " + (h == null ? "undefined" : h)));
        c.destroy();
        c.end((Throwable e) -> log.add("end-cb " + EventLog.code(e)));
        loop.setTimeout(() -> {
            log.add("connect");
            c.connect(file);
        }, 20);
        loop.run();
        assertEquals(List.of("close undefined", "connect", "end-cb ECONNREFUSED", "error ECONNREFUSED", "close true"),
                log.all());
    }

    /**
     * N44. node 20 (end(cb); write() after it; connect() in 'listening', whose tick comes before
     * the failed write's): write false | listening | end-cb ERR_STREAM_DESTROYED |
     * error ERR_STREAM_WRITE_AFTER_END | close undefined | connect | close false. The revival
     * clears the error before the destroy's errorBuffer tick, which then fails the end callback
     * as destroyed.
     */
    @Test
    void n44AnEndCallbackOfADestroyedSocketRevivedBeforeItsTickFailsAsDestroyed() {
        String path = kit.path("end-cb.sock");
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> s.resume());
        USocket c = new USocket(loop);
        c.on("connect", () -> {
            log.add("connect");
            c.destroy();
            server.close();
        });
        c.on("finish", log.rec("finish"));
        c.on("error", (Throwable e) -> log.add("error " + EventLog.code(e)));
        c.on("close", (Boolean h) -> log.add("close " + (h == null ? "undefined" : h)));
        server.listen(path, () -> {
            log.add("listening");
            c.connect(path);
        });
        c.end((Throwable e) -> log.add("end-cb " + EventLog.code(e)));
        log.add("write " + c.write("C2"));
        loop.run();
        assertEquals(List.of("write false", "listening", "end-cb ERR_STREAM_DESTROYED", "error ERR_STREAM_WRITE_AFTER_END",
                "close undefined", "connect", "close false"), log.all());
    }

    /**
     * libuv's uv__io_close takes a descriptor out of epoll before closing it: closing the number
     * removes the registration only when no other reference to the socket is left, and a
     * process being forked holds one until it execs (so does a copy sent with SCM_RIGHTS). A
     * registration that outlived the close reported the old socket's hang-up under its number,
     * to the next socket given that number: a fresh connection took it for its peer's EOF and
     * ended before answering (HandOverTest lost connections that way while it started the new
     * JVM). Here a copy of an accepted socket, made the way a fork makes one, outlives its close
     * and its peer hangs up; the next socket at the same number has its request waiting when
     * the loop first reads it, and must not see an end.
     */
    @Test
    void aClosedSocketStillReferencedElsewhereDoesNotReportToTheNextSocketWithItsNumber() {
        String path = kit.path("stale.sock");
        UServer server = new UServer(loop);
        int[] copy = {-1};
        int[] pair = {-1, -1};
        server.on("connection", (USocket s) -> {
            s.resume();
            loop.setTimeout(() -> { // once epoll watches it: copied (as a fork copies every descriptor), then closed
                int number = s.fd;
                copy[0] = LibC.INSTANCE.fcntl(number, Sys.F_DUPFD_CLOEXEC, 900);
                s.destroy();
                server.close();
                // The next socket of the loop at the same number, its request already waiting.
                pair[0] = -1;
                int[] p = SocketTestKit.socketPair();
                int mine = p[0] == number ? p[0] : p[1] == number ? p[1] : -1;
                if (mine < 0) { // the number is free but not the lowest: put one end there
                    mine = LibC.INSTANCE.dup3(p[0], number, Sys.O_CLOEXEC);
                    Fds.close(p[0]);
                    p[0] = mine;
                }
                pair[0] = mine;
                pair[1] = mine == p[0] ? p[1] : p[0];
                NativeBuffer ping = new NativeBuffer(4);
                ping.buf.put(0, "ping".getBytes(StandardCharsets.US_ASCII));
                LibC.INSTANCE.write(pair[1], ping, 4);
                loop.setTimeout(() -> {
                    USocket next = new USocket(loop, new SocketOptions().fd(pair[0]));
                    log.add("next socket at the closed one's number: " + (next.fd == number));
                    next.on("data", (byte[] d) -> log.add("data " + new String(d)));
                    next.on("end", log.rec("end"));
                    loop.setTimeout(() -> { // answered late, as HandOverExample's old server does
                        log.add("reply");
                        next.destroy();
                    }, 30);
                }, 30); // the peer hung up meanwhile: the closed socket's hang-up is level-triggered
            }, 10);
        });
        server.listen(path, () -> {
            USocket first = new USocket(loop, path);
            first.on("connect", () -> loop.setTimeout(first::destroy, 20));
        });
        try {
            loop.run();
        } finally {
            if (copy[0] >= 0) Fds.close(copy[0]);
            if (pair[1] >= 0) Fds.close(pair[1]);
        }
        assertEquals(List.of("next socket at the closed one's number: true", "data ping", "reply"), log.all());
    }
}
