package io.usocket;

/**
 * Something that carries a Node error code. Implemented by {@link USocketException} and by the
 * argument and state exceptions thrown synchronously for bad calls, so that a caller can check
 * {@code code()} whatever the exception type.
 */
public interface CodedError {
    /**
     * Node's {@code err.code}, for example {@code "ERR_INVALID_FD"}.
     *
     * @return the error's code, e.g. {@code "ENOENT"} or {@code "ERR_INVALID_FD"}
     */
    String code();
}
