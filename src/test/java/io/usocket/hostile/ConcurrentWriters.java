package io.usocket.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code threads} threads each write {@code rounds} times {@code write(Message(frame, fd))} then
 * {@code write(frame)} to one socket, either on a started loop or before {@code loop.start()}
 * (issue items 3 and 4). Then the socket is ended, and the test checks that no call threw, every
 * write callback got null, every thread's frames arrived whole and in order (see
 * {@link ThreadFrames}), every fd arrived (by its file's content, one per message), and no
 * descriptor leaked.
 */
final class ConcurrentWriters {
    private ConcurrentWriters() {
    }

    static void run(Path dir, int threads, int rounds, boolean beforeStart) throws Exception {
        SocketTestKit.warmUp();
        int baseline = TestFds.openFdCount();
        ContentFiles files = new ContentFiles(Files.createDirectories(dir.resolve("files")));
        int[] threadFds = new int[threads];
        for (int t = 0; t < threads; t++) threadFds[t] = files.open("thread " + t);
        EventLog log = new EventLog();
        ThreadFrames.Receiver receiver = new ThreadFrames.Receiver(threads);
        Map<String, Integer> fdsByContent = Collections.synchronizedMap(new HashMap<>());
        List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger callbacks = new AtomicInteger();
        List<String> callbackErrors = Collections.synchronizedList(new ArrayList<>());

        EventLoop loop = EventLoop.create();
        String path = dir.resolve("w.sock").toString();
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("fds", (int[] fds) -> {
                for (String c : ContentFiles.readAndCloseAll(fds)) fdsByContent.merge(c, 1, Integer::sum);
            });
            s.on("data", (byte[] d) -> receiver.accept(d));
            s.on("error", (Throwable e) -> log.add("receiver error " + e));
            s.on("end", () -> log.add("receiver end"));
        });
        USocket writer = new USocket(loop);
        writer.on("error", (Throwable e) -> log.add("writer error " + e));
        writer.on("close", (Boolean hadError) -> log.add("writer close " + hadError));
        CountDownLatch connected = new CountDownLatch(1);
        server.listen(path, () -> { });
        writer.connect(path, connected::countDown);

        Thread loopThread = beforeStart ? null : loop.start();
        if (!beforeStart) {
            if (!connected.await(30, TimeUnit.SECONDS)) throw new AssertionError("not connected");
        }
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                for (int seq = 0; seq < 2 * rounds; seq += 2) {
                    try {
                        writer.write(new Message(ThreadFrames.frame(id, seq, 1 + seq % 50), threadFds[id]), err -> {
                            callbacks.incrementAndGet();
                            if (err != null) callbackErrors.add(String.valueOf(err));
                        });
                        writer.write(ThreadFrames.frame(id, seq + 1, seq % 300), err -> {
                            callbacks.incrementAndGet();
                            if (err != null) callbackErrors.add(String.valueOf(err));
                        });
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                }
            }, "writer-" + t);
            workers[t].start();
        }
        for (Thread w : workers) w.join(60_000);
        try {
            writer.end();
        } catch (Throwable e) {
            thrown.add(e);
        }
        if (beforeStart) loopThread = loop.start();
        Thread lt = loopThread;
        Watchdog.checkThenClose(loop, Duration.ofSeconds(10), () -> {
            Watchdog.assertLoopTurns(loop, lt, Duration.ofSeconds(20), "after the writes");
            Watchdog.assertEnds(lt, Duration.ofSeconds(60), "every write delivered and both sockets closed: " + log);
        });
        assertEquals(List.of(), thrown.stream().map(String::valueOf).toList(), "calls that threw");
        assertEquals(List.of(), callbackErrors, "write callbacks with an error");
        assertEquals(threads * rounds * 2, callbacks.get(), "write callbacks");
        assertEquals(List.of(), receiver.problems());
        Map<String, Integer> wantFds = new HashMap<>();
        for (int t = 0; t < threads; t++) {
            assertEquals(2 * rounds, receiver.frames(t), "frames of thread " + t);
            wantFds.put("thread " + t, rounds);
        }
        assertEquals(wantFds, fdsByContent, "fds received, by content");
        assertEquals(List.of("receiver end", "writer close false"), log.all());
        ContentFiles.closeAll(threadFds);
        TestFds.assertNoLeak(baseline);
    }
}
