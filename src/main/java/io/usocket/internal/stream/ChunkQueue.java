package io.usocket.internal.stream;

import java.util.ArrayDeque;

/**
 * The readable side's byte buffer: received chunks kept as they came, so reading a whole chunk
 * copies nothing. Node: {@code ReadableState.buffer} with {@code length}.
 */
public final class ChunkQueue {
    // Made on the first push: an idle connection holds none (decisions D74). Every chunk in it
    // has a byte left, so it is empty exactly when length is 0.
    private ArrayDeque<byte[]> chunks;
    /** Bytes of the head chunk already consumed. */
    private int headOffset;
    private long length;

    /** Buffered bytes. */
    public long length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    public void push(byte[] chunk) {
        if (chunk.length == 0) return;
        chunks().addLast(chunk);
        length += chunk.length;
    }

    /** Puts bytes back at the front (Node's {@code unshift}). */
    public void unshift(byte[] chunk) {
        if (chunk.length == 0) return;
        ArrayDeque<byte[]> chunks = chunks();
        if (headOffset > 0) {
            byte[] head = chunks.pollFirst();
            chunks.addFirst(java.util.Arrays.copyOfRange(head, headOffset, head.length));
            headOffset = 0;
        }
        chunks.addFirst(chunk);
        length += chunk.length;
    }

    /** Bytes left in the first chunk (Node's {@code state.buffer.first().length}), 0 when empty. */
    public int firstChunkLength() {
        if (length == 0) return 0;
        return chunks.peekFirst().length - headOffset;
    }

    /** Takes the first whole chunk (flowing mode's {@code 'data'}), or null when empty. */
    public byte[] shiftChunk() {
        if (length == 0) return null;
        byte[] head = chunks.pollFirst();
        if (headOffset > 0) {
            head = java.util.Arrays.copyOfRange(head, headOffset, head.length);
            headOffset = 0;
        }
        length -= head.length;
        return head;
    }

    /** Takes exactly {@code n} bytes ({@code 0 < n <= length()}). */
    public byte[] take(int n) {
        if (headOffset == 0 && chunks.peekFirst().length == n) return shiftChunk();
        byte[] out = new byte[n];
        int filled = 0;
        while (filled < n) {
            byte[] head = chunks.peekFirst();
            int avail = head.length - headOffset;
            int k = Math.min(avail, n - filled);
            System.arraycopy(head, headOffset, out, filled, k);
            filled += k;
            if (k == avail) {
                chunks.pollFirst();
                headOffset = 0;
            } else {
                headOffset += k;
            }
        }
        length -= n;
        return out;
    }

    private ArrayDeque<byte[]> chunks() {
        if (chunks == null) chunks = new ArrayDeque<>(2);
        return chunks;
    }

    public void clear() {
        if (chunks != null) chunks.clear();
        headOffset = 0;
        length = 0;
    }
}
