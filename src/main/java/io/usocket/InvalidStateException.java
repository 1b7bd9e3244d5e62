package io.usocket;

/**
 * Thrown at once for a call made in the wrong state: {@code listen} on a listening server
 * ({@code ERR_SERVER_ALREADY_LISTEN}), {@code read} off the loop thread, ...
 *
 * <p>Node equivalent: the synchronous {@code Error} with an {@code ERR_*} code.
 */
public class InvalidStateException extends IllegalStateException implements CodedError {
    private static final long serialVersionUID = 1L;
    /** The error's code. */
    private final String code;

    /**
     * A state error with Node's code and message.
     *
     * @param code the error's code, e.g. {@code "ERR_INVALID_ARG_TYPE"}
     * @param message the error's message
     */
    public InvalidStateException(String code, String message) {
        super(message);
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
