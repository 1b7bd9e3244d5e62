package io.usocket;

import io.usocket.internal.sys.UnixSockets;

import java.util.function.Predicate;

/**
 * The check {@link UServer#verifyPeer} installs: it decides from the peer's credentials, right
 * after accept and before {@code 'connection'}, whether a connection is kept. A refused one is
 * closed at once (the peer reads EOF), counted, and announced with {@code 'drop'} as Node does for
 * connections over {@code maxConnections} (decisions D41). Runs on the server's loop thread only; the
 * count is written there and may be read from any thread.
 */
final class PeerVerifier {
    private final Predicate<PeerCredentials> check;
    private volatile long refused;

    PeerVerifier(Predicate<PeerCredentials> check) {
        this.check = check;
    }

    /**
     * Whether the accepted {@code fd} may become a connection. If not, it is closed and
     * {@code 'drop'} (with {@code creds}) is emitted on {@code server}. Credentials the kernel
     * could not give (null) refuse the connection without asking the check: fail closed. A
     * check that throws refuses the connection too, then the exception goes on to the loop's
     * uncaught-exception handling.
     */
    boolean admit(UServer server, int fd, PeerCredentials creds) {
        boolean ok = false;
        try {
            ok = creds != null && check.test(creds);
        } finally {
            if (!ok) {
                UnixSockets.close(fd);
                refused++;
                server.emit("drop", creds);
            }
        }
        return ok;
    }

    long refused() {
        return refused;
    }
}
