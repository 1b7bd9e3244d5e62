package io.usocket.hard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 connections open at the same time on one loop (server and clients alike: 2,000 sockets
 * in one epoll set), exchanging 4 KiB + 1 fd in <b>both directions</b>. The server waits until
 * all 1,000 are accepted, then sends each connection its message; each client checks it,
 * answers with its own message in {@code end(Message)}, and the server checks that. Every
 * message carries a 4-byte id and 4,092 bytes derived from it (compared byte for byte) and the
 * fd of one of 16 files chosen by the id (compared by content). The backlog (511) is smaller
 * than the crowd, so some connects meet a full backlog and are retried.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManyConnectionsTest {
    static final int CONNECTIONS = 1_000;
    private static final int SIZE = 4096;
    private static final int FILES = 16;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(40));

    @TempDir
    Path dir;

    /** Message {@code id} of {@code side}: the id, then bytes derived from both. */
    static byte[] payload(int side, int id) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).putInt(id);
        while (b.hasRemaining()) b.put((byte) (id * 31 + side * 7 + b.position()));
        return b.array();
    }

    @Test
    void thousandConcurrentConnectionsEachExchange4KiBAndAnFdBothWays() {
        int before = TestFds.openFdCount();
        EventLog events = kit.log;
        EventLoop loop = kit.guardedLoop();
        String path = dir.resolve("many.sock").toString();
        int[] serverFiles = new ContentFiles(dir).openAll("server", FILES);
        int[] clientFiles = new ContentFiles(dir).openAll("client", FILES);
        List<String> problems = new ArrayList<>();
        List<USocket> accepted = new ArrayList<>();
        int[] serverGot = {0};
        int[] clientGot = {0};
        int[] peakFds = {0};
        TreeMap<String, Integer> outcomes = new TreeMap<>();

        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            int id = accepted.size();
            accepted.add(s);
            s.on("readable", () -> {
                Message m = s.read(SIZE, 1);
                if (m == null) return;
                check(problems, "server got", m, 1, "client");
                serverGot[0]++;
            });
            s.on("error", (Throwable e) -> problems.add("server side " + id + " error " + EventLog.code(e)));
            s.on("close", (Boolean had) -> outcomes.merge("S close(" + had + ")", 1, Integer::sum));
            if (accepted.size() == CONNECTIONS) {
                // Everyone is connected: 2,000 open sockets on this loop right now.
                peakFds[0] = TestFds.openFdCount();
                server.close(() -> events.add("server closed"));
                for (int i = 0; i < CONNECTIONS; i++) {
                    accepted.get(i).write(new Message(payload(0, i), serverFiles[i % FILES]));
                }
            }
        });
        server.listen(path, () -> {
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                USocket c = new USocket(loop, path);
                c.on("readable", () -> {
                    Message m = c.read(SIZE, 1);
                    if (m == null) return;
                    check(problems, "client got", m, 0, "server");
                    clientGot[0]++;
                    c.end(new Message(payload(1, id), clientFiles[id % FILES]));
                });
                c.on("error", (Throwable e) -> problems.add("client " + id + " error " + EventLog.code(e)));
                c.on("close", (Boolean had) -> outcomes.merge("C close(" + had + ")", 1, Integer::sum));
            }
        });
        long start = System.nanoTime();
        loop.run();
        long ms = (System.nanoTime() - start) / 1_000_000;
        loop.close();
        ContentFiles.closeAll(serverFiles);
        ContentFiles.closeAll(clientFiles);

        assertFalse(events.contains(SocketTestKit.GUARD), "the loop had to be stopped by the guard: " + events
                + " serverGot=" + serverGot[0] + " clientGot=" + clientGot[0] + " accepted=" + accepted.size());
        assertEquals(List.of(), problems.subList(0, Math.min(10, problems.size())));
        assertEquals(List.of("server closed"), events.all());
        assertEquals(CONNECTIONS, serverGot[0]);
        assertEquals(CONNECTIONS, clientGot[0]);
        assertEquals("{C close(false)=" + CONNECTIONS + ", S close(false)=" + CONNECTIONS + "}", outcomes.toString());
        assertTrue(peakFds[0] >= before + 2 * CONNECTIONS, "2,000 sockets were open at once: " + peakFds[0] + " vs " + before);
        System.out.printf("ManyConnectionsTest: %d connections, 4 KiB + 1 fd each way, in %d ms%n", CONNECTIONS, ms);
        TestFds.assertNoLeak(before);
    }

    /** Checks one received message: its id's bytes and its fd's content (the fd is closed). */
    private static void check(List<String> problems, String what, Message m, int side, String files) {
        int id = ByteBuffer.wrap(m.data()).getInt();
        String content = m.fds().length == 1 ? ContentFiles.readAndClose(m.fds()[0]) : null;
        if (!Arrays.equals(payload(side, id), m.data()) || !ContentFiles.content(files, id % FILES).equals(content)) {
            problems.add(what + " " + m + " id " + id + " fd content '" + content + "'");
        }
    }
}
