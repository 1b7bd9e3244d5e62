package io.usocket.bench;

import io.usocket.EventEmitter;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.Timer;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The library's per-message hot paths, measured in one process (the side-by-side suite in
 * bench/harness.py measures them between two processes):
 *
 * <ul>
 *   <li>{@code fdStream}: a {@link Message} of 1 byte + 1 fd (of /dev/null) written by one
 *       {@link USocket} and received by its connected peer, end to end through the loop: both
 *       sockets live on one {@link EventLoop} that the benchmark thread drives with
 *       {@link EventLoop#run()}. The writer writes until {@code write()} returns false and waits
 *       for {@code 'drain'}; the receiver closes each fd from its {@code 'fds'} listener and
 *       takes the byte from its {@code 'data'} listener. A batch of {@value #BATCH} messages per
 *       invocation; {@code run()} returns when the last fd has arrived. Throughput per message.
 *       Per message: sendmsg, recvmsg, close, two emits, and an epoll_wait every time the
 *       kernel's buffer fills.</li>
 *   <li>{@code fdPingPong}: the same message with one in flight: the next is written from the
 *       {@code 'fds'} listener of the previous, so every message also costs a loop turn
 *       (epoll_wait). Average time per message.</li>
 *   <li>{@code emit1} / {@code emit3}: {@link EventEmitter#emit} of a {@code byte[]} to 1 and 3
 *       {@code Consumer} listeners, next to {@code emit1Baseline} / {@code emit3Baseline}, the
 *       same listeners called from a plain array. Average time per emit.</li>
 * </ul>
 *
 * Cross-thread {@link EventLoop#execute} is in {@link LoopBench}.
 */
public class HotPathBench {
    /** Messages per invocation of the fd benchmarks. */
    public static final int BATCH = 1_000;

    /** Two connected sockets on one loop; the loop runs only inside a benchmark invocation. */
    @State(Scope.Thread)
    public static class Pair {
        EventLoop loop;
        Path dir;
        USocket client;
        USocket peer;
        boolean clientReady;
        int devnull;
        Message msg;
        /** A ref'd timer that keeps run() going until the batch is complete; it fails the run if it fires. */
        Timer hold;
        int sent;
        int received;
        int target;
        boolean pingPong;
        final Runnable timeout = () -> {
            throw new IllegalStateException("batch stuck: sent " + sent + ", received " + received + " of " + target);
        };
        Runnable pump;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("usocket-hotpath");
            String path = dir.resolve("s").toString();
            loop = EventLoop.create();
            devnull = Fds.open(Path.of("/dev/null"));
            msg = new Message(new byte[] {1}, devnull);
            UServer server = new UServer(loop);
            server.on("connection", (USocket s) -> {
                peer = s;
                server.close();
                s.on("fds", (int[] fds) -> {
                    for (int fd : fds) Fds.close(fd);
                    received += fds.length;
                    if (received >= target) hold.clear();
                    else if (pingPong) client.write(msg);
                });
                s.on("data", (byte[] b) -> { });
                ready();
            });
            server.listen(path, () -> client = new USocket(loop, path, () -> {
                clientReady = true;
                ready();
            }));
            pump = new Runnable() {
                @Override
                public void run() {
                    while (sent < target) {
                        sent++;
                        if (!client.write(msg)) {
                            client.once("drain", this);
                            return;
                        }
                    }
                }
            };
            hold = loop.setTimeout(timeout, 10_000);
            loop.run(); // returns once both ends are connected, unref'd, and hold is cleared
        }

        private void ready() {
            if (peer == null || !clientReady) return;
            client.unref();
            peer.unref();
            hold.clear();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            loop.close();
            Fds.close(devnull);
            Files.deleteIfExists(dir.resolve("s"));
            Files.deleteIfExists(dir);
        }

        int batch(boolean pingPong) {
            this.pingPong = pingPong;
            sent = 0;
            received = 0;
            target = BATCH;
            hold = loop.setTimeout(timeout, 10_000);
            if (pingPong) {
                sent = 1;
                client.write(msg);
            } else {
                pump.run();
            }
            loop.run();
            if (received != BATCH) throw new IllegalStateException("received " + received + " of " + BATCH);
            return received;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public int fdStream(Pair p) {
        return p.batch(false);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(BATCH)
    public int fdPingPong(Pair p) {
        return p.batch(true);
    }

    /** Emitters with 1 and 3 listeners that add the chunk's length to {@link #sink}. */
    @State(Scope.Thread)
    public static class Emitters {
        final EventEmitter one = new EventEmitter();
        final EventEmitter three = new EventEmitter();
        final byte[] chunk = new byte[1];
        long sink;
        final Consumer<byte[]> a = b -> sink += b.length;
        final Consumer<byte[]> b = x -> sink += x.length + 1;
        final Consumer<byte[]> c = x -> sink += x.length + 2;
        @SuppressWarnings("unchecked")
        final Consumer<byte[]>[] oneArray = new Consumer[] {a};
        @SuppressWarnings("unchecked")
        final Consumer<byte[]>[] threeArray = new Consumer[] {a, b, c};

        @Setup(Level.Trial)
        public void setUp() {
            one.on("data", a);
            three.on("data", a);
            three.on("data", b);
            three.on("data", c);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long emit1(Emitters e) {
        e.one.emit("data", e.chunk);
        return e.sink;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long emit3(Emitters e) {
        e.three.emit("data", e.chunk);
        return e.sink;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long emit1Baseline(Emitters e) {
        for (Consumer<byte[]> l : e.oneArray) l.accept(e.chunk);
        return e.sink;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long emit3Baseline(Emitters e) {
        for (Consumer<byte[]> l : e.threeArray) l.accept(e.chunk);
        return e.sink;
    }
}
