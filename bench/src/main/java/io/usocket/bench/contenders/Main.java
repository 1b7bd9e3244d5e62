package io.usocket.bench.contenders;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The Java contenders of the side-by-side benchmarks (bench/PROTOCOL.md), one entry point:
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp bench/target/benchmarks.jar io.usocket.bench.contenders.Main \
 *      &lt;contender&gt; &lt;server|client&gt; &lt;W1|W2|W2w|W3|W4|W5|W6&gt; &lt;socket-path&gt; [param]
 * </pre>
 *
 * A contender implements {@link Contender}; {@link #contender(String)} maps its name to it. The
 * helpers here ({@link #result}, {@link #notApplicable}, {@link Window} (the warm-up rule),
 * {@link Memory}, the defaults and constants) keep every contender's output and measurements
 * identical.
 */
public final class Main {
    /** W1: bytes sent by default (8 GiB) and the size of every write. */
    public static final long W1_BYTES = 8L << 30;
    public static final int CHUNK = 64 * 1024;
    /** W2 / W2w: messages (1 byte + 1 fd each). */
    public static final long W2_MESSAGES = 600_000;
    /** W2w: at most this many messages unacknowledged; one ack byte per {@link #ACK_EVERY} fds. */
    public static final int WINDOW = 128;
    public static final int ACK_EVERY = 64;
    /** W3: round trips of {@link #PING} bytes. */
    public static final long W3_ROUND_TRIPS = 200_000;
    public static final int PING = 64;
    /** W4: connections. */
    public static final long W4_CONNECTIONS = 40_000;
    /** W5: idle connections. */
    public static final long W5_CONNECTIONS = 10_000;
    /** W6: the size of the first message, which the server writes as soon as it accepts. */
    public static final int W6_MESSAGE = 64;
    /**
     * Short-run mode (bench/PROTOCOL.md, {@code bench/run --short}, environment
     * {@code BENCH_SHORT=1}): no warm-up share, the clock starts after the first unit of work.
     */
    public static final boolean SHORT = "1".equals(System.getenv("BENCH_SHORT"));

    /** One contender: both roles of every workload (print {@link #notApplicable} for those it cannot do). */
    public interface Contender {
        void server(String workload, String path, long param) throws Exception;

        void client(String workload, String path, long param) throws Exception;
    }

    private Main() {
    }

    /** The contender called {@code name}, or null. Add a case per contender. */
    static Contender contender(String name) {
        switch (name) {
            case "jdk":
                return new JdkContender(false);
            case "jdk-fresh":
                return new JdkContender(true);
            case "usocket":
                return new UsocketContender(false);
            case "usocket-onread":
                return new UsocketContender(true);
            case "netty":
                return new NettyContender();
            case "junixsocket":
                return new JunixsocketContender();
            default:
                return null;
        }
    }

    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: Main <contender> <server|client> <W1|W2|W2w|W3|W4|W5|W6> <socket-path> [param]");
            System.exit(2);
        }
        String name = args[0];
        String role = args[1];
        String workload = args[2];
        String path = args[3];
        Contender c = contender(name);
        if (c == null) {
            System.err.println("unknown contender: " + name);
            System.exit(2);
        }
        if (!role.equals("server") && !role.equals("client")) {
            System.err.println("unknown role: " + role);
            System.exit(2);
        }
        long param = args.length > 4 ? Long.parseLong(args[4]) : defaultParam(workload);
        try {
            if (param < 0) {
                notApplicable(workload);
            } else if (role.equals("server")) {
                c.server(workload, path, param);
            } else {
                c.client(workload, path, param);
            }
        } catch (Throwable t) {
            System.err.println(name + " " + role + " " + workload + " failed:");
            t.printStackTrace();
            System.exit(1);
        }
        System.out.flush();
        // Non-daemon threads of a library (event loops) must not keep a finished contender alive.
        System.exit(0);
    }

    /** The protocol's default {@code param} of a workload; -1 for an unknown workload. */
    public static long defaultParam(String workload) {
        switch (workload) {
            case "W1": return W1_BYTES;
            case "W2": case "W2w": return W2_MESSAGES;
            case "W3": return W3_ROUND_TRIPS;
            case "W4": return W4_CONNECTIONS;
            case "W5": return W5_CONNECTIONS;
            case "W6": return 0;
            default: return -1;
        }
    }

    /** Prints {@code RESULT <workload> <value> <unit>} and flushes. */
    public static void result(String workload, String value, String unit) {
        System.out.println("RESULT " + workload + " " + value + " " + unit);
        System.out.flush();
    }

    /** {@link #result} of a number, with 3 decimals. */
    public static void result(String workload, double value, String unit) {
        result(workload, String.format(Locale.ROOT, "%.3f", value), unit);
    }

    /**
     * The protocol's warm-up share of {@code work} (W1 bytes received, W2/W2w messages received,
     * W3 round trips, W4 connections): a quarter, at least 1 (in short-run mode, {@link #SHORT},
     * just 1). The clock starts once it is done.
     */
    public static long warmup(long work) {
        return SHORT ? 1 : Math.max(1, work / 4);
    }

    /**
     * The measured part of a workload (bench/PROTOCOL.md, warm-up rule): call {@link #progress}
     * with the work done so far each time it grows; the first time it reaches
     * {@link #warmup}{@code (work)} the clock starts, and the figure counts only the work done
     * after that ({@link #counted}) over the time since then ({@link #elapsed}). One thread.
     */
    public static final class Window {
        private final long warm;
        private long done0 = -1;
        private long t0;

        public Window(long work) {
            warm = warmup(work);
        }

        /** The work done so far is {@code done}, now. */
        public void progress(long done) {
            if (done0 < 0 && done >= warm) {
                progress(done, System.nanoTime());
            }
        }

        /** The work done so far is {@code done}, at {@code now} (a {@link System#nanoTime()}). */
        public void progress(long done, long now) {
            if (done0 < 0 && done >= warm) {
                done0 = done;
                t0 = now;
            }
        }

        /** Work done after the clock started, of {@code done} in all. */
        public long counted(long done) {
            if (done0 < 0) throw new IllegalStateException("warm-up share (" + warm + ") never reached: " + done + " done");
            return done - done0;
        }

        /** Nanoseconds from the start of the clock to {@code end} (a {@link System#nanoTime()}). */
        public long elapsed(long end) {
            return end - t0;
        }
    }

    /** W1: MB/s (10^6 bytes) from a byte count and the nanoseconds it took. */
    public static void throughput(String workload, long bytes, long nanos) {
        result(workload, bytes / 1e6 / (nanos / 1e9), "MB/s");
    }

    /** W2/W2w: messages per second from a count and the nanoseconds it took. */
    public static void messageRate(String workload, long count, long nanos) {
        result(workload, nanos > 0 ? count / (nanos / 1e9) : 0, "msgs/s");
    }

    /** W3: microseconds per round trip. */
    public static void roundTrip(String workload, long rounds, long nanos) {
        result(workload, nanos / 1e3 / rounds, "us/rt");
    }

    /** W4: connections per second. */
    public static void connectRate(String workload, long connections, long nanos) {
        result(workload, connections / (nanos / 1e9), "conn/s");
    }

    /**
     * W6: milliseconds from {@code t0} (the harness's {@code CLOCK_MONOTONIC} reading, in ns,
     * taken just before it started the server process; {@link System#nanoTime()} reads the
     * same clock on Linux) to now, when the client holds the server's first message.
     */
    public static void coldStart(String workload, long t0) {
        result(workload, (System.nanoTime() - t0) / 1e6, "ms");
    }

    /** {@code RESULT <workload> n/a -}: this contender cannot do the workload. */
    public static void notApplicable(String workload) {
        result(workload, "n/a", "-");
    }

    /**
     * W5's measurement, the same for every Java contender. {@link #baseline()} before listening;
     * {@link #perConnection(long)} once every connection is accepted. Each forces a GC
     * ({@code System.gc()} twice), then reads the heap in use (MemoryMXBean) and the RSS
     * ({@code VmRSS} of /proc/self/status). Heap per connection is the growth of heap used;
     * native per connection is the growth of RSS minus committed heap. The harness runs W5 with
     * {@code -XX:+AlwaysPreTouch} so that the whole heap is resident from the start: RSS then
     * grows only by memory outside the Java heap (malloc, direct buffers, metaspace, code),
     * not by the young-generation pages that allocating garbage touches.
     */
    public static final class Memory {
        private static final MemoryMXBean BEAN = ManagementFactory.getMemoryMXBean();
        private final long heap0;
        private final long native0;

        private Memory(long heap0, long native0) {
            this.heap0 = heap0;
            this.native0 = native0;
        }

        public static Memory baseline() {
            if (!ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch")) {
                System.err.println("warning: W5 without -XX:+AlwaysPreTouch counts touched young-generation pages as native memory");
            }
            gc();
            return new Memory(heapUsed(), rss() - heapCommitted());
        }

        /** {@code <heap bytes>/conn+<native bytes>/conn} as the protocol prints it. */
        public String perConnection(long connections) {
            gc();
            long heap = heapUsed() - heap0;
            long nat = rss() - heapCommitted() - native0;
            return (heap / connections) + "+" + (nat / connections);
        }

        /** Prints W5's RESULT line. */
        public void report(long connections) {
            result("W5", perConnection(connections), "heapB/conn+nativeB/conn");
        }

        private static void gc() {
            System.gc();
            System.gc();
        }

        private static long heapUsed() {
            return BEAN.getHeapMemoryUsage().getUsed();
        }

        private static long heapCommitted() {
            return BEAN.getHeapMemoryUsage().getCommitted();
        }

        /** VmRSS in bytes. */
        public static long rss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/self/status", e);
            }
            throw new IllegalStateException("no VmRSS in /proc/self/status");
        }
    }
}
