package io.usocket.bench;

import io.usocket.internal.sys.Environ;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.MsgIo;
import io.usocket.internal.sys.NativeBuffer;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixSockets;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one call through the native layer ({@code io.usocket.internal.sys}), the syscall
 * included, on one thread (issue #11: "the native call path"). Cheap syscalls make the
 * binding's own share visible:
 *
 * <ul>
 *   <li>{@code getuid}: a call with no argument whose errno is not read;</li>
 *   <li>{@code fcntl}: {@code fcntl(fd, F_GETFD)} ({@link UnixSockets#isOpen});</li>
 *   <li>{@code recvmsgEagain}: {@link MsgIo#receive} on an empty non-blocking socket: recvmsg
 *       fails with EAGAIN and errno is read, what every read ends with;</li>
 *   <li>{@code sendRecv64}: {@link MsgIo#send} of 64 bytes on one end of a socketpair and
 *       {@link MsgIo#receive} of them on the other (W3's two calls per side, no epoll).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class NativeCallBench {
    private final MsgIo io = new MsgIo();
    private int a;
    private int b;

    @Setup
    public void setUp() {
        NativeBuffer fds = new NativeBuffer(8);
        if (LibC.INSTANCE.socketpair(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0, fds) != 0) {
            throw new IllegalStateException("socketpair: errno " + LibC.errno());
        }
        a = fds.buf.getInt(0);
        b = fds.buf.getInt(4);
    }

    @TearDown
    public void tearDown() {
        LibC.INSTANCE.close(a);
        LibC.INSTANCE.close(b);
    }

    @Benchmark
    public int getuid() {
        return Environ.uid();
    }

    @Benchmark
    public boolean fcntl() {
        return UnixSockets.isOpen(a);
    }

    @Benchmark
    public long recvmsgEagain() {
        return io.receive(b);
    }

    @Benchmark
    public long sendRecv64() {
        long sent = io.send(a, 64, null, 0, 0);
        long got = io.receive(b);
        if (sent != 64 || got != 64) throw new IllegalStateException("sent " + sent + ", received " + got);
        return got;
    }
}
