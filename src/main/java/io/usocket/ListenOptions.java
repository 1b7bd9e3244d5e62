package io.usocket;

/**
 * Options for {@link UServer#listen(ListenOptions)}.
 *
 * <p>Node equivalent: the options object of {@code server.listen({path, backlog, readableAll,
 * writableAll})}.
 */
public final class ListenOptions {
    String path;
    int fd = -1;
    int backlog = 511;
    boolean readableAll;
    boolean writableAll;

    /** Options with Node's defaults (backlog 511). */
    public ListenOptions() {
    }

    /**
     * The socket path, or {@code \0name} for a Linux abstract name. Encoded as UTF-8 for every
     * syscall on it (bind, the stale-socket check, chmod, unlink), as Node does, whatever the
     * JVM's file-name encoding (decisions D30).
     */
    public ListenOptions path(String path) {
        this.path = path;
        return this;
    }

    /**
     * A listening unix socket to serve instead of binding a path: one this process inherited or
     * received over a socket (the zero-downtime restart pattern). The server owns it once
     * {@code 'listening'} comes; if listening fails ({@code EINVAL}: not a listening socket) it stays yours.
     * Node: {@code server.listen({fd})}.
     */
    public ListenOptions fd(int fd) {
        if (fd < 0) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE",
                    "The value of \"fd\" is out of range. It must be >= 0. Received " + fd);
        }
        this.fd = fd;
        return this;
    }

    /** The length of the queue of pending connections (default 511, as Node). */
    public ListenOptions backlog(int backlog) {
        this.backlog = SocketOptions.positive(backlog, "backlog");
        return this;
    }

    /** Make the socket file readable by all users. */
    public ListenOptions readableAll(boolean readableAll) {
        this.readableAll = readableAll;
        return this;
    }

    /** Make the socket file writable by all users (so anyone may connect). */
    public ListenOptions writableAll(boolean writableAll) {
        this.writableAll = writableAll;
        return this;
    }
}
