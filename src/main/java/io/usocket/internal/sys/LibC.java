package io.usocket.internal.sys;

/**
 * The libc calls the rest of the library (and its tests) may make directly: calls on fds, and
 * reads and writes bounded by a {@link NativeBuffer}. None takes a raw address or raw path bytes
 * (paths go through {@link UnixPaths}, the one encoder), so none can touch memory outside a
 * buffer it was given. The raw binding ({@link Native}) stays in
 * this package. Every method returns what libc returns ({@code -1} on failure); read
 * {@link #errno()} right after, on the same thread.
 *
 * <p>Not API: {@code io.usocket.internal.*} may change in any release (docs/modules.md).
 */
public final class LibC {
    /** The one instance (the methods are instance methods so call sites read like C). */
    public static final LibC INSTANCE = new LibC();

    private static final Native.Calls C = Native.LIBC;

    private LibC() {
    }

    /** {@code close(fd)}. */
    public int close(int fd) {
        return C.close(fd);
    }

    /** {@code dup3(oldfd, newfd, flags)}. */
    public int dup3(int oldfd, int newfd, int flags) {
        return C.dup3(oldfd, newfd, flags);
    }

    /**
     * {@code fcntl(fd, cmd, arg)} for the commands whose argument is a number:
     * {@link Sys#F_GETFD}, {@link Sys#F_SETFD}, {@link Sys#F_GETFL}, {@link Sys#F_SETFL},
     * {@link Sys#F_DUPFD_CLOEXEC}.
     *
     * @throws IllegalArgumentException for any other command (some take a pointer)
     */
    public int fcntl(int fd, int cmd, int arg) {
        switch (cmd) {
            case Sys.F_GETFD:
            case Sys.F_SETFD:
            case Sys.F_GETFL:
            case Sys.F_SETFL:
            case Sys.F_DUPFD_CLOEXEC:
                return C.fcntl(fd, cmd, arg);
            default:
                throw new IllegalArgumentException("fcntl command " + cmd + " is not one of the numeric ones");
        }
    }

    /** {@code shutdown(fd, how)}. */
    public int shutdown(int fd, int how) {
        return C.shutdown(fd, how);
    }

    /** {@code socket(domain, type, protocol)}. */
    public int socket(int domain, int type, int protocol) {
        return C.socket(domain, type, protocol);
    }

    /** {@code bind(fd, addr, len)} on a {@link UnixAddress}. */
    public int bind(int fd, UnixAddress addr) {
        return C.bind(fd, addr.address(), addr.length());
    }

    /** {@code socketpair(domain, type, protocol, fds)}: the two fds land in {@code fds} at 0 and 4. */
    public int socketpair(int domain, int type, int protocol, NativeBuffer fds) {
        check(fds, 8);
        return C.socketpair(domain, type, protocol, fds.address);
    }

    /** {@code pipe2(fds, flags)}: the read end lands in {@code fds} at 0, the write end at 4. */
    public int pipe2(NativeBuffer fds, int flags) {
        check(fds, 8);
        return C.pipe2(fds.address, flags);
    }

    /** {@code read(fd, buf, count)} into the start of {@code buf}. */
    public long read(int fd, NativeBuffer buf, int count) {
        check(buf, count);
        return C.read(fd, buf.address, count);
    }

    /** {@code write(fd, buf, count)} from the start of {@code buf}. */
    public long write(int fd, NativeBuffer buf, int count) {
        check(buf, count);
        return C.write(fd, buf.address, count);
    }

    private static void check(NativeBuffer buf, int count) {
        if (count < 0 || count > buf.size()) {
            throw new IndexOutOfBoundsException(count + " bytes do not fit a buffer of " + buf.size());
        }
    }

    /** errno of the last libc call made on this thread (native T13). */
    public static int errno() {
        return Native.errno();
    }
}
