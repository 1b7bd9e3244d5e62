package io.usocket.bench.contenders;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDK 17 contender: blocking {@link SocketChannel}s over {@link UnixDomainSocketAddress},
 * one thread per role, direct buffers. The JDK cannot pass fds: W2 and W2w are n/a.
 *
 * <p>Contender {@code jdk-fresh} ({@code fresh} true) does W1 only, and its reader copies every
 * read into a new {@code byte[]}, as a {@code 'data'} event must hand out a chunk of its own:
 * what Node's default read contract costs the JDK's own channel.
 */
final class JdkContender implements Main.Contender {
    /** Where jdk-fresh publishes each chunk, so the JIT cannot drop the allocation. */
    static volatile byte[] lastChunk;

    private final boolean fresh;

    JdkContender(boolean fresh) {
        this.fresh = fresh;
    }

    @Override
    public void server(String workload, String path, long n) throws Exception {
        if (fresh && !workload.equals("W1")) {
            Main.notApplicable(workload);
            return;
        }
        switch (workload) {
            case "W1": streamServer(path, n); break;
            case "W3": echoServer(path); break;
            case "W4": connectServer(path, n); break;
            case "W5": idleServer(path, n); break;
            case "W6": coldServer(path); break;
            default: Main.notApplicable(workload);
        }
    }

    @Override
    public void client(String workload, String path, long n) throws Exception {
        if (fresh && !workload.equals("W1")) {
            Main.notApplicable(workload);
            return;
        }
        switch (workload) {
            case "W1": streamClient(path, n); break;
            case "W3": pingClient(path, n); break;
            case "W4": connectClient(path, n); break;
            case "W5": idleClient(path, n); break;
            case "W6": coldClient(path, n); break;
            default: Main.notApplicable(workload);
        }
    }

    private static ServerSocketChannel listen(String path) throws IOException {
        Files.deleteIfExists(Path.of(path));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path), 4096);
        return server;
    }

    /** Connects, retrying for a few seconds while the server is not listening yet. */
    private static SocketChannel connect(String path) throws IOException, InterruptedException {
        UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(path);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                return SocketChannel.open(addr);
            } catch (ConnectException | NoSuchFileException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(1);
            } catch (IOException e) {
                // the JDK reports ENOENT as a plain SocketException
                if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("No such file")) throw e;
                Thread.sleep(1);
            }
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    // ---- W6 ----

    /** Accepts one connection, writes the first message, waits for the client's EOF. */
    private static void coldServer(String path) throws IOException {
        try (ServerSocketChannel server = listen(path); SocketChannel ch = server.accept()) {
            ByteBuffer b = ByteBuffer.allocate(Main.W6_MESSAGE);
            writeFully(ch, b);
            b.clear();
            while (ch.read(b) >= 0) b.clear();
        }
    }

    /** Connects, reads the server's first message, prints the time since the harness started the server. */
    private static void coldClient(String path, long t0) throws IOException, InterruptedException {
        try (SocketChannel ch = connect(path)) {
            ByteBuffer b = ByteBuffer.allocate(Main.W6_MESSAGE);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new EOFException("server closed before its first message");
            }
            Main.coldStart("W6", t0);
        }
    }

    // ---- W1 ----

    private void streamServer(String path, long bytes) throws IOException {
        try (ServerSocketChannel server = listen(path); SocketChannel ch = server.accept()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(Main.CHUNK);
            Main.Window w = new Main.Window(bytes);
            long total = 0;
            while (true) {
                buf.clear();
                int k = ch.read(buf);
                if (k < 0) break;
                if (fresh) {
                    byte[] chunk = new byte[k];
                    buf.get(0, chunk);
                    lastChunk = chunk;
                }
                total += k;
                w.progress(total);
            }
            Main.throughput("W1", w.counted(total), w.elapsed(System.nanoTime()));
        }
    }

    private static void streamClient(String path, long bytes) throws Exception {
        try (SocketChannel ch = connect(path)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(Main.CHUNK);
            while (buf.hasRemaining()) buf.put((byte) 'x');
            while (bytes > 0) {
                int k = (int) Math.min(Main.CHUNK, bytes);
                buf.clear().limit(k);
                writeFully(ch, buf);
                bytes -= k;
            }
        }
    }

    // ---- W3 ----

    private static void echoServer(String path) throws IOException {
        try (ServerSocketChannel server = listen(path); SocketChannel ch = server.accept()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            while (true) {
                buf.clear();
                if (ch.read(buf) < 0) break;
                buf.flip();
                writeFully(ch, buf);
            }
        }
    }

    private static void pingClient(String path, long n) throws Exception {
        try (SocketChannel ch = connect(path)) {
            ByteBuffer out = ByteBuffer.allocateDirect(Main.PING);
            ByteBuffer in = ByteBuffer.allocateDirect(Main.PING);
            Main.Window w = new Main.Window(n);
            for (long i = 0; i < n; i++) {
                w.progress(i);
                out.clear();
                writeFully(ch, out);
                in.clear();
                while (in.hasRemaining()) {
                    if (ch.read(in) < 0) throw new EOFException("echo ended after " + i + " round trips");
                }
            }
            Main.roundTrip("W3", w.counted(n), w.elapsed(System.nanoTime()));
        }
    }

    // ---- W4 ----

    private static void connectServer(String path, long n) throws IOException {
        try (ServerSocketChannel server = listen(path)) {
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            for (long i = 0; i < n; i++) {
                try (SocketChannel ch = server.accept()) {
                    one.clear();
                    writeFully(ch, one);
                }
            }
        }
    }

    private static void connectClient(String path, long n) throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(1);
        // The first connection waits for the server (the server counts it); the warm-up share
        // (at least 1) keeps it out of the clock.
        try (SocketChannel ch = connect(path)) {
            readOne(ch, b);
        }
        UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(path);
        Main.Window w = new Main.Window(n);
        for (long i = 1; i < n; i++) {
            w.progress(i);
            try (SocketChannel ch = SocketChannel.open(addr)) {
                readOne(ch, b);
            }
        }
        Main.connectRate("W4", w.counted(n), w.elapsed(System.nanoTime()));
    }

    private static void readOne(SocketChannel ch, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new EOFException("no byte from the server");
        }
    }

    // ---- W5 ----

    private static void idleServer(String path, long n) throws IOException {
        Main.Memory mem = Main.Memory.baseline();
        List<SocketChannel> open = new ArrayList<>();
        try (ServerSocketChannel server = listen(path)) {
            for (long i = 0; i < n; i++) open.add(server.accept());
            mem.report(n);
        }
        // exiting closes every connection: the client sees EOF and exits too
    }

    private static void idleClient(String path, long n) throws Exception {
        List<SocketChannel> open = new ArrayList<>();
        for (long i = 0; i < n; i++) open.add(connect(path));
        ByteBuffer b = ByteBuffer.allocateDirect(1);
        try {
            open.get(0).read(b); // until the server, done measuring, exits
        } catch (IOException e) {
            // a reset is an end too
        }
    }
}
