package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pipe() (node-semantics N33; node 20) and ports of Node's stream round-trip tests:
 * ping-pong with readyState checks (test-net-pingpong) and a 10 MB echo through pipe with a checksum.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeTest {
    private static final int KIB64 = 64 * 1024;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    private String path() {
        return kit.path("p.sock");
    }

    /** 07 lines 016-020 (node v20): the server echoes with s.pipe(s); end propagates; 'unpipe' at dst's 'finish'. */
    @Test
    void echoThroughPipeToItself() {
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.pipe(s);
            for (String ev : new String[] {"end", "unpipe", "finish", "close"}) s.on(ev, () -> log.add("S " + ev));
        });
        server.listen(path(), () -> {
            USocket c = new USocket(loop, path());
            StringBuilder got = new StringBuilder();
            c.setEncoding("utf8");
            c.on("data", (String d) -> got.append(d));
            c.on("end", () -> log.add("C end, got=\"" + got + "\""));
            c.write("ping-");
            c.end("pong");
        });
        loop.run();
        assertEquals(List.of("S end", "S unpipe", "S finish", "S close", "C end, got=\"ping-pong\""), log.all());
    }

    /**
     * 07 lines 021-023: pipe(dst, false) emits 'pipe' on dst, 'unpipe' at the source's end and
     * leaves dst open, which can then write more and end by itself.
     */
    @Test
    void pipeWithoutEndLeavesDestinationOpen() {
        UServer server = new UServer(loop);
        List<USocket> accepted = new ArrayList<>();
        USocket[] clients = new USocket[2];
        server.listen(path(), () -> {
            clients[0] = new USocket(loop, path());
            clients[0].resume();
        });
        server.on("connection", (USocket s) -> {
            accepted.add(s);
            if (accepted.size() == 1) {
                // The second client connects only once the first is accepted: accepted.get(0) is A's.
                USocket b = clients[1] = new USocket(loop, path());
                StringBuilder got = new StringBuilder();
                b.on("data", (byte[] d) -> got.append(new String(d)));
                b.on("end", () -> log.add("B end, got=\"" + got + "\""));
                return;
            }
            server.close();
            USocket sa = accepted.get(0);
            USocket sink = s;
            sink.resume();
            sink.on("pipe", (USocket src) -> log.add("sink pipe from A=" + (src == sa)));
            sink.on("unpipe", (USocket src) -> log.add("sink unpipe from A=" + (src == sa)));
            sink.on("finish", () -> log.add("sink finish"));
            sa.pipe(sink, false);
            sa.on("end", () -> {
                log.add("S end; sink.writableEnded=" + sink.writableEnded());
                sink.end("+more");
            });
            clients[0].end("x");
        });
        loop.run();
        assertEquals(List.of(
                "sink pipe from A=true",
                "sink unpipe from A=true",
                "S end; sink.writableEnded=false",
                "sink finish",
                "B end, got=\"x+more\""), log.all());
    }

    /**
     * N33: pipe() respects backpressure. A sends 2 MiB to its server side, which pipes into B's
     * server side while B does not read: the source pauses, the destination's queue stays below
     * its mark plus one received chunk, and A's own writes back up. Once B reads, every byte
     * arrives (checksum) and B's end follows.
     */
    @Test
    void pipeAppliesBackpressure() {
        int size = 2 << 20;
        byte[] payload = new byte[size];
        new Random(7).nextBytes(payload);
        CRC32 sent = new CRC32();
        sent.update(payload);
        CRC32 received = new CRC32();
        long[] got = {0};
        UServer server = new UServer(loop);
        List<USocket> accepted = new ArrayList<>();
        USocket[] clients = new USocket[2];
        server.listen(path(), () -> clients[0] = new USocket(loop, path()));
        server.on("connection", (USocket s) -> {
            accepted.add(s);
            if (accepted.size() == 1) {
                clients[1] = new USocket(loop, path());
                clients[1].pause();
                return;
            }
            server.close();
            USocket a = clients[0];
            USocket b = clients[1];
            USocket sa = accepted.get(0);
            USocket sb = s;
            sb.resume(); // sb's own readable side must be consumed for its 'end' (and close) to come
            sa.pipe(sb);
            long[] maxQueued = {0};
            sa.on("data", (byte[] d) -> maxQueued[0] = Math.max(maxQueued[0], sb.writableLength()));
            log.add("A write 2 MiB returned " + a.write(payload));
            a.end();
            loop.setTimeout(() -> {
                log.add("while B is paused: source paused=" + sa.isPaused()
                        + " dst queue bounded=" + (maxQueued[0] > 0 && maxQueued[0] < 16384 + KIB64)
                        + " A backed up=" + (a.writableLength() > 0));
                b.on("data", (byte[] d) -> {
                    received.update(d);
                    got[0] += d.length;
                });
                b.on("end", () -> log.add("B end after " + got[0] + " bytes; max dst queue bounded="
                        + (maxQueued[0] < 16384 + KIB64)));
                b.resume();
            }, 100);
        });
        loop.run();
        assertEquals(List.of(
                "A write 2 MiB returned false",
                "while B is paused: source paused=true dst queue bounded=true A backed up=true",
                "B end after " + size + " bytes; max dst queue bounded=true"), log.all());
        assertEquals(sent.getValue(), received.getValue(), "checksum");
    }

    /**
     * Port of Node's test-net-pingpong: 1000 PING/PONG round trips plus a final PING with end();
     * readyState (Node's readable/writable flags) checked at every step; the server allows half-open.
     */
    @Test
    void pingPong1000() {
        int n = 1000;
        int[] count = {0};
        int[] sentPongs = {0};
        boolean[] sentFinalPing = {false};
        List<String> failures = new ArrayList<>();
        UServer server = new UServer(loop, new SocketOptions().allowHalfOpen(true));
        server.on("connection", (USocket s) -> {
            s.setEncoding("utf8");
            s.on("data", (String data) -> {
                // One message at a time: never more than one PONG waits in userland.
                check(failures, s.writableLength() <= 4, "server writableLength " + s.writableLength());
                check(failures, "open".equals(s.readyState()), "server readyState on data " + s.readyState());
                check(failures, count[0] <= n, "count " + count[0]);
                check(failures, "PING".equals(data), "server got " + data);
                s.write("PONG", "utf8", err -> sentPongs[0]++);
            });
            s.on("end", () -> {
                check(failures, s.allowHalfOpen(), "allowHalfOpen");
                check(failures, "writeOnly".equals(s.readyState()), "server readyState on end " + s.readyState());
                s.end();
            });
            s.on("error", (Throwable e) -> failures.add("server error " + e));
            s.on("close", () -> {
                check(failures, "closed".equals(s.readyState()), "server readyState on close " + s.readyState());
                server.close();
            });
        });
        server.listen(path(), () -> {
            USocket c = new USocket(loop, path());
            c.setEncoding("ascii");
            c.on("connect", () -> {
                check(failures, "open".equals(c.readyState()), "client readyState on connect " + c.readyState());
                c.write("PING");
            });
            c.on("data", (String data) -> {
                check(failures, "PONG".equals(data), "client got " + data);
                count[0]++;
                if (sentFinalPing[0]) {
                    check(failures, "readOnly".equals(c.readyState()), "client readyState after final ping " + c.readyState());
                    return;
                }
                check(failures, "open".equals(c.readyState()), "client readyState " + c.readyState());
                if (count[0] < n) {
                    c.write("PING");
                } else {
                    sentFinalPing[0] = true;
                    c.write("PING");
                    c.end();
                }
            });
            c.on("close", (Boolean hadError) -> log.add("C close hadError=" + hadError + " count=" + count[0]
                    + " sentPongs=" + sentPongs[0] + " bytesWritten=" + c.bytesWritten() + " bytesRead=" + c.bytesRead()));
        });
        loop.run();
        assertEquals(List.of(), failures);
        assertEquals(List.of("C close hadError=false count=" + (n + 1) + " sentPongs=" + (n + 1)
                + " bytesWritten=" + 4 * (n + 1) + " bytesRead=" + 4 * (n + 1)), log.all());
    }

    /**
     * 10 MB of random bytes through a server doing s.pipe(s): the client writes with backpressure
     * (write until false, then wait for 'drain'), then ends; the echo must match byte for byte
     * (CRC32) and the byte counters on both sides must say 10 MB.
     */
    @Test
    void tenMegabytesEchoedThroughPipe() {
        int size = 10_000_000;
        byte[] payload = new byte[size];
        new Random(42).nextBytes(payload);
        CRC32 sentCrc = new CRC32();
        sentCrc.update(payload);
        CRC32 gotCrc = new CRC32();
        long[] got = {0};
        int[] drains = {0};
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            server.close();
            long[] maxQueued = {0};
            s.pipe(s);
            s.on("data", (byte[] d) -> maxQueued[0] = Math.max(maxQueued[0], s.writableLength()));
            s.on("close", (Boolean h) -> log.add("S close hadError=" + h + " bytesRead=" + s.bytesRead()
                    + " bytesWritten=" + s.bytesWritten() + " queue bounded=" + (maxQueued[0] < 16384 + KIB64)));
        });
        server.listen(path(), () -> {
            USocket c = new USocket(loop, path());
            c.on("data", (byte[] d) -> {
                gotCrc.update(d);
                got[0] += d.length;
            });
            int[] offset = {0};
            Runnable pump = () -> {
                boolean ok = true;
                while (ok && offset[0] < size) {
                    int len = Math.min(KIB64, size - offset[0]);
                    byte[] chunk = java.util.Arrays.copyOfRange(payload, offset[0], offset[0] + len);
                    offset[0] += len;
                    ok = c.write(chunk);
                }
                if (offset[0] == size) c.end();
            };
            c.on("drain", () -> {
                drains[0]++;
                pump.run();
            });
            pump.run();
            c.on("end", () -> log.add("C end got=" + got[0]));
            c.on("close", (Boolean h) -> log.add("C close hadError=" + h + " bytesRead=" + c.bytesRead()
                    + " bytesWritten=" + c.bytesWritten()));
        });
        loop.run();
        assertTrue(drains[0] > 0, "the writer saw backpressure");
        assertEquals(List.of(
                "S close hadError=false bytesRead=" + size + " bytesWritten=" + size + " queue bounded=true",
                "C end got=" + size,
                "C close hadError=false bytesRead=" + size + " bytesWritten=" + size), log.all());
        assertEquals(sentCrc.getValue(), gotCrc.getValue(), "CRC32 of the echo");
    }

    private static void check(List<String> failures, boolean ok, String what) {
        if (!ok && failures.size() < 20) failures.add(what);
    }
}
