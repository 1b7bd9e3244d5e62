package io.usocket;

/**
 * Thrown at once for a bad argument: an invalid fd ({@code ERR_INVALID_FD}), a path that is not
 * a string, too many fds for the data ({@code ERR_OUT_OF_RANGE}), ...
 *
 * <p>Node equivalent: the synchronous {@code TypeError}/{@code RangeError} with an
 * {@code ERR_INVALID_ARG_TYPE}-style code.
 */
public class InvalidArgumentException extends IllegalArgumentException implements CodedError {
    private static final long serialVersionUID = 1L;
    /** The error's code. */
    private final String code;

    /**
     * An argument error with Node's code and message.
     *
     * @param code the error's code, e.g. {@code "ERR_INVALID_ARG_TYPE"}
     * @param message the error's message
     */
    public InvalidArgumentException(String code, String message) {
        super(message);
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
