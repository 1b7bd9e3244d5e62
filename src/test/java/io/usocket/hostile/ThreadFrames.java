package io.usocket.hostile;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Self-describing frames for writes from several threads: {@code [thread:int][seq:int][len:int]
 * [len bytes, a function of thread and seq]}. The receiver feeds whatever arrives to
 * {@link Receiver#accept}, which checks each frame's payload and that every thread's frames come
 * in sequence (0, 1, 2, ...), and keeps a CRC of each thread's bytes.
 */
final class ThreadFrames {
    static final int HEADER = 12;

    private ThreadFrames() {
    }

    /** Frame {@code seq} of {@code thread} with {@code len} payload bytes. */
    static byte[] frame(int thread, int seq, int len) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + len);
        b.putInt(thread).putInt(seq).putInt(len);
        for (int i = 0; i < len; i++) b.put(payloadByte(thread, seq, i));
        return b.array();
    }

    static byte payloadByte(int thread, int seq, int i) {
        return (byte) (thread * 31 + seq * 7 + i);
    }

    /** Reassembles frames from a byte stream and checks them. Not thread-safe: feed it from one thread. */
    static final class Receiver {
        private final int[] nextSeq;
        private final CRC32[] crc;
        private byte[] pending = new byte[0];
        private final List<String> problems = new ArrayList<>();

        Receiver(int threads) {
            nextSeq = new int[threads];
            crc = new CRC32[threads];
            for (int i = 0; i < threads; i++) crc[i] = new CRC32();
        }

        void accept(byte[] chunk) {
            byte[] all = new byte[pending.length + chunk.length];
            System.arraycopy(pending, 0, all, 0, pending.length);
            System.arraycopy(chunk, 0, all, pending.length, chunk.length);
            int off = 0;
            while (all.length - off >= HEADER) {
                ByteBuffer b = ByteBuffer.wrap(all, off, HEADER);
                int thread = b.getInt(), seq = b.getInt(), len = b.getInt();
                if (thread < 0 || thread >= nextSeq.length || len < 0) {
                    problems.add("garbage header at stream offset: thread " + thread + " len " + len);
                    pending = new byte[0];
                    return;
                }
                if (all.length - off < HEADER + len) break;
                if (seq != nextSeq[thread]) problems.add("thread " + thread + ": frame " + seq + " where " + nextSeq[thread] + " was due");
                nextSeq[thread] = seq + 1;
                for (int i = 0; i < len; i++) {
                    if (all[off + HEADER + i] != payloadByte(thread, seq, i)) {
                        problems.add("thread " + thread + " frame " + seq + ": byte " + i + " corrupt");
                        break;
                    }
                }
                crc[thread].update(all, off, HEADER + len);
                off += HEADER + len;
            }
            pending = java.util.Arrays.copyOfRange(all, off, all.length);
        }

        /** How many frames of {@code thread} arrived. */
        int frames(int thread) {
            return nextSeq[thread];
        }

        /** CRC32 of every byte of {@code thread}'s frames, in order. */
        long crc(int thread) {
            return crc[thread].getValue();
        }

        /** What was wrong: out-of-order or corrupt frames, or bytes left over that make no frame. */
        List<String> problems() {
            List<String> out = new ArrayList<>(problems);
            if (pending.length > 0) out.add(pending.length + " bytes left over, not a whole frame");
            return out;
        }
    }
}
