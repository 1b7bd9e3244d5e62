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

    private final String code;
    private final int errno;
    private final String syscall;
    private final String address;

    /** A library error with a Node {@code ERR_*} code and no errno. */
    public USocketException(String code, String message) {
        this(code, 0, null, null, message, null);
    }

    /** A library error with a Node {@code ERR_*} code and a cause. */
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
     * {@code "<syscall> <CODE>"}, followed by {@code " <address>"} when there is one; listen's
     * {@code EADDRINUSE} adds Node's description ({@code listen EADDRINUSE: address already in use <path>}).
     *
     * @param errno   the positive C errno value as read after the call
     * @param syscall the call that failed, for example {@code "connect"}
     * @param address the socket path involved, or null
     */
    public static USocketException system(int errno, String syscall, String address) {
        String code = Errno.name(errno);
        StringBuilder msg = new StringBuilder(syscall).append(' ').append(code);
        if ("listen".equals(syscall) && errno == Errno.EADDRINUSE) {
            msg.append(": address already in use");
        } else if ("listen".equals(syscall) && errno == Errno.EACCES) {
            msg.append(": permission denied");
        }
        if (address != null) msg.append(' ').append(address);
        return new USocketException(code, -Math.abs(errno), syscall, address, msg.toString(), null);
    }

    /** Node's {@code err.code}: {@code "ENOENT"}, {@code "ERR_STREAM_DESTROYED"}, ... */
    @Override
    public String code() {
        return code;
    }

    /** Node's {@code err.errno}: the negated C errno (-2 for ENOENT), or 0 for library errors. */
    public int errno() {
        return errno;
    }

    /** Node's {@code err.syscall} ({@code "connect"}, {@code "write"}, ...), or null. */
    public String syscall() {
        return syscall;
    }

    /** Node's {@code err.address}: the socket path involved, or null. */
    public String address() {
        return address;
    }
}
