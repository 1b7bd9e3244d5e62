package io.usocket.bench.contenders;

import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.SocketOptions;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * This library as a Node user would write it: one {@link EventLoop} per role run on the main
 * thread, listeners for {@code 'data'} / {@code 'fds'} / {@code 'end'}, {@code write()} until it
 * returns false, then wait for {@code 'drain'}; fds go out with {@code write(Message)} and come in
 * through the {@code 'fds'} event. An {@code 'error'} nobody listens to stops the loop and fails
 * the run.
 *
 * <p>Contender {@code usocket-onread} ({@code onread} true) is the same, except that W1's server
 * reads with Node's {@code onread} option: every read lands in one 64 KiB direct
 * {@link ByteBuffer} (filled by the kernel, no copy, nothing allocated per read) and goes to the
 * callback instead of {@code 'data'}.
 */
final class UsocketContender implements Main.Contender {
    private final EventLoop loop = EventLoop.create();
    private final boolean onread;

    UsocketContender(boolean onread) {
        this.onread = onread;
    }

    @Override
    public void server(String workload, String path, long n) throws Exception {
        Files.deleteIfExists(Path.of(path));
        UServer server = onread && workload.equals("W1") ? streamServerOnread(n) : new UServer(loop);
        switch (workload) {
            case "W1": if (!onread) streamServer(server, n); break;
            case "W2": fdServer(server, n, false); break;
            case "W2w": fdServer(server, n, true); break;
            case "W3": echoServer(server); break;
            case "W4": connectServer(server, n); break;
            case "W5": idleServer(server, n); break;
            case "W6": coldServer(server); break;
            default:
                Main.notApplicable(workload);
                return;
        }
        server.listen(path);
        loop.run();
    }

    @Override
    public void client(String workload, String path, long n) throws Exception {
        switch (workload) {
            case "W1": streamClient(path, n); break;
            case "W2": fdClient(path, n, false); break;
            case "W2w": fdClient(path, n, true); break;
            case "W3": pingClient(path, n); break;
            case "W4": connectClient(path, n); break;
            case "W5": idleClient(path, n); break;
            case "W6": coldClient(path, n); break;
            default:
                Main.notApplicable(workload);
                return;
        }
        loop.run();
    }

    /**
     * Connects; while the server is not listening yet (ENOENT, ECONNREFUSED) tries again after
     * 1 ms, for up to 5 s. {@code then} gets the connected socket.
     */
    private void connect(String path, Consumer<USocket> then) {
        connect(path, then, System.nanoTime() + 5_000_000_000L);
    }

    private void connect(String path, Consumer<USocket> then, long deadline) {
        USocket s = new USocket(loop);
        Consumer<USocketException> retry = err -> {
            String code = err.code();
            if (("ENOENT".equals(code) || "ECONNREFUSED".equals(code)) && System.nanoTime() < deadline) {
                loop.setTimeout(() -> connect(path, then, deadline), 1);
            } else {
                throw err;
            }
        };
        s.once("error", retry);
        s.connect(path, () -> {
            s.off("error", retry);
            then.accept(s);
        });
    }

    // ---- W6: cold start ----

    /** Accepts one connection, writes the first message, ends when the client does. */
    private void coldServer(UServer server) {
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("data", (byte[] chunk) -> { });
            s.end(new byte[Main.W6_MESSAGE]);
        });
    }

    /** Connects, reads the server's first message, prints the time since the harness started the server. */
    private void coldClient(String path, long t0) {
        connect(path, s -> {
            int[] got = {0};
            s.on("data", (byte[] chunk) -> {
                got[0] += chunk.length;
                if (got[0] >= Main.W6_MESSAGE && got[0] - chunk.length < Main.W6_MESSAGE) {
                    Main.coldStart("W6", t0);
                    s.end();
                }
            });
        });
    }

    // ---- W1: stream ----

    private void streamServer(UServer server, long bytes) {
        server.on("connection", (USocket s) -> {
            server.close();
            Main.Window w = new Main.Window(bytes);
            long[] total = {0};
            s.on("data", (byte[] chunk) -> {
                total[0] += chunk.length;
                w.progress(total[0]);
            });
            s.on("end", () -> Main.throughput("W1", w.counted(total[0]), w.elapsed(System.nanoTime())));
        });
    }

    /** W1 with the onread option: the server's connections share one direct buffer (one loop thread). */
    private UServer streamServerOnread(long bytes) {
        Main.Window w = new Main.Window(bytes);
        long[] total = {0};
        SocketOptions options = new SocketOptions().onread(ByteBuffer.allocateDirect(Main.CHUNK), (nread, buf, s) -> {
            total[0] += nread;
            w.progress(total[0]);
            return true;
        });
        UServer server = new UServer(loop, options);
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("end", () -> Main.throughput("W1", w.counted(total[0]), w.elapsed(System.nanoTime())));
        });
        return server;
    }

    private void streamClient(String path, long bytes) {
        byte[] chunk = new byte[Main.CHUNK];
        Arrays.fill(chunk, (byte) 'x');
        connect(path, s -> {
            s.resume();
            long[] left = {bytes};
            Runnable pump = new Runnable() {
                @Override
                public void run() {
                    while (left[0] > 0) {
                        int k = (int) Math.min(chunk.length, left[0]);
                        left[0] -= k;
                        if (!s.write(k == chunk.length ? chunk : Arrays.copyOf(chunk, k))) {
                            s.once("drain", this);
                            return;
                        }
                    }
                    s.end();
                }
            };
            pump.run();
        });
    }

    // ---- W2 / W2w: fd passing ----

    private void fdServer(UServer server, long n, boolean windowed) {
        byte[] ack = {'a'};
        server.on("connection", (USocket s) -> {
            server.close();
            Main.Window w = new Main.Window(n);
            long[] count = {0};
            long[] t1 = {0};
            int[] unacked = {0};
            s.on("fds", (int[] fds) -> {
                for (int fd : fds) Fds.close(fd);
                long now = System.nanoTime();
                t1[0] = now;
                count[0] += fds.length;
                w.progress(count[0], now);
                if (windowed) {
                    unacked[0] += fds.length;
                    while (unacked[0] >= Main.ACK_EVERY) {
                        unacked[0] -= Main.ACK_EVERY;
                        s.write(ack);
                    }
                }
            });
            s.on("data", (byte[] chunk) -> { });
            s.on("end", () -> Main.messageRate(windowed ? "W2w" : "W2", w.counted(count[0]), w.elapsed(t1[0])));
        });
    }

    private void fdClient(String path, long n, boolean windowed) {
        int devnull = Fds.open(Path.of("/dev/null"));
        Message msg = new Message(new byte[] {1}, devnull);
        connect(path, s -> {
            long[] sent = {0};
            long[] acked = {0};
            boolean[] waitingDrain = {false};
            Runnable pump = new Runnable() {
                @Override
                public void run() {
                    while (sent[0] < n) {
                        if (windowed && sent[0] - acked[0] >= Main.WINDOW) return; // an ack resumes
                        sent[0]++;
                        if (!s.write(msg)) {
                            waitingDrain[0] = true;
                            s.once("drain", () -> {
                                waitingDrain[0] = false;
                                run();
                            });
                            return;
                        }
                    }
                    s.end();
                    sent[0]++; // past n: end() only once
                }
            };
            // Acks (W2w) are read until the server ends too: closing with unread bytes would reset.
            s.on("data", (byte[] acks) -> {
                acked[0] += (long) acks.length * Main.ACK_EVERY;
                if (!waitingDrain[0] && sent[0] < n) pump.run();
            });
            s.on("close", () -> Fds.close(devnull));
            pump.run();
        });
    }

    // ---- W3: ping-pong ----

    private void echoServer(UServer server) {
        server.on("connection", (USocket s) -> {
            server.close();
            s.on("data", (byte[] chunk) -> s.write(chunk));
        });
    }

    private void pingClient(String path, long n) {
        byte[] ping = new byte[Main.PING];
        Arrays.fill(ping, (byte) 'p');
        connect(path, s -> {
            long[] rounds = {0};
            int[] got = {0};
            Main.Window w = new Main.Window(n);
            s.on("data", (byte[] chunk) -> {
                got[0] += chunk.length;
                if (got[0] < Main.PING) return;
                got[0] -= Main.PING;
                w.progress(++rounds[0]);
                if (rounds[0] == n) {
                    Main.roundTrip("W3", w.counted(n), w.elapsed(System.nanoTime()));
                    s.end();
                } else {
                    s.write(ping);
                }
            });
            s.write(ping);
        });
    }

    // ---- W4: connect ----

    private void connectServer(UServer server, long n) {
        byte[] one = {1};
        long[] accepted = {0};
        server.on("connection", (USocket s) -> {
            s.resume();
            s.end(one);
            if (++accepted[0] == n) server.close();
        });
    }

    private void connectClient(String path, long n) {
        long[] done = {0};
        Main.Window w = new Main.Window(n);
        Runnable next = new Runnable() {
            @Override
            public void run() {
                w.progress(++done[0]);
                if (done[0] == n) {
                    Main.connectRate("W4", w.counted(n), w.elapsed(System.nanoTime()));
                    return;
                }
                USocket c = new USocket(loop, path);
                c.on("data", (byte[] b) -> c.destroy());
                c.on("close", this);
            }
        };
        // The first connection waits for the server (the server counts it); the warm-up share
        // (at least 1) keeps it out of the clock.
        connect(path, s -> {
            s.on("data", (byte[] b) -> s.destroy());
            s.on("close", next);
        });
    }

    // ---- W5: idle memory ----

    private void idleServer(UServer server, long n) {
        Main.Memory mem = Main.Memory.baseline();
        Consumer<byte[]> sink = chunk -> { };
        long[] accepted = {0};
        server.on("connection", (USocket s) -> {
            // an idle connection of a server that would read requests: one 'data' listener
            s.on("data", sink);
            if (++accepted[0] == n) {
                server.close();
                loop.setImmediate(() -> {
                    mem.report(n);
                    loop.close(); // closes every connection: the client sees EOF and exits too
                });
            }
        });
    }

    private void idleClient(String path, long n) {
        connect(path, first -> {
            first.resume();
            for (long i = 1; i < n; i++) new USocket(loop, path).resume();
        });
    }
}
