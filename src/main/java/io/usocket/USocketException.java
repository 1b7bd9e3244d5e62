package io.usocket;

import io.usocket.internal.sys.Errno;

/**
 * An error reported through {@code 'error'} events and write/close callbacks: Node's
 * {@code Error} with {@code code}, {@code errno}, {@code syscall} and {@code address}.
 *
 * <p>Node equivalent: the system errors of {@code net} ({@code err.code === 'ENOENT'},
 * {@code err.errno === -2}, {@code err.syscall === 'connect'}, {@code err.address}) and the
 * library errors with an {@code ERR_*} code and no errno. Messages have Node's form:
 * {@code connect ENOENT /tmp/x.sock}, {@code write EPIPE}, {@code write after end}.
 */
public class USocketException extends RuntimeException implements CodedError {
    private static final long serialVersionUID = 1L;

    /** The error's code. */
    private final String code;
    /** Node's errno (negative). */
    private final int errno;
    /** The failing system call, or null. */
    private final String syscall;
    /** The path the call was about, or null. */
    private final String address;

    /**
     * A library error with a Node {@code ERR_*} code and no errno.
     *
     * @param code the error's code, e.g. {@code "ERR_INVALID_ARG_TYPE"}
     * @param message the error's message
     */
    public USocketException(String code, String message) {
        this(code, 0, null, null, message, null);
    }

    /**
     * A library error with a Node {@code ERR_*} code and a cause.
     *
     * @param code the error's code, e.g. {@code "ERR_INVALID_ARG_TYPE"}
     * @param message the error's message
     * @param cause the underlying cause
     */
    public USocketException(String code, String message, Throwable cause) {
        this(code, 0, null, null, message, cause);
    }

    private USocketException(String code, int errno, String syscall, String address, String message,
                             Throwable cause) {
        super(message, cause);
        this.code = code;
        this.errno = errno;
        this.syscall = syscall;
        this.address = address;
    }

    /**
     * A system error from a failed call, as Node builds it ({@code uvException}): the message is
     * {@code "<syscall> <CODE>"}, followed by {@code " <address>"} when there is one; listen errors
     * add libuv's description as Node does ({@code listen EADDRINUSE: address already in use <path>}).
     *
     * @param errno   the positive C errno value as read after the call
     * @param syscall the call that failed, for example {@code "connect"}
     * @param address the socket path involved, or null
     * @return the error, with Node's code, message and fields
     */
    public static USocketException system(int errno, String syscall, String address) {
        String code = Errno.name(errno);
        StringBuilder msg = new StringBuilder(syscall).append(' ').append(code);
        String description = "listen".equals(syscall) ? listenDescription(Math.abs(errno)) : null;
        if (description != null) msg.append(": ").append(description);
        if (address != null) msg.append(' ').append(address);
        return new USocketException(code, -Math.abs(errno), syscall, address, msg.toString(), null);
    }

    /**
     * libuv's text for the errnos a unix-socket listen can give: Node's listen errors read
     * {@code listen <CODE>: <text> <path>} ({@code UVExceptionWithHostPort}).
     */
    private static String listenDescription(int errno) {
        switch (errno) {
            case Errno.EADDRINUSE: return "address already in use";
            case Errno.EACCES: return "permission denied";
            case Errno.ENOENT: return "no such file or directory";
            case Errno.EINVAL: return "invalid argument";
            case Errno.ENOTDIR: return "not a directory";
            case Errno.ENAMETOOLONG: return "name too long";
            case Errno.EPERM: return "operation not permitted";
            case Errno.EMFILE: return "too many open files";
            case Errno.ENFILE: return "file table overflow";
            case Errno.ENOMEM: return "not enough memory";
            case Errno.ENOBUFS: return "no buffer space available";
            case Errno.ENOSPC: return "no space left on device";
            case 30: return "read-only file system"; // EROFS
            case 40: return "too many symbolic links encountered"; // ELOOP
            default: return null;
        }
    }

    /** Node's {@code err.code}: {@code "ENOENT"}, {@code "ERR_STREAM_DESTROYED"}, ... */
    @Override
    public String code() {
        return code;
    }

    /**
     * Node's {@code err.errno}: the negated C errno (-2 for ENOENT), or 0 for library errors.
     *
     * @return Node's errno: negative, e.g. -2 for ENOENT
     */
    public int errno() {
        return errno;
    }

    /**
     * Node's {@code err.syscall} ({@code "connect"}, {@code "write"}, ...), or null.
     *
     * @return the failing system call, e.g. {@code "connect"}; null for errors of the library itself
     */
    public String syscall() {
        return syscall;
    }

    /**
     * Node's {@code err.address}: the socket path involved, or null.
     *
     * @return the path the failing call was about; null when none
     */
    public String address() {
        return address;
    }
}
