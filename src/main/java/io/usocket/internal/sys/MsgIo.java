package io.usocket.internal.sys;

import java.nio.ByteBuffer;

/**
 * sendmsg/recvmsg with SCM_RIGHTS over preallocated native memory: one msghdr, one iovec, one
 * control buffer sized for {@link Sys#SCM_MAX_FD} fds plus a credentials header, and staging
 * buffers for the bytes.
 *
 * <p>All socket I/O of a loop happens on its thread, so one instance serves every socket of a
 * loop: the hot path allocates nothing but the {@code byte[]} handed to the user, and an idle
 * connection costs no native memory. Every call re-arms {@code msg_controllen} (native T3).
 */
public final class MsgIo {
    /** The most bytes one recvmsg reads (Node reads 64 KiB per callback too). */
    public static final int RECV_SIZE = 64 * 1024;
    /** The most bytes one sendmsg carries: queued writes are coalesced up to this. */
    public static final int SEND_SIZE = 256 * 1024;

    // struct msghdr on LP64: name@0 namelen@8 iov@16 iovlen@24 control@32 controllen@40 flags@48
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    private static final int CMSG_HDR = 16;
    /** {@code struct ucred}: pid, uid, gid. */
    private static final int UCRED_SIZE = 12;
    /**
     * Room for a full SCM_RIGHTS message and, ahead of it, the SCM_CREDENTIALS header the kernel
     * adds to every message a socket with SO_PASSCRED receives (such a socket may be adopted from
     * elsewhere): without it 253 fds would not fit and come out as MSG_CTRUNC (decisions D31).
     */
    private static final int CONTROL_SIZE = space(UCRED_SIZE) + space(Sys.SCM_MAX_FD * 4);

    private final Native.Calls libc = Native.LIBC;
    private final NativeBuffer hdr = new NativeBuffer(56);
    private final NativeBuffer iov = new NativeBuffer(16);
    private final NativeBuffer control = new NativeBuffer(CONTROL_SIZE);
    private final NativeBuffer recvData = new NativeBuffer(RECV_SIZE);
    private final NativeBuffer sendData = new NativeBuffer(SEND_SIZE);

    /** The last direct buffer {@link #receive(int, ByteBuffer)} read into, and its address. */
    private ByteBuffer lastTarget;
    private long lastAddress;
    private int[] receivedFds;
    private boolean truncated;

    public MsgIo() {
        hdr.buf.putLong(MSG_IOV, iov.address);
        hdr.buf.putLong(MSG_IOVLEN, 1);
    }

    private static int space(int len) {
        return CMSG_HDR + ((len + 7) & ~7);
    }

    /** Where the bytes of the next {@link #send} go: fill from position 0, at most {@link #SEND_SIZE}. */
    public ByteBuffer sendBuffer() {
        return sendData.buf;
    }

    /**
     * Sends the first {@code length} bytes of {@link #sendBuffer()} with {@code count} fds from
     * {@code fds[offset...]} (none when count is 0).
     *
     * @return the bytes sent, or minus the errno
     */
    public long send(int fd, int length, int[] fds, int offset, int count) {
        ByteBuffer h = hdr.buf;
        iov.buf.putLong(0, sendData.address);
        iov.buf.putLong(8, length);
        if (count > 0) {
            ByteBuffer c = control.buf;
            c.putLong(0, CMSG_HDR + 4L * count);
            c.putInt(8, Sys.SOL_SOCKET);
            c.putInt(12, Sys.SCM_RIGHTS);
            for (int i = 0; i < count; i++) c.putInt(CMSG_HDR + 4 * i, fds[offset + i]);
            h.putLong(MSG_CONTROL, control.address);
            h.putLong(MSG_CONTROLLEN, space(4 * count));
        } else {
            h.putLong(MSG_CONTROL, 0);
            h.putLong(MSG_CONTROLLEN, 0);
        }
        h.putInt(MSG_FLAGS, 0);
        long n = libc.sendmsg(fd, hdr.address, Sys.MSG_NOSIGNAL | Sys.MSG_DONTWAIT);
        return n >= 0 ? n : -Native.errno();
    }

    /**
     * Sends {@code len} bytes of {@code data} from {@code offset} with no fds, straight from the
     * array: large writes skip the copy into the send buffer.
     *
     * @return the bytes sent, or minus the errno
     */
    public long sendDirect(int fd, byte[] data, int offset, int len) {
        long n = libc.send(fd, ByteBuffer.wrap(data, offset, len), len, Sys.MSG_NOSIGNAL | Sys.MSG_DONTWAIT);
        return n >= 0 ? n : -Native.errno();
    }

    /**
     * Reads up to {@link #RECV_SIZE} bytes and any fds (close-on-exec, decisions D13). The fds are then
     * in {@link #receivedFds()} and {@link #truncated()} tells whether the kernel dropped some.
     *
     * @return the bytes read (0 at EOF), or minus the errno
     */
    public long receive(int fd) {
        return receive(fd, recvData.address, RECV_SIZE);
    }

    /**
     * As {@link #receive(int)}, at most {@code max} bytes (at least 1, at most {@link #RECV_SIZE}):
     * a read never takes more than its destination holds, so nothing is left over to keep.
     */
    public long receive(int fd, int max) {
        return receive(fd, recvData.address, Math.max(1, Math.min(max, RECV_SIZE)));
    }

    /**
     * As {@link #receive(int)}, into {@code target} from index 0 up to its capacity (its position
     * and limit are neither used nor changed; a heap buffer must not be read-only): a direct buffer is filled by the kernel itself, up to its
     * capacity, with no copy; a heap buffer gets at most {@link #RECV_SIZE} bytes copied in.
     */
    public long receive(int fd, ByteBuffer target) {
        if (target.isDirect()) return receive(fd, addressOf(target), target.capacity());
        long n = receive(fd, recvData.address, Math.min(target.capacity(), RECV_SIZE));
        if (n > 0) recvData.buf.get(0, target.array(), target.arrayOffset(), (int) n); // whatever its limit
        return n;
    }

    /** The address of a direct buffer's index 0: the last one is kept, so a reused buffer costs nothing per read. */
    private long addressOf(ByteBuffer direct) {
        if (direct != lastTarget) {
            // The buffer's base address: index 0, whatever its position now.
            lastAddress = Native.address(direct);
            lastTarget = direct;
        }
        return lastAddress;
    }

    private long receive(int fd, long address, int length) {
        ByteBuffer h = hdr.buf;
        iov.buf.putLong(0, address);
        iov.buf.putLong(8, length);
        h.putLong(MSG_CONTROL, control.address);
        h.putLong(MSG_CONTROLLEN, CONTROL_SIZE);
        h.putInt(MSG_FLAGS, 0);
        receivedFds = null;
        truncated = false;
        long n = libc.recvmsg(fd, hdr.address, Sys.MSG_CMSG_CLOEXEC | Sys.MSG_DONTWAIT);
        if (n < 0) return -Native.errno();
        // MSG_CTRUNC may come with no control data at all (no fd could be installed), so it is always checked.
        truncated = (h.getInt(MSG_FLAGS) & Sys.MSG_CTRUNC) != 0;
        long controlLen = h.getLong(MSG_CONTROLLEN);
        if (controlLen >= CMSG_HDR) parseControl((int) controlLen);
        return n;
    }

    private void parseControl(int controlLen) {
        ByteBuffer c = control.buf;
        int off = 0;
        while (off + CMSG_HDR <= controlLen) {
            int len = (int) c.getLong(off);
            if (len < CMSG_HDR) break;
            // Only SCM_RIGHTS carries fds; anything else (SCM_CREDENTIALS under SO_PASSCRED) is skipped.
            if (c.getInt(off + 8) == Sys.SOL_SOCKET && c.getInt(off + 12) == Sys.SCM_RIGHTS) {
                int n = (len - CMSG_HDR) / 4;
                int start = receivedFds == null ? 0 : receivedFds.length;
                int[] all = receivedFds == null ? new int[n] : java.util.Arrays.copyOf(receivedFds, start + n);
                for (int i = 0; i < n; i++) all[start + i] = c.getInt(off + CMSG_HDR + 4 * i);
                receivedFds = all;
            }
            off += (len + 7) & ~7;
        }
    }

    /**
     * Copies the first {@code n} received bytes into a new array. (Measured against copying
     * through a reused heap array into {@code Arrays.copyOf}, whose allocation the JIT does not
     * zero: W1 was about 20 % slower that way, decisions D72.)
     */
    public byte[] receivedBytes(int n) {
        byte[] out = new byte[n];
        recvData.buf.get(0, out, 0, n);
        return out;
    }

    /** Copies the first {@code n} received bytes to the start of {@code dst} (the onread option's array). */
    public void copyReceived(byte[] dst, int n) {
        recvData.buf.get(0, dst, 0, n);
    }

    /** The fds of the last {@link #receive}, or null when it carried none. */
    public int[] receivedFds() {
        return receivedFds;
    }

    /** Whether the last {@link #receive} lost control data (MSG_CTRUNC). */
    public boolean truncated() {
        return truncated;
    }
}
