package io.usocket.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The step from the loop's native receive buffer to the chunk handed to {@code 'data'}
 * (decisions D72), one read of {@code size} bytes, average time per read:
 *
 * <ul>
 *   <li>{@code newArrayThenCopy}: {@code new byte[n]} filled from native memory
 *       ({@code MsgIo.receivedBytes}); the JIT zeroes the new array first.</li>
 *   <li>{@code stagingThenCopyOf}: native memory into a reused array, then {@code Arrays.copyOf}
 *       (tried and not kept): the JIT allocates the copy without zeroing it, but W1 was
 *       slower.</li>
 *   <li>{@code onreadArray}: the onread option with a {@code byte[]}: native memory into the
 *       user's one array, nothing allocated (decisions D70).</li>
 * </ul>
 */
@State(Scope.Thread)
public class ReceiveCopyBench {
    @Param({"64", "65536"})
    public int size;

    private ByteBuffer native_;
    private byte[] staging;
    private byte[] user;

    @Setup
    public void setUp() {
        native_ = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder());
        for (int i = 0; i < native_.capacity(); i++) native_.put(i, (byte) i);
        staging = new byte[64 * 1024];
        user = new byte[64 * 1024];
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] newArrayThenCopy() {
        byte[] out = new byte[size];
        native_.get(0, out, 0, size);
        return out;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] stagingThenCopyOf() {
        native_.get(0, staging, 0, size);
        return Arrays.copyOf(staging, size);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] onreadArray() {
        native_.get(0, user, 0, size);
        return user;
    }
}
