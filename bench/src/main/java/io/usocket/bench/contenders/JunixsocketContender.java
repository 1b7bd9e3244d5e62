package io.usocket.bench.contenders;

import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import java.io.EOFException;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The junixsocket contender: junixsocket 2.6.1 (Debian's libjunixsocket-java + libjunixsocket-jni;
 * not on Maven Central here), blocking {@link AFUNIXSocketChannel}s, one thread per role, direct
 * buffers (junixsocket copies heap buffers and stream byte arrays through a direct one, so its
 * channel API with direct buffers is its fast path). fds go out with
 * {@code setOutboundFileDescriptors} (attached to the next write) and come in with
 * {@code getReceivedFileDescriptors} after a read, once an ancillary receive buffer is set.
 *
 * <p>Run time: junixsocket-common.jar is a system-scope dependency and is not shaded into
 * benchmarks.jar: {@code -cp bench/target/benchmarks.jar:/usr/share/java/junixsocket-common.jar}. Its
 * JNI library (/usr/lib/x86_64-linux-gnu/jni/libjunixsocket-native-system.so) is on Debian's
 * default {@code java.library.path}.
 */
final class JunixsocketContender implements Main.Contender {
    /** Room for 253 fds (the kernel's SCM_MAX_FD) per message, as the C contender. */
    private static final int ANCILLARY_BYTES = 1024;

    @Override
    public void server(String workload, String path, long n) throws Exception {
        switch (workload) {
            case "W1": streamServer(path, n); break;
            case "W2": fdServer(path, "W2", n, false); break;
            case "W2w": fdServer(path, "W2w", n, true); break;
            case "W3": echoServer(path); break;
            case "W4": connectServer(path, n); break;
            case "W5": idleServer(path, n); break;
            default: Main.notApplicable(workload);
        }
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
            default: Main.notApplicable(workload);
        }
    }

    private static AFUNIXSocketAddress address(String path) throws IOException {
        return AFUNIXSocketAddress.of(new File(path));
    }

    private static AFUNIXServerSocketChannel listen(String path) throws IOException {
        Files.deleteIfExists(Path.of(path));
        AFUNIXServerSocketChannel server = AFUNIXServerSocketChannel.open();
        server.bind(address(path), 4096);
        return server;
    }

    /** Connects, retrying for a few seconds while the server is not listening yet. */
    private static AFUNIXSocketChannel connect(String path) throws IOException, InterruptedException {
        AFUNIXSocketAddress addr = address(path);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                return AFUNIXSocketChannel.open(addr);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(1);
            }
        }
    }

    private static void writeFully(AFUNIXSocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Closes a received fd: FileInputStream's close also runs junixsocket's attached cleanup. */
    private static void closeFd(FileDescriptor fd) throws IOException {
        new FileInputStream(fd).close();
    }

    // ---- W1 ----

    private static void streamServer(String path, long bytes) throws IOException {
        try (AFUNIXServerSocketChannel server = listen(path); AFUNIXSocketChannel ch = server.accept()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(Main.CHUNK);
            Main.Window w = new Main.Window(bytes);
            long total = 0;
            while (true) {
                buf.clear();
                int k = ch.read(buf);
                if (k < 0) break;
                total += k;
                w.progress(total);
            }
            Main.throughput("W1", w.counted(total), w.elapsed(System.nanoTime()));
        }
    }

    private static void streamClient(String path, long bytes) throws Exception {
        try (AFUNIXSocketChannel ch = connect(path)) {
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

    // ---- W2 / W2w ----

    private static void fdServer(String path, String workload, long n, boolean windowed) throws IOException {
        try (AFUNIXServerSocketChannel server = listen(path); AFUNIXSocketChannel ch = server.accept()) {
            ch.setAncillaryReceiveBufferSize(ANCILLARY_BYTES);
            ByteBuffer buf = ByteBuffer.allocateDirect(Main.CHUNK);
            ByteBuffer ack = ByteBuffer.allocateDirect(1);
            Main.Window w = new Main.Window(n);
            long count = 0;
            long unacked = 0;
            long t1 = 0;
            while (true) {
                buf.clear();
                int k = ch.read(buf);
                if (k < 0) break;
                FileDescriptor[] fds = ch.getReceivedFileDescriptors();
                if (fds == null) continue;
                for (FileDescriptor fd : fds) closeFd(fd);
                long now = System.nanoTime();
                t1 = now;
                count += fds.length;
                w.progress(count, now);
                if (windowed) {
                    unacked += fds.length;
                    while (unacked >= Main.ACK_EVERY) {
                        unacked -= Main.ACK_EVERY;
                        ack.clear();
                        try {
                            writeFully(ch, ack);
                        } catch (IOException e) {
                            // the client may already be gone after its last message
                        }
                    }
                }
            }
            if (count != n) System.err.println("junixsocket " + workload + ": received " + count + " of " + n + " fds");
            Main.messageRate(workload, w.counted(count), w.elapsed(t1));
        }
    }

    private static void fdClient(String path, long n, boolean windowed) throws Exception {
        try (AFUNIXSocketChannel ch = connect(path); FileInputStream devnull = new FileInputStream("/dev/null")) {
            FileDescriptor[] fds = {devnull.getFD()};
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            ByteBuffer acks = ByteBuffer.allocateDirect(256);
            long acked = 0;
            for (long sent = 0; sent < n; sent++) {
                while (windowed && sent - acked * Main.ACK_EVERY >= Main.WINDOW) {
                    acks.clear();
                    int k = ch.read(acks);
                    if (k < 0) throw new EOFException("server closed after " + sent + " messages");
                    acked += k;
                }
                ch.setOutboundFileDescriptors(fds);
                one.clear();
                writeFully(ch, one);
            }
            if (windowed) {
                // closing with unread acks would reset the connection: end our side, drain the acks
                ch.shutdownOutput();
                acks.clear();
                while (ch.read(acks) >= 0) acks.clear();
            }
        }
    }

    // ---- W3 ----

    private static void echoServer(String path) throws IOException {
        try (AFUNIXServerSocketChannel server = listen(path); AFUNIXSocketChannel ch = server.accept()) {
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
        try (AFUNIXSocketChannel ch = connect(path)) {
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
        try (AFUNIXServerSocketChannel server = listen(path)) {
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            for (long i = 0; i < n; i++) {
                try (AFUNIXSocketChannel ch = server.accept()) {
                    one.clear();
                    try {
                        writeFully(ch, one);
                    } catch (IOException e) {
                        // a client gone already does not stop the count
                    }
                }
            }
        }
    }

    private static void connectClient(String path, long n) throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(1);
        // The first connection waits for the server (the server counts it); the warm-up share
        // (at least 1) keeps it out of the clock.
        try (AFUNIXSocketChannel ch = connect(path)) {
            readOne(ch, b);
        }
        AFUNIXSocketAddress addr = address(path);
        Main.Window w = new Main.Window(n);
        for (long i = 1; i < n; i++) {
            w.progress(i);
            try (AFUNIXSocketChannel ch = AFUNIXSocketChannel.open(addr)) {
                readOne(ch, b);
            }
        }
        Main.connectRate("W4", w.counted(n), w.elapsed(System.nanoTime()));
    }

    private static void readOne(AFUNIXSocketChannel ch, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new EOFException("no byte from the server");
        }
    }

    // ---- W5 ----

    private static void idleServer(String path, long n) throws IOException {
        AFUNIXSocket.isSupported(); // load the JNI library before the baseline
        Main.Memory mem = Main.Memory.baseline();
        List<AFUNIXSocketChannel> open = new ArrayList<>();
        try (AFUNIXServerSocketChannel server = listen(path)) {
            for (long i = 0; i < n; i++) open.add(server.accept());
            mem.report(n);
        }
        // exiting closes every connection: the client sees EOF and exits too
    }

    private static void idleClient(String path, long n) throws Exception {
        List<AFUNIXSocketChannel> open = new ArrayList<>();
        open.add(connect(path));
        AFUNIXSocketAddress addr = address(path);
        for (long i = 1; i < n; i++) open.add(AFUNIXSocketChannel.open(addr));
        ByteBuffer b = ByteBuffer.allocateDirect(1);
        open.get(0).read(b); // until the server, done measuring, exits
    }
}
