package io.usocket;

import java.nio.ByteBuffer;

/**
 * One onread option as given (Node's kBuffer and kBufferCb of a socket): a buffer and its
 * callback, either the {@code byte[]} pair or the {@link ByteBuffer} pair (decisions D70).
 * Immutable, so options changed after a socket was made do not reach into it, and one reference
 * per socket (null without the option) keeps an idle connection's size as before.
 */
final class OnReadOption {
    final byte[] array;
    final OnRead<byte[]> arrayCallback;
    final ByteBuffer buffer;
    final OnRead<ByteBuffer> bufferCallback;

    OnReadOption(byte[] array, OnRead<byte[]> arrayCallback, ByteBuffer buffer, OnRead<ByteBuffer> bufferCallback) {
        this.array = array;
        this.arrayCallback = arrayCallback;
        this.buffer = buffer;
        this.bufferCallback = bufferCallback;
    }
}
