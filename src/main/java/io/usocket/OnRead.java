package io.usocket;

/**
 * The callback of the {@code onread} socket option: it gets the bytes of each read, in the one
 * buffer given with the option, in place of {@code 'data'} events. Node equivalent:
 * {@code onread.callback(nread, buf)} of {@code new net.Socket({onread: {buffer, callback}})},
 * whose {@code this} is the socket (here the third argument).
 *
 * <p>Runs on the loop thread, right after the read; the bytes are valid only until it returns
 * (the next read overwrites them). Returning {@code false} stops reading from the kernel, as
 * Node's {@code callback} returning {@code false} does ({@code readStop}): nothing more arrives,
 * and the peer is held back by the kernel's buffers, until {@link USocket#resume()}.
 *
 * @param <B> the buffer's type: {@code byte[]} or {@link java.nio.ByteBuffer}
 */
@FunctionalInterface
public interface OnRead<B> {
    /**
     * One read's bytes. Node: {@code callback(nread, buf)}.
     *
     * @param nread the bytes read (at least 1), at index 0 to {@code nread - 1} of {@code buffer}
     * @param buffer the buffer given with the option (the same one every time)
     * @param socket the socket that read them (Node's {@code this})
     * @return false to stop reading until {@link USocket#resume()}; true to go on
     */
    boolean onRead(int nread, B buffer, USocket socket);
}
