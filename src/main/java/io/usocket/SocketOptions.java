package io.usocket;

/**
 * Options for {@link USocket#USocket(EventLoop, SocketOptions)}.
 *
 * <p>Node equivalent: the options object of {@code new net.Socket(options)} /
 * {@code net.connect(options)}: {@code path}, {@code fd}, {@code allowHalfOpen},
 * {@code readableHighWaterMark}, {@code writableHighWaterMark}.
 */
public final class SocketOptions {
    String path;
    int fd = -1;
    boolean allowHalfOpen;
    int readableHighWaterMark = 16 * 1024;
    int writableHighWaterMark = 16 * 1024;
    static final int DEFAULT_MAX_PENDING_FDS = 256;
    static final long DEFAULT_MAX_PENDING_BYTES = 64L * 1024 * 1024;
    int maxPendingFds = DEFAULT_MAX_PENDING_FDS;
    long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;

    /** Options with Node's defaults: no path, no fd, {@code allowHalfOpen=false}, 16 KiB marks. */
    public SocketOptions() {
    }

    /**
     * The socket path (or {@code \0name} abstract name) to connect to at once.
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @return the socket file's path
     */
    public SocketOptions path(String path) {
        this.path = path;
        return this;
    }

    /**
     * An already connected unix stream socket to adopt; the USocket owns it from then on.
     *
     * @param fd an open socket descriptor to adopt
     * @return these options
     */
    public SocketOptions fd(int fd) {
        this.fd = positive(fd, "fd"); // Node: validateInt32(fd, 'fd', 0) -> ERR_OUT_OF_RANGE
        return this;
    }

    /**
     * Keep the writable side open after the peer's end (Node's {@code allowHalfOpen}; default false).
     *
     * @param allowHalfOpen whether the writable side stays open after the peer's EOF (decisions D3)
     * @return whether the writable side stays open after the peer's EOF
     */
    public SocketOptions allowHalfOpen(boolean allowHalfOpen) {
        this.allowHalfOpen = allowHalfOpen;
        return this;
    }

    /**
     * Buffered received bytes at which reading from the kernel pauses (default 16 KiB).
     *
     * @param bytes the size in bytes
     * @return the read buffer's high-water mark, in bytes
     */
    public SocketOptions readableHighWaterMark(int bytes) {
        this.readableHighWaterMark = positive(bytes, "readableHighWaterMark");
        return this;
    }

    /**
     * Buffered bytes at which {@code write} starts returning false (default 16 KiB).
     *
     * @param bytes the size in bytes
     * @return the write buffer's high-water mark, in bytes
     */
    public SocketOptions writableHighWaterMark(int bytes) {
        this.writableHighWaterMark = positive(bytes, "writableHighWaterMark");
        return this;
    }

    /**
     * Received fds a socket may hold unread (no {@code 'fds'} listener, not yet taken by
     * {@code read(size, count)}); one more destroys it with {@code ERR_TOO_MANY_FDS} and closes
     * them, so a peer cannot fill the process's fd table (default 256; decisions D24). No Node
     * equivalent: Node's net cannot receive fds.
     *
     * @param n the most unread received fds one socket may hold
     * @return these options
     */
    public SocketOptions maxPendingFds(int n) {
        this.maxPendingFds = positive(n, "maxPendingFds");
        return this;
    }

    /**
     * Bytes a socket may buffer while {@code read(size, count)} waits for fds (reading then goes
     * on past the high-water mark); beyond it the socket is destroyed with
     * {@code ERR_READ_BUFFER_FULL} (default 64 MiB; decisions D25). No Node equivalent.
     *
     * @param bytes the most bytes buffered while a read waits for fds
     * @return these options
     */
    public SocketOptions maxPendingBytes(long bytes) {
        if (bytes < 0) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE",
                    "The value of \"maxPendingBytes\" is out of range. It must be >= 0. Received " + bytes);
        }
        this.maxPendingBytes = bytes;
        return this;
    }

    /**
     * The options a server gives each socket it accepts, checked and copied when the server is
     * made (decisions D59): {@code path} and {@code fd} make no sense for a socket that is
     * connected at birth on its own fd, and are refused; the copy keeps later changes to
     * {@code o} from reaching connections.
     */
    static SocketOptions forAccepted(SocketOptions o) {
        if (o == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"connectionOptions\" argument must be of type SocketOptions. Received null");
        }
        if (o.path != null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE", "The argument 'connectionOptions.path' is invalid for a server's"
                    + " connections: an accepted socket is connected already (give the path to listen()). Received '" + o.path + "'");
        }
        if (o.fd >= 0) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE", "The argument 'connectionOptions.fd' is invalid for a server's"
                    + " connections: each accepted socket has its own fd (to serve a listening fd, use listen(new ListenOptions().fd(fd))). Received " + o.fd);
        }
        SocketOptions c = new SocketOptions();
        c.allowHalfOpen = o.allowHalfOpen;
        c.readableHighWaterMark = o.readableHighWaterMark;
        c.writableHighWaterMark = o.writableHighWaterMark;
        c.maxPendingFds = o.maxPendingFds;
        c.maxPendingBytes = o.maxPendingBytes;
        return c;
    }

    static int positive(int n, String name) {
        if (n < 0) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE",
                    "The value of \"" + name + "\" is out of range. It must be >= 0. Received " + n);
        }
        return n;
    }
}
