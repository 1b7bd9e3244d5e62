package io.usocket;

import java.util.Map;

/**
 * The receiving side of {@code FdLimitsTest}'s MSG_CTRUNC test, run as a child JVM under a low
 * {@code ulimit -n}: connects to the path in {@code args[0]} and prints what it sees, one fact a
 * line ({@code baseline=}, {@code queued=}, {@code error=}, {@code close=}, {@code after=}, and
 * {@code new=}: the descriptors open at the end that were not at the baseline).
 */
public final class FdTruncationChild {
    private FdTruncationChild() {
    }

    public static void main(String[] args) {
        EventLoop loop = EventLoop.create();
        // Load what the error path needs now: once the fd table is full, no class file can be opened.
        new USocketException("ERR_FDS_TRUNCATED", "warm-up").code();
        Map<Integer, String> baseline = TestFds.openFds();
        System.out.println("baseline=" + baseline.size());
        USocket socket = new USocket(loop, args[0]);
        socket.on("connect", () -> System.out.println("connected"));
        socket.on("data", (byte[] d) -> System.out.println("data=" + d.length + " queued=" + socket.queuedFds()));
        socket.on("error", (Throwable e) -> System.out.println("error=" + ((CodedError) e).code()));
        socket.on("close", (Boolean hadError) -> System.out.println("close=" + hadError));
        loop.run();
        Map<Integer, String> after = TestFds.openFds();
        System.out.println("after=" + after.size());
        after.entrySet().removeIf(e -> e.getValue().equals(baseline.get(e.getKey())));
        System.out.println("new=" + after);
        loop.close();
        System.out.flush();
    }
}
