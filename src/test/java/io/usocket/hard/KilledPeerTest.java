package io.usocket.hard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ChildProcess;
import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Message;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer SIGKILLed in the middle of a stream of frames with fds. The peer is a Python process
 * ({@code socket.send_fds}) sending 1 KiB frames, each with the read end of a fresh pipe holding
 * {@code "pipe <seq>"}, for ever; once our server has taken {@value #KILL_AT} frames it kills
 * the peer ({@code Process.destroyForcibly()}, SIGKILL) and keeps reading what the kernel still
 * holds. Then the same server must accept and serve a second Python peer that sends 50 frames
 * and exits normally.
 *
 * <p>What our side sees (node-semantics N16/N15 close rules, D14): when the peer dies with nothing unread
 * in its own receive queue, {@code 'end'}, {@code 'finish'}, {@code 'close'(false)}; when it
 * dies with bytes we sent still unread, the kernel resets the connection: every frame already
 * queued for us is still delivered, then {@code 'error'} ECONNRESET ({@code read ECONNRESET})
 * and {@code 'close'(true)}. Frames arrive whole and in order (checked byte for byte), every fd
 * is handed out (and checked by content) or, when nobody reads fds, closed by the library at
 * close; the open-fd count returns to the baseline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KilledPeerTest {
    static final int KILL_AT = 300;
    static final int FRAME = 1024;
    private static final int SECOND_PEER_FRAMES = 50;

    /** argv: PATH COUNT (-1: for ever). Frame = seq (4 bytes, big-endian) + 1020 bytes from seq; fd = a pipe holding "pipe <seq>". */
    static final String PEER = """
            import os, socket, struct, sys
            path, limit = sys.argv[1], int(sys.argv[2])
            BASE = bytes(i & 0xff for i in range(2048))
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            seq = 0
            while limit < 0 or seq < limit:
                r, w = os.pipe()
                os.write(w, b"pipe %d" % seq)
                os.close(w)
                frame = struct.pack(">I", seq) + BASE[seq % 256:seq % 256 + 1020]
                socket.send_fds(s, [frame], [r])
                os.close(r)
                seq += 1
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
            print("done", seq, flush=True)
            """;

    /** How our side consumes the doomed connection. */
    enum Consumer {
        /** {@code read(1024, 1)} per frame: every fd handed out, checked and closed by us. */
        READ_SIZE_COUNT,
        /** As READ_SIZE_COUNT, but we also answer the first 10 frames with a byte the peer never reads. */
        UNREAD_REPLIES,
        /** Flowing {@code 'data'} only: fds stay in the queue and the library closes them at close. */
        DATA_ONLY
    }

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @TempDir
    Path dir;

    @BeforeEach
    void python() {
        ChildProcess.require(ChildProcess.probe("python3 with socket.send_fds", "python3", "-c", "import socket; socket.send_fds"));
    }

    static byte[] frame(int seq) {
        byte[] f = new byte[FRAME];
        f[0] = (byte) (seq >>> 24);
        f[1] = (byte) (seq >>> 16);
        f[2] = (byte) (seq >>> 8);
        f[3] = (byte) seq;
        for (int j = 4; j < FRAME; j++) f[j] = (byte) (seq % 256 + j - 4);
        return f;
    }

    /** Checks frames taken with read(1024, 1) in order; returns the number of problems seen. */
    private static final class FrameChecker {
        int frames;
        final List<String> problems = new ArrayList<>();

        void take(Message m) {
            int seq = frames++;
            String content = m.fds().length == 1 ? new String(ContentFiles.drainAndClose(m.fds()[0]), StandardCharsets.UTF_8) : "fds " + m.fds().length;
            if (!java.util.Arrays.equals(frame(seq), m.data()) || !content.equals("pipe " + seq)) {
                if (problems.size() < 5) problems.add("frame " + seq + ": " + m + " fd content '" + content + "'");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Consumer.class)
    void peerKilledMidStreamEndsOrResetsTheConnectionLeaksNothingAndTheServerServesTheNextPeer(Consumer mode) {
        int before = TestFds.openFdCount();
        EventLog events = kit.log;
        EventLoop loop = kit.guardedLoop();
        String path = dir.resolve("kill.sock").toString();
        ChildProcess[] peers = new ChildProcess[2];
        FrameChecker first = new FrameChecker();
        FrameChecker second = new FrameChecker();
        CRC32 dataCrc = new CRC32();
        long[] dataBytes = {0};
        int[] queuedAtEnd = {-1};
        int[] connections = {0};

        // DATA_ONLY leaves one fd queued per frame, more than the default maxPendingFds (256,
        // decisions D24): this test is about what happens to them when the peer dies.
        UServer server = new UServer(loop, new SocketOptions().maxPendingFds(1 << 20));
        server.on("connection", (USocket s) -> {
            int n = ++connections[0];
            String tag = "S" + n;
            s.on("end", () -> {
                if (n == 1) queuedAtEnd[0] = s.queuedFds();
                events.add(tag + " end");
            });
            s.on("finish", () -> events.add(tag + " finish"));
            s.on("error", (Throwable e) -> events.add(tag + " error " + EventLog.describe(e, dir)));
            s.on("close", (Boolean had) -> {
                events.add(tag + " close(" + had + ")");
                if (n == 1) {
                    peers[1] = ChildProcess.start("peer2", dir, List.of("python3", "-c", PEER, path, "" + SECOND_PEER_FRAMES));
                } else {
                    server.close(() -> events.add("server closed"));
                }
            });
            if (n == 2) {
                s.on("readable", () -> {
                    for (Message m; (m = s.read(FRAME, 1)) != null; ) second.take(m);
                });
            } else if (mode == Consumer.DATA_ONLY) {
                s.on("data", (byte[] d) -> {
                    dataCrc.update(d);
                    dataBytes[0] += d.length;
                    if (dataBytes[0] >= (long) KILL_AT * FRAME) kill(peers[0], events);
                });
            } else {
                s.on("readable", () -> {
                    for (Message m; (m = s.read(FRAME, 1)) != null; ) {
                        first.take(m);
                        if (mode == Consumer.UNREAD_REPLIES && first.frames <= 10) s.write(new byte[] {'A'});
                        if (first.frames == KILL_AT) kill(peers[0], events);
                    }
                });
            }
        });
        server.listen(path, () -> peers[0] = ChildProcess.start("peer1", dir, List.of("python3", "-c", PEER, path, "-1")));
        try {
            loop.run();
            String peer2Out = peers[1] == null ? null : peers[1].nextLine(Duration.ofSeconds(10));
            loop.close();

            assertFalse(events.contains(SocketTestKit.GUARD), "the loop had to be stopped by the guard: " + events
                    + " peer1 stderr: " + (peers[0] == null ? "-" : peers[0].stderr()));
            List<String> doomed = events.all().stream().filter(e -> e.startsWith("S1 ") || e.startsWith("killed")).toList();
            if (mode == Consumer.UNREAD_REPLIES) {
                assertEquals(List.of("killed", "S1 error {code=ECONNRESET errno=-104 syscall=read address=null message=\"read ECONNRESET\"}",
                        "S1 close(true)"), doomed);
            } else {
                assertEquals(List.of("killed", "S1 end", "S1 finish", "S1 close(false)"), doomed);
            }
            if (mode == Consumer.DATA_ONLY) {
                // Whole frames only (a frame is one skb), every byte as sent; one queued fd per frame.
                assertEquals(0, dataBytes[0] % FRAME, "bytes " + dataBytes[0]);
                int frames = (int) (dataBytes[0] / FRAME);
                assertTrue(frames >= KILL_AT, "frames " + frames);
                CRC32 expected = new CRC32();
                for (int i = 0; i < frames; i++) expected.update(frame(i));
                assertEquals(expected.getValue(), dataCrc.getValue(), "CRC-32 of " + frames + " frames");
                assertEquals(frames, queuedAtEnd[0], "one fd queued per frame, closed by the library at close");
            } else {
                assertEquals(List.of(), first.problems);
                assertTrue(first.frames >= KILL_AT, "frames " + first.frames);
            }
            // The same server, after all that: a new peer served in full.
            assertEquals(List.of("S2 end", "S2 finish", "S2 close(false)"),
                    events.all().stream().filter(e -> e.startsWith("S2 ")).toList());
            assertEquals(List.of(), second.problems);
            assertEquals(SECOND_PEER_FRAMES, second.frames);
            assertEquals("done " + SECOND_PEER_FRAMES, peer2Out, () -> peers[1].stderr());
            assertEquals("server closed", events.all().get(events.all().size() - 1));
            System.out.printf("KilledPeerTest %s: %d frames taken from the killed peer%n", mode,
                    mode == Consumer.DATA_ONLY ? dataBytes[0] / FRAME : first.frames);
        } finally {
            loop.close();
            for (ChildProcess p : peers) if (p != null) p.close();
        }
        TestFds.assertNoLeak(before);
    }

    private static void kill(ChildProcess peer, EventLog events) {
        if (events.contains("killed")) return;
        peer.process.destroyForcibly(); // SIGKILL; the loop goes on reading what is queued
        events.add("killed");
    }
}
