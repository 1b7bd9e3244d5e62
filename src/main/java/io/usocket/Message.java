package io.usocket;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bytes and file descriptors that travel together: what {@link USocket#read(Integer, Integer)}
 * returns and what {@link USocket#write(Message)} sends.
 *
 * <p>Node equivalent: usocket's {@code {data, fds}} object ({@code socket.write({data, fds})},
 * {@code socket.read(size, count)}).
 *
 * @param data the bytes; null when none were asked for or none were buffered
 * @param fds  the descriptors, never null (an empty array when there are none)
 */
public record Message(byte[] data, int... fds) {
    /**
     * Normalises a null {@code fds} to an empty array.
     *
     * @param data the bytes to send
     * @param fds the descriptors to send; they stay the caller's
     */
    public Message {
        if (fds == null) fds = new int[0];
    }

    /**
     * Bytes only.
     *
     * @param data the bytes to send
     * @return a message with {@code data} and no fds
     */
    public static Message of(byte[] data) {
        return new Message(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && Arrays.equals(data, m.data) && Arrays.equals(fds, m.fds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(data), Arrays.hashCode(fds));
    }

    @Override
    public String toString() {
        return "Message[data=" + (data == null ? "null" : data.length + " bytes") + ", fds=" + Arrays.toString(fds) + "]";
    }
}
