package io.usocket.internal.sys;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The one place a file name becomes the bytes a syscall sees, and the path syscalls that take
 * them ({@code open}, {@code unlink}, {@code chmod}, {@code statx}; {@code bind} and
 * {@code connect} get theirs through {@link UnixAddress}, which encodes with {@link #bytes}).
 *
 * <p>Two entry points, two encodings, each chosen so that every syscall on one name sees the same
 * bytes:
 * <ul>
 *   <li>A socket path given as a {@code String} ({@code listen}, {@code connect}, the stale-socket
 *       probe, the {@code chmod} of {@code readableAll}/{@code writableAll}, the {@code unlink} at
 *       close) is always UTF-8, as Node encodes every path string, whatever the JVM's
 *       {@code file.encoding} or {@code sun.jnu.encoding}. Under {@code LC_ALL=C} the JDK would
 *       encode {@code "é"} as {@code "?"}: a server would bind one file and unlink another
 *       (decisions D30). So socket-path code never goes through {@code java.io.File} or
 *       {@code java.nio.file.Path}: the file's type and mode are read here with {@code statx}.
 *       A name starting with {@code \0} (Linux abstract namespace) is encoded the same way and
 *       never reaches a file syscall.</li>
 *   <li>A {@link Path} ({@code Fds.open(Path)}) is a JDK object that already stands for the bytes
 *       the JDK gives it ({@code sun.jnu.encoding}): {@code Files.readString(p)} and
 *       {@code Fds.open(p)} must reach the same file, so {@link #bytes(Path)} encodes with the
 *       JDK's file-name charset.</li>
 * </ul>
 * Every method returns a result or minus the errno, as {@link UnixSockets} does.
 */
public final class UnixPaths {
    private static final LibC LIBC = LibC.INSTANCE;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_TYPE = 0x1;
    private static final int STATX_MODE = 0x2;
    /** {@code struct statx}: 256 bytes, the same layout on every architecture; {@code stx_mode} (u16) at 28. */
    private static final int STATX_SIZE = 256;
    private static final int STX_MODE = 28;
    /** {@code S_IFMT} and {@code S_IFSOCK} of {@code st_mode}. */
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;

    private UnixPaths() {
    }

    /** A path string as Node passes it to the kernel: UTF-8, no terminator (callers add what they need). */
    public static byte[] utf8(String path) {
        return path.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code path} as a NUL-terminated C string in UTF-8 (see the class comment). */
    public static byte[] bytes(String path) {
        byte[] b = utf8(path);
        return Arrays.copyOf(b, b.length + 1);
    }

    /** A JDK {@link Path} as a NUL-terminated C string in the JDK's own file-name encoding (see the class comment). */
    public static byte[] bytes(Path path) {
        byte[] b = path.toString().getBytes(PathCharset.CHARSET);
        return Arrays.copyOf(b, b.length + 1);
    }

    /** {@code open(path, flags, mode)} on a JDK path: the new fd, or minus the errno. */
    public static int open(Path path, int flags, int mode) {
        int fd = LIBC.open(bytes(path), flags, mode);
        return fd >= 0 ? fd : -LibC.errno();
    }

    /** {@code unlink(path)}: 0 or the errno. */
    public static int unlink(String path) {
        return LIBC.unlink(bytes(path)) == 0 ? 0 : LibC.errno();
    }

    /** {@code chmod(path, mode)}: 0 or the errno. */
    public static int chmod(String path, int mode) {
        return LIBC.chmod(bytes(path), mode) == 0 ? 0 : LibC.errno();
    }

    /**
     * The {@code st_mode} (type and permission bits) of the file at {@code path}, not following a
     * final symlink ({@code lstat}'s answer, through {@code statx}: its layout is the same on every
     * architecture), or minus the errno. Where {@code statx} is unavailable (ENOSYS: kernel before
     * 4.11, or a seccomp filter) callers treat the file as unknown: no stale-socket reclaim
     * ({@code EADDRINUSE} stands) and mode 0600 assumed for {@code readableAll}/{@code writableAll}.
     */
    public static int mode(String path) {
        NativeBuffer buf = new NativeBuffer(STATX_SIZE);
        if (LIBC.statx(AT_FDCWD, bytes(path), AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MODE, buf.address) != 0) {
            return -LibC.errno();
        }
        return Short.toUnsignedInt(buf.buf.getShort(STX_MODE));
    }
}
