package io.usocket;

import io.usocket.internal.sys.UnixSockets;

/**
 * Who is at the other end of a unix socket: the process id, user id and group id the kernel
 * recorded (SO_PEERCRED) when the connection was made, for the process that called
 * {@code connect()} (seen by the server) or {@code listen()} (seen by the client). The kernel
 * vouches for them: a peer cannot forge them, unlike anything it writes. The pid is the one the
 * peer had then; the process may have exited, and its pid been reused, since.
 *
 * <p>Node has no equivalent (neither {@code net} nor the npm usocket expose them); junixsocket's
 * {@code AFUNIXSocket.getPeerCredentials()} and Netty's {@code EpollDomainSocketChannel.peerCredentials()}
 * are the Java counterparts. See {@link USocket#peerCredentials()} and
 * {@link UServer#verifyPeer(java.util.function.Predicate)}.
 *
 * @param pid the peer's process id (in this process's pid namespace; 0 when the peer is in a
 *            namespace that cannot see it)
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerCredentials(int pid, int uid, int gid) {
    /** The credentials of {@code fd}'s peer, or null when the kernel has none (not a connected unix socket). */
    static PeerCredentials of(int fd) {
        int[] c = UnixSockets.peerCredentials(fd);
        return c == null ? null : new PeerCredentials(c[0], c[1], c[2]);
    }

    /**
     * Equal when pid, uid and gid are: the record's own rule, written out. The generated
     * {@code equals} and {@code hashCode} are bootstrapped through invokedynamic on first use
     * (~100 ms in a cold JVM, paid by a server's first connection: decisions D91).
     *
     * @param o the object compared
     * @return whether {@code o} holds the same pid, uid and gid
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof PeerCredentials p && p.pid == pid && p.uid == uid && p.gid == gid;
    }

    /**
     * A hash of pid, uid and gid, consistent with {@link #equals(Object)}.
     *
     * @return the hash
     */
    @Override
    public int hashCode() {
        return (pid * 31 + uid) * 31 + gid;
    }

    /**
     * The uid as Linux prints it (unsigned: {@code nobody} is 65534, an unmapped id 4294967295).
     *
     * @return the uid, unsigned
     */
    public long uidUnsigned() {
        return Integer.toUnsignedLong(uid);
    }

    /**
     * The gid, unsigned (see {@link #uidUnsigned()}).
     *
     * @return the gid, unsigned
     */
    public long gidUnsigned() {
        return Integer.toUnsignedLong(gid);
    }
}
