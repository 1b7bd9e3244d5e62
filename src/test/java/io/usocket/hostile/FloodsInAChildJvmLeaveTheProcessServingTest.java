package io.usocket.hostile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ChildProcess;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.Timer;
import io.usocket.USocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue items 6 and 7 against a whole process: a server in a child JVM ({@link FloodServerChild})
 * under a low {@code ulimit -n} or a small {@code -Xmx} is flooded by one peer, and must end that
 * connection with a clear code while it goes on serving others and keeps its descriptors and heap
 * bounded. Before the fix: the fd flood filled the fd table (other clients' accepts and the
 * flooded socket failed with EMFILE / {@code ERR_FDS_TRUNCATED}), and the byte flood ran the child
 * out of memory.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FloodsInAChildJvmLeaveTheProcessServingTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(150));
    private final EventLoop loop = kit.loop();
    private final EventLog log = kit.log;

    /** Reads the child's lines until one equal to {@code want}; fails (with all it read) at EOF or timeout. */
    private static void awaitChildLine(ChildProcess child, String want, List<String> seen) {
        while (true) {
            String line = child.nextLine(LONG);
            if (line == null) throw new AssertionError("child exited before '" + want + "': " + seen + " stderr " + child.stderr());
            seen.add(line);
            if (line.equals(want)) return;
            if (line.startsWith("error 1 ") || line.equals("OOM") || line.startsWith("uncaught")) {
                throw new AssertionError("expected '" + want + "', child said " + seen);
            }
        }
    }

    @Test
    void underUlimit512AnFdFloodEndsThatConnectionWithErrTooManyFdsAndAnotherIsServed() throws Exception {
        String path = kit.path("fds.sock");
        Path fileDir = Files.createDirectory(kit.dir().resolve("files"));
        int fd = Fds.open(Files.writeString(fileDir.resolve("flood.txt"), "flood"));
        int[] copies = new int[200];
        Arrays.fill(copies, fd);
        try (ChildProcess child = ChildProcess.start("flood-fds", kit.dir(),
                ChildProcess.javaCommandUnderUlimit(512, FloodServerChild.class, path, "fds"))) {
            String listening = child.nextLine(LONG);
            assertTrue(listening != null && listening.startsWith("listening fds="), listening + " " + child.stderr());
            int fdsAtStart = Integer.parseInt(listening.substring("listening fds=".length()));
            loop.execute(() -> {
                USocket flooder = new USocket(loop);
                flooder.on("error", (Throwable e) -> log.add("flooder error"));
                flooder.on("close", (Boolean hadError) -> log.add("flooder close"));
                flooder.resume();
                flooder.connect(path, () -> {
                    // 20 × 200 fds: far past the 256 a socket may hold and the child's 512 descriptors.
                    for (int i = 0; i < 20; i++) flooder.write(new Message("x".getBytes(StandardCharsets.UTF_8), copies));
                    flooder.end();
                    ask(path, "hello", "served");
                });
            });
            // The loop must outlive the flood's sockets: the test hands it more work afterwards
            // (a loop with no active handle ends, as a node process exits: decisions D21).
            Timer keepAlive = loop.setInterval(() -> { }, 60_000);
            loop.start();
            List<String> seen = new ArrayList<>();
            awaitChildLine(child, "error 1 ERR_TOO_MANY_FDS", seen);
            awaitChildLine(child, "close 1 true", seen);
            await("the other connection served while flooded: " + log).atMost(LONG).until(() -> log.contains("served hello"));
            await("the flooder closed").atMost(LONG).until(() -> log.contains("flooder close"));
            // The flooded socket's queued fds were closed: the child is back to (about) where it started.
            loop.execute(() -> ask(path, "fds?", "count"));
            await("the child's fd count: " + log).atMost(LONG).until(() -> log.all().stream().anyMatch(e -> e.startsWith("count fds=")));
            String count = log.all().stream().filter(e -> e.startsWith("count fds=")).findFirst().orElseThrow();
            int now = Integer.parseInt(count.substring("count fds=".length()));
            // + the asking connection's own descriptor, and slack for the JVM's lazily opened jars.
            assertTrue(now <= fdsAtStart + 8, "child had " + fdsAtStart + " fds listening, " + now + " after the flood; " + seen);
            assertTrue(child.process.isAlive(), "child still serving");
            keepAlive.clear();
        } finally {
            Fds.close(fd);
        }
    }

    /** Connects to {@code path}, sends {@code text}, logs {@code tag + " " + reply}. Loop thread. */
    private void ask(String path, String text, String tag) {
        USocket c = new USocket(loop);
        StringBuilder reply = new StringBuilder();
        c.on("error", (Throwable e) -> log.add(tag + " error " + e));
        c.on("data", (byte[] d) -> {
            reply.append(new String(d, StandardCharsets.UTF_8));
            if (!text.equals("fds?") && reply.toString().equals(text)) c.end();
        });
        c.on("end", () -> log.add(tag + " " + reply));
        c.connect(path, () -> c.write(text));
    }

    @Test
    void withXmx128mAByteFloodWhileReadWaitsForFdsEndsWithErrReadBufferFullNotOom() throws Exception {
        String path = kit.path("bytes.sock");
        List<String> cmd = new ArrayList<>(ChildProcess.javaCommand(FloodServerChild.class, path, "bytes"));
        // Twice the default maxPendingBytes (64 MiB): room for the bound, not for the 512 MiB sent.
        cmd.add(1, "-Xmx128m");
        try (ChildProcess child = ChildProcess.start("flood-bytes", kit.dir(), cmd)) {
            String listening = child.nextLine(LONG);
            assertTrue(listening != null && listening.startsWith("listening"), listening + " " + child.stderr());
            byte[] chunk = new byte[1 << 20];
            int[] sent = {0};
            loop.execute(() -> {
                USocket flooder = new USocket(loop);
                flooder.on("error", (Throwable e) -> log.add("flooder error"));
                flooder.on("close", (Boolean hadError) -> log.add("flooder close"));
                Runnable[] pump = {null};
                pump[0] = () -> {
                    while (sent[0] < 512 && !flooder.destroyed()) {
                        sent[0]++;
                        if (!flooder.write(chunk)) return;   // wait for 'drain'
                    }
                    if (!flooder.destroyed()) flooder.end();
                };
                flooder.on("drain", pump[0]);
                flooder.connect(path, pump[0]);
            });
            // The loop must outlive the flood's sockets: the test hands it more work afterwards
            // (a loop with no active handle ends, as a node process exits: decisions D21).
            Timer keepAlive = loop.setInterval(() -> { }, 60_000);
            loop.start();
            List<String> seen = new ArrayList<>();
            awaitChildLine(child, "error 1 ERR_READ_BUFFER_FULL", seen);
            awaitChildLine(child, "close 1 true", seen);
            await("the flooder closed").atMost(LONG).until(() -> log.contains("flooder close"));
            assertTrue(child.process.isAlive(), "child alive after the flood: " + seen + " " + child.stderr());
        }
    }
}
