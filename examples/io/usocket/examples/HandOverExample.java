package io.usocket.examples;

import io.usocket.EventLoop;
import io.usocket.HandOver;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A zero-downtime restart across two JVMs: the old server process hands its listening socket to
 * its replacement with {@link HandOver} while a client keeps connecting, and no connection is
 * refused or lost.
 *
 * <p>Run from the repository root:
 * {@code mvn -B -q test-compile exec:java -Dexec.mainClass=io.usocket.examples.HandOverExample}.
 * This process is the client and starts the two servers: {@code HandOverExample old <dir>},
 * then, while the client is busy, {@code HandOverExample new <dir>}, which takes over.
 */
public final class HandOverExample {
    /** Connections the client keeps going at once. */
    static final int CHAINS = 4;
    /** Answers to collect from each server process before moving on. */
    static final int ANSWERS_PER_PROCESS = 300;

    private HandOverExample() {
    }

    /** No arguments: the launcher and client; {@code old <dir>} / {@code new <dir>}: a server process. */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("old")) runOld(Path.of(args[1]));
        else if (args.length == 2 && args[0].equals("new")) runNew(Path.of(args[1]));
        else launch();
    }

    // ---- the servers ----

    /**
     * The old server: answers {@code "ping n"} with {@code "pong n old <pid>"}, a little late, so
     * connections are still open when the hand-over comes, and {@code "ping n later"} only once
     * it has handed over: that connection is certainly open then. It offers its listening socket on
     * {@code dir/control.sock}; after the hand-over it finishes its open connections and its
     * loop ends.
     */
    public static UServer startOld(EventLoop loop, Path dir, Consumer<String> out) {
        List<Runnable> untilHandOver = new ArrayList<>();
        UServer server = server(loop, "old", 20, out, untilHandOver);
        String app = dir.resolve("app.sock").toString();
        server.listen(app, () -> {
            HandOver handOver = HandOver.serve(dir.resolve("control.sock").toString(), server);
            handOver.on("listening", () -> out.accept("old: ready"));
            handOver.on("handover", () -> {
                out.accept("old: handed over; open connections to finish: " + server.connectionCount());
                untilHandOver.forEach(Runnable::run);
            });
            handOver.on("abort", () -> out.accept("old: a taker went away; serving again"));
        });
        server.on("close", () -> out.accept("old: all connections finished, exiting"));
        return server;
    }

    /** The new server: takes the listening socket from {@code dir/control.sock}, answers at once, and closes on {@code "quit"}. */
    public static UServer startNew(EventLoop loop, Path dir, Consumer<String> out) {
        UServer server = server(loop, "new", 0, out, null);
        HandOver.take(dir.resolve("control.sock").toString(), server, err -> {
            if (err != null) {
                out.accept("new: hand-over failed: " + err);
                server.close();
            } else {
                out.accept("new: accepting on the socket taken over; the old process let go");
            }
        });
        return server;
    }

    /** {@code untilHandOver}: where answers to {@code "ping <n> later"} wait (null: answered as any other). */
    private static UServer server(EventLoop loop, String role, int delayMs, Consumer<String> out, List<Runnable> untilHandOver) {
        UServer server = new UServer(loop);
        String who = role + " " + ProcessHandle.current().pid();
        server.on("connection", (USocket s) -> {
            s.setEncoding("utf8");
            StringBuilder in = new StringBuilder();
            s.on("data", (String d) -> {
                in.append(d);
                if (in.indexOf("\n") < 0) return;
                String[] words = in.substring(0, in.indexOf("\n")).split(" "); // "ping <n> [<delay ms>]" or "quit"
                if (words[0].equals("quit")) {
                    s.end("bye\n");
                    server.close();
                    return;
                }
                String pong = "pong " + words[1] + " " + who + "\n";
                if (words.length > 2 && untilHandOver != null) {
                    out.accept(role + ": holding the answer to ping " + words[1] + " until the hand-over");
                    untilHandOver.add(() -> s.end(pong));
                }
                else if (delayMs > 0) loop.setTimeout(() -> s.end(pong), delayMs);
                else s.end(pong);
            });
            s.on("error", (USocketException e) -> out.accept(role + ": connection error " + e.code()));
        });
        return server;
    }

    static void runOld(Path dir) {
        EventLoop loop = EventLoop.create();
        startOld(loop, dir, System.out::println);
        loop.run();
        loop.close();
    }

    static void runNew(Path dir) {
        EventLoop loop = EventLoop.create();
        startNew(loop, dir, System.out::println);
        loop.run();
        loop.close();
    }

    // ---- the client ----

    /**
     * Connects without pause: {@code chains} connections at a time, each sending
     * {@code "ping n"} and reading the answer to the end, the next one made as soon as one
     * closes. Every connection is counted once: answered (by which process role), refused (the
     * connect failed) or lost (closed without a whole answer).
     */
    public static final class Client {
        /** Connections started. */
        public final AtomicInteger attempted = new AtomicInteger();
        /** Connections whose connect failed (ECONNREFUSED, ENOENT, ...). */
        public final AtomicInteger refused = new AtomicInteger();
        /** Connections that closed without a whole answer. */
        public final AtomicInteger lost = new AtomicInteger();
        /** Why each lost connection was lost (its error, or what it read), for the summary. */
        public final List<String> lostHow = new CopyOnWriteArrayList<>();
        /** Answers by role ("old", "new"). */
        public final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
        private final EventLoop loop;
        private final String path;
        private volatile boolean stopping;
        private final CompletableFuture<Void> stopped = new CompletableFuture<>();
        private int open;

        /** A client of the server at {@code path}, on {@code loop} (which must keep running). */
        public Client(EventLoop loop, String path) {
            this.loop = loop;
            this.path = path;
        }

        /** Starts {@code chains} chains of connections (any thread). */
        public void start(int chains) {
            loop.execute(() -> {
                for (int i = 0; i < chains; i++) next();
            });
        }

        /** Answers from {@code role} so far. */
        public int answered(String role) {
            AtomicInteger n = answered.get(role);
            return n == null ? 0 : n.get();
        }

        /** Answers from any role. */
        public int answered() {
            return answered.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        /** Lets the open connections finish and starts no more; completes when the last one closed. */
        public CompletableFuture<Void> stop() {
            stopping = true;
            loop.execute(() -> {
                if (open == 0) stopped.complete(null);
            });
            return stopped;
        }

        private void next() {
            if (stopping) {
                if (open == 0) stopped.complete(null);
                return;
            }
            int n = attempted.incrementAndGet();
            open++;
            USocket s = new USocket(loop, path);
            s.setEncoding("utf8");
            StringBuilder in = new StringBuilder();
            String[] failure = {null};
            s.write("ping " + n + "\n");
            s.on("data", (String d) -> in.append(d));
            s.on("error", (USocketException e) -> failure[0] = e.code() + " " + e.syscall());
            s.on("close", () -> {
                open--;
                String reply = in.toString();
                if (reply.startsWith("pong " + n + " ") && reply.endsWith("\n")) {
                    answered.computeIfAbsent(reply.split(" ")[2], r -> new AtomicInteger()).incrementAndGet();
                } else if (failure[0] != null && failure[0].endsWith(" connect")) {
                    refused.incrementAndGet();
                } else {
                    lost.incrementAndGet();
                    lostHow.add("ping " + n + ": " + (failure[0] != null ? failure[0] : "read '" + reply.strip() + "'"));
                }
                next();
            });
        }

        /** One line: the counts. */
        public String summary() {
            return attempted.get() + " connections attempted, " + answered() + " answered (" + answered("old")
                    + " by the old process, " + answered("new") + " by the new one), " + refused.get() + " refused, "
                    + lost.get() + " lost" + (lostHow.isEmpty() ? "" : " " + lostHow);
        }
    }

    // ---- the launcher ----

    static void launch() throws Exception {
        Path dir = Files.createTempDirectory("usocket-handover");
        String app = dir.resolve("app.sock").toString();
        Process old = start("old", dir, "old: ready");
        EventLoop clientLoop = EventLoop.create();
        clientLoop.setInterval(() -> { }, 1000); // keeps the client's loop running between connections
        clientLoop.start();
        Client client = new Client(clientLoop, app);
        System.out.println("client: connecting continuously, " + CHAINS + " connections at a time");
        client.start(CHAINS);
        waitFor(() -> client.answered("old") >= ANSWERS_PER_PROCESS);
        // One request the old process answers only after the hand-over: it is open all along.
        USocket slow = new USocket(clientLoop, app);
        slow.setEncoding("utf8");
        slow.on("data", (String d) -> System.out.print("client: the slow request was answered: " + d));
        slow.write("ping 0 later\n");
        System.out.println("client: sent a request the old process answers after the hand-over; starting the new process");
        Process fresh = start("new", dir, null);
        if (!old.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the old process did not exit");
        System.out.println("client: the old process exited with " + old.exitValue());
        waitFor(() -> client.answered("new") >= ANSWERS_PER_PROCESS);
        client.stop().get(60, TimeUnit.SECONDS);
        System.out.println("client: " + client.summary());
        USocket quit = new USocket(clientLoop, app);
        quit.end("quit\n");
        if (!fresh.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the new process did not exit");
        System.out.println("client: the new process exited with " + fresh.exitValue());
        clientLoop.close();
        Files.deleteIfExists(Path.of(app)); // handed from process to process, unlinked by none
        Files.delete(dir);
        if (client.refused.get() != 0 || client.lost.get() != 0) System.exit(1);
    }

    /** Starts a server process whose output is copied to ours; waits for {@code readyLine} if given. */
    private static Process start(String role, Path dir, String readyLine) throws Exception {
        Process p = new ProcessBuilder(JavaCommand.of(HandOverExample.class, role, dir.toString()))
                .redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println(line);
                    if (line.equals(readyLine)) ready.complete(null);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                ready.complete(null);
            }
        }, role + "-output");
        pump.setDaemon(true);
        pump.start();
        if (readyLine != null) ready.get(60, TimeUnit.SECONDS);
        return p;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out");
            Thread.sleep(10);
        }
    }
}
