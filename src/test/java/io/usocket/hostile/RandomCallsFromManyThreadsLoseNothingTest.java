package io.usocket.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.CodedError;
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
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized concurrency stress: 4 threads make random public calls on one socket
 * (write bytes, write a Message with an fd, write fds alone, cork/uncork, pause/resume,
 * setEncoding), on a started loop or before {@code loop.start()}; then the socket is ended, or a
 * random thread destroys it midway. The receiver checks every thread's frames byte for byte and
 * in order ({@link ThreadFrames}) and every thread's fds by their files' contents, in order.
 *
 * <p>Rules checked: no call throws anything but a documented {@link CodedError}; a write whose
 * callback got null arrived; each thread's frames and fds that arrived are a gap-free prefix
 * of what it wrote (all of it when the socket was ended, not destroyed); no descriptor leaks; the
 * whole run is bounded by watchdogs. Seeds are fixed, so a failure replays.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomCallsFromManyThreadsLoseNothingTest {
    private static final int THREADS = 4;
    private static final int OPS = 8000;
    private static final int FILES_PER_THREAD = 40;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}, started first: {1}, destroyed midway: {2}")
    @CsvSource({"1, true, false", "2, false, false", "3, true, true", "4, false, true", "5, true, false"})
    void randomPublicCallsFromFourThreadsLoseNoByteAndNoFd(long seed, boolean startFirst, boolean destroyMidway) throws Exception {
        SocketTestKit.warmUp();
        int baseline = TestFds.openFdCount();
        ContentFiles files = new ContentFiles(Files.createDirectory(dir.resolve("files")));
        int[][] fds = new int[THREADS][];
        for (int t = 0; t < THREADS; t++) fds[t] = files.openAll("t" + t + "-", FILES_PER_THREAD);

        EventLog log = new EventLog();
        ThreadFrames.Receiver receiver = new ThreadFrames.Receiver(THREADS);
        List<List<String>> fdsSeen = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) fdsSeen.add(Collections.synchronizedList(new ArrayList<>()));
        List<String> undocumented = Collections.synchronizedList(new ArrayList<>());
        // Per thread: the highest frame seq / fd index whose write callback got null.
        AtomicIntegerArray confirmedFrame = new AtomicIntegerArray(THREADS);
        AtomicIntegerArray confirmedFd = new AtomicIntegerArray(THREADS);
        for (int t = 0; t < THREADS; t++) {
            confirmedFrame.set(t, -1);
            confirmedFd.set(t, -1);
        }
        Set<String> callbackErrors = ConcurrentHashMap.newKeySet();
        int[] framesWritten = new int[THREADS];
        int[] fdsWritten = new int[THREADS];

        EventLoop loop = EventLoop.create();
        String path = dir.resolve("stress.sock").toString();
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("fds", (int[] got) -> {
                for (String c : ContentFiles.readAndCloseAll(got)) {
                    int t = Integer.parseInt(c.substring(1, c.indexOf('-')));
                    fdsSeen.get(t).add(c);
                }
            });
            s.on("data", (byte[] d) -> receiver.accept(d));
            s.on("error", (Throwable e) -> log.add("receiver error " + e));
            s.on("close", (Boolean hadError) -> log.add("receiver close"));
        });
        USocket writer = new USocket(loop);
        writer.on("error", (Throwable e) -> log.add("writer error " + code(e)));
        writer.on("close", (Boolean hadError) -> log.add("writer close"));
        server.listen(path);
        writer.connect(path);
        Thread loopThread = startFirst ? loop.start() : null;

        Random seeds = new Random(seed);
        int destroyer = destroyMidway ? seeds.nextInt(THREADS) : -1;
        Thread[] workers = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Random rnd = new Random(seeds.nextLong());
            workers[t] = new Thread(() -> {
                int seq = 0;
                int nextFd = 0;
                int corked = 0;
                for (int op = 0; op < OPS; op++) {
                    try {
                        if (id == destroyer && op == OPS / 2) writer.destroy();
                        int r = rnd.nextInt(100);
                        if (r < 45) {
                            int s = seq++;
                            writer.write(ThreadFrames.frame(id, s, rnd.nextInt(2000)), err -> confirm(confirmedFrame, id, s, err, callbackErrors));
                        } else if (r < 60 && nextFd < FILES_PER_THREAD) {
                            int s = seq++;
                            int k = nextFd++;
                            writer.write(new Message(ThreadFrames.frame(id, s, rnd.nextInt(100)), fds[id][k]), err -> {
                                confirm(confirmedFrame, id, s, err, callbackErrors);
                                confirm(confirmedFd, id, k, err, callbackErrors);
                            });
                        } else if (r < 65 && nextFd < FILES_PER_THREAD) {
                            // fds alone: they ride on the next bytes written (by any thread).
                            int k = nextFd++;
                            writer.write(new int[] {fds[id][k]}, err -> confirm(confirmedFd, id, k, err, callbackErrors));
                        } else if (r < 75) {
                            writer.cork();
                            corked++;
                        } else if (r < 85 && corked > 0) {
                            writer.uncork();
                            corked--;
                        } else if (r < 90) {
                            writer.pause();
                        } else if (r < 95) {
                            writer.resume();
                        } else {
                            writer.setEncoding(rnd.nextBoolean() ? "utf8" : "latin1");
                        }
                    } catch (Throwable e) {
                        if (!(e instanceof CodedError)) undocumented.add(e.toString());
                    }
                }
                try {
                    while (corked-- > 0) writer.uncork();
                    // Trailing fds alone would wait for bytes that never come: give them a last frame.
                    writer.write(ThreadFrames.frame(id, seq++, 0), err -> { });
                } catch (Throwable e) {
                    if (!(e instanceof CodedError)) undocumented.add(e.toString());
                }
                framesWritten[id] = seq;
                fdsWritten[id] = nextFd;
            }, "stress-" + t);
        }
        for (Thread w : workers) w.start();
        for (Thread w : workers) w.join(60_000);
        try {
            writer.end();
        } catch (Throwable e) {
            if (!(e instanceof CodedError)) undocumented.add(e.toString());
        }
        if (loopThread == null) loopThread = loop.start();
        Thread lt = loopThread;
        Watchdog.checkThenClose(loop, Duration.ofSeconds(10), () -> {
            Watchdog.assertLoopTurns(loop, lt, Duration.ofSeconds(20), "after the calls");
            Watchdog.assertEnds(lt, Duration.ofSeconds(60), "both sockets closed: " + log);
        });

        assertEquals(List.of(), undocumented, "calls that threw an undocumented exception");
        List<String> problems = receiver.problems();
        if (destroyMidway) {
            // A write cut by destroy may leave part of one frame; nothing else may be wrong.
            problems = problems.stream().filter(p -> !p.endsWith("not a whole frame")).toList();
        } else {
            assertEquals(Set.of(), callbackErrors, "write callbacks with an error, though the socket was only ended");
        }
        assertEquals(List.of(), problems);
        for (int t = 0; t < THREADS; t++) {
            assertTrue(receiver.frames(t) > confirmedFrame.get(t),
                    "thread " + t + ": frame " + confirmedFrame.get(t) + " was confirmed, " + receiver.frames(t) + " arrived");
            List<String> seen = fdsSeen.get(t);
            assertEquals(ContentFiles.contents("t" + t + "-", seen.size()), seen, "thread " + t + "'s fds in order");
            assertTrue(seen.size() > confirmedFd.get(t),
                    "thread " + t + ": fd " + confirmedFd.get(t) + " was confirmed, " + seen.size() + " arrived");
        }
        if (!destroyMidway) {
            for (int t = 0; t < THREADS; t++) {
                assertEquals(framesWritten[t], receiver.frames(t), "thread " + t + ": every frame arrived");
                assertEquals(fdsWritten[t], fdsSeen.get(t).size(), "thread " + t + ": every fd arrived");
            }
        }
        for (int[] f : fds) ContentFiles.closeAll(f);
        TestFds.assertNoLeak(baseline);
    }

    private static void confirm(AtomicIntegerArray confirmed, int thread, int index, Throwable err, Set<String> errors) {
        if (err == null) confirmed.accumulateAndGet(thread, index, Math::max);
        else errors.add(code(err));
    }

    private static String code(Throwable e) {
        return e instanceof CodedError c ? c.code() : String.valueOf(e);
    }
}
