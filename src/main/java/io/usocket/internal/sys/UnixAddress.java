package io.usocket.internal.sys;

import java.nio.ByteBuffer;

/**
 * A {@code struct sockaddr_un} for a path, or for a Linux abstract-namespace name (a path whose
 * first character is {@code \0}: no file, no NUL terminator, decisions D18). The path is encoded by
 * {@link UnixPaths} (UTF-8, as Node), like every other syscall on the same name.
 */
public final class UnixAddress {
    private static final int SUN_PATH_OFFSET = 2;
    private static final int SUN_PATH_SIZE = 108;

    /**
     * Where a call's sockaddr is built, one per thread: a connect per connection used to allocate
     * a direct buffer (malloc, zeroing, a Cleaner) per address, a W4 cost.
     */
    private static final ThreadLocal<NativeBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> new NativeBuffer(SUN_PATH_OFFSET + SUN_PATH_SIZE));

    public final String path;
    public final boolean isAbstract;
    private final byte[] bytes;
    private final int length;

    private UnixAddress(String path, byte[] bytes) {
        this.path = path;
        this.isAbstract = bytes.length > 0 && bytes[0] == 0;
        this.bytes = bytes;
        // The kernel takes an abstract name's length from addrlen; a path ends at its NUL.
        length = SUN_PATH_OFFSET + bytes.length + (isAbstract ? 0 : 1);
    }

    /**
     * The address of {@code path}, or null when it does not fit {@code sun_path} (over 107 bytes
     * for a path, 108 for an abstract name): the caller reports EINVAL.
     */
    public static UnixAddress of(String path) {
        byte[] bytes = UnixPaths.utf8(path);
        boolean isAbstract = bytes.length > 0 && bytes[0] == 0;
        if (bytes.length > (isAbstract ? SUN_PATH_SIZE : Sys.MAX_PATH_BYTES)) return null;
        return new UnixAddress(path, bytes);
    }

    /**
     * The address of this sockaddr, built in the calling thread's scratch buffer: valid for a
     * call made right away on the same thread (every caller passes it straight to a syscall).
     */
    long address() {
        NativeBuffer scratch = SCRATCH.get();
        ByteBuffer b = scratch.buf;
        b.putShort(0, (short) Sys.AF_UNIX);
        b.put(SUN_PATH_OFFSET, bytes);
        if (!isAbstract) b.put(SUN_PATH_OFFSET + bytes.length, (byte) 0);
        return scratch.address;
    }

    public int length() {
        return length;
    }
}
