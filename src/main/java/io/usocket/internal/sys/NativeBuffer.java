package io.usocket.internal.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory seen two ways: as a direct {@link ByteBuffer} in native byte order (Java fills
 * and reads it with intrinsic copies, no JNI) and as the raw address handed to syscalls.
 * Freed when it becomes unreachable, as any direct buffer.
 */
public final class NativeBuffer {
    public final ByteBuffer buf;
    /** Its address, for the raw calls of this package only. */
    final long address;

    public NativeBuffer(int size) {
        this.buf = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        this.address = Native.address(buf);
    }

    public int size() {
        return buf.capacity();
    }
}
