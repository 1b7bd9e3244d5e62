package io.usocket.internal.sys;

/**
 * The socket syscalls of UServer and USocket, each returning a result or minus the errno, so
 * callers never read errno themselves. Every socket is created non-blocking and close-on-exec
 * in the same call (decisions D19, native T14).
 */
public final class UnixSockets {
    private static final Native.Calls LIBC = Native.LIBC;
    /** getsockopt's value and length, reused: these run on loop threads, once per connect. */
    private static final ThreadLocal<NativeBuffer> OPTION = ThreadLocal.withInitial(() -> new NativeBuffer(8));

    /** struct ucred (pid, uid, gid: three 32-bit ints) and, after it, its length for getsockopt. */
    private static final ThreadLocal<NativeBuffer> UCRED = ThreadLocal.withInitial(() -> new NativeBuffer(16));

    private UnixSockets() {
    }

    /** A new non-blocking, close-on-exec AF_UNIX stream socket: its fd, or minus the errno. */
    public static int open() {
        int fd = LIBC.socket(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0);
        return fd >= 0 ? fd : -Native.errno();
    }

    /** 0 when connected, else the errno (EINPROGRESS, EAGAIN, ENOENT, ...). */
    public static int connect(int fd, UnixAddress addr) {
        return LIBC.connect(fd, addr.address(), addr.length()) == 0 ? 0 : Native.errno();
    }

    /** 0 or the errno. */
    public static int bind(int fd, UnixAddress addr) {
        return LIBC.bind(fd, addr.address(), addr.length()) == 0 ? 0 : Native.errno();
    }

    /** 0 or the errno. */
    public static int listen(int fd, int backlog) {
        return LIBC.listen(fd, backlog) == 0 ? 0 : Native.errno();
    }

    /** An accepted connection (non-blocking, close-on-exec), or minus the errno. */
    public static int accept(int fd) {
        int c = LIBC.accept4(fd, 0, 0, Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC);
        return c >= 0 ? c : -Native.errno();
    }

    /** The outcome of a non-blocking connect (SO_ERROR): 0 or the errno. */
    public static int pendingError(int fd) {
        NativeBuffer b = option(fd, Sys.SO_ERROR);
        return b == null ? Native.errno() : b.buf.getInt(0);
    }

    /** The int value of a SOL_SOCKET option in a reused buffer, or null (errno set) on failure. */
    private static NativeBuffer option(int fd, int name) {
        NativeBuffer b = OPTION.get();
        b.buf.putInt(4, 4);
        return LIBC.getsockopt(fd, Sys.SOL_SOCKET, name, b.address, b.address + 4) == 0 ? b : null;
    }

    /**
     * The credentials the kernel recorded for the peer of a connected unix socket (SO_PEERCRED:
     * the connecting process at connect(), the listening one at listen()), as {@code {pid, uid,
     * gid}}; null when the kernel has none (not a socket: ENOTSOCK, EBADF; not a unix socket).
     */
    public static int[] peerCredentials(int fd) {
        NativeBuffer b = UCRED.get();
        b.buf.putInt(12, 12);
        if (LIBC.getsockopt(fd, Sys.SOL_SOCKET, Sys.SO_PEERCRED, b.address, b.address + 12) != 0) return null;
        if (b.buf.getInt(12) < 12) return null;
        return new int[] {b.buf.getInt(0), b.buf.getInt(4), b.buf.getInt(8)};
    }

    /** Sets FD_CLOEXEC on {@code fd} (leaving its status flags alone): 0, or the errno (EBADF). */
    public static int setCloexec(int fd) {
        return LIBC.fcntl(fd, Sys.F_SETFD, Sys.FD_CLOEXEC) == 0 ? 0 : LibC.errno();
    }

    /**
     * Turns SO_PASSCRED on: the kernel then adds the sender's credentials to every message
     * received (decisions D31: the receive buffer has room for them). 0, or the errno.
     */
    public static int setPassCred(int fd) {
        NativeBuffer b = OPTION.get();
        b.buf.putInt(0, 1);
        return LIBC.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_PASSCRED, b.address, 4) == 0 ? 0 : LibC.errno();
    }

    /** Whether {@code fd} is a socket in the listening state (SO_ACCEPTCONN). */
    public static boolean isListening(int fd) {
        NativeBuffer b = option(fd, Sys.SO_ACCEPTCONN);
        return b != null && b.buf.getInt(0) != 0;
    }

    /** Makes an fd handed to us non-blocking and close-on-exec: 0, or the errno (EBADF). */
    public static int adopt(int fd) {
        int flags = LIBC.fcntl(fd, Sys.F_GETFL, 0);
        if (flags < 0) return Native.errno();
        LIBC.fcntl(fd, Sys.F_SETFL, flags | Sys.O_NONBLOCK);
        LIBC.fcntl(fd, Sys.F_SETFD, Sys.FD_CLOEXEC);
        return 0;
    }

    /**
     * Whether no socket is bound to {@code addr}'s file (a stale socket file). Probed with a
     * datagram socket: connecting it never queues a connection at a live stream server (which
     * would see a spurious connection); the kernel answers EPROTOTYPE when a socket is bound to
     * the file and ECONNREFUSED only when none is.
     */
    public static boolean nobodyBound(UnixAddress addr) {
        int probe = LIBC.socket(Sys.AF_UNIX, Sys.SOCK_DGRAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0);
        if (probe < 0) return false;
        try {
            return connect(probe, addr) == Errno.ECONNREFUSED;
        } finally {
            LIBC.close(probe);
        }
    }

    /** Whether {@code fd} is an open descriptor of this process. */
    public static boolean isOpen(int fd) {
        return fd >= 0 && LIBC.fcntl(fd, Sys.F_GETFD, 0) >= 0;
    }

    public static void close(int fd) {
        LIBC.close(fd);
    }
}
