package io.usocket.internal.sys;

/**
 * A {@code struct sockaddr_un} for a path, or for a Linux abstract-namespace name (a path whose
 * first character is {@code \0}: no file, no NUL terminator, SPEC D18). The path is encoded by
 * {@link UnixPaths} (UTF-8, as Node), like every other syscall on the same name.
 */
public final class UnixAddress {
    private static final int SUN_PATH_OFFSET = 2;
    private static final int SUN_PATH_SIZE = 108;

    public final String path;
    public final boolean isAbstract;
    private final NativeBuffer sockaddr = new NativeBuffer(SUN_PATH_OFFSET + SUN_PATH_SIZE);
    private final int length;

    private UnixAddress(String path, byte[] bytes) {
        this.path = path;
        this.isAbstract = bytes.length > 0 && bytes[0] == 0;
        sockaddr.buf.putShort(0, (short) Sys.AF_UNIX);
        sockaddr.buf.position(SUN_PATH_OFFSET);
        sockaddr.buf.put(bytes);
        sockaddr.buf.position(0);
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

    public long address() {
        return sockaddr.address;
    }

    public int length() {
        return length;
    }
}
