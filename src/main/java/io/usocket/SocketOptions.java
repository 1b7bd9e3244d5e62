package io.usocket;

import java.nio.ByteBuffer;

/**
 * Options for {@link USocket#USocket(EventLoop, SocketOptions)}.
 *
 * <p>Node equivalent: the options object of {@code new net.Socket(options)} /
 * {@code net.connect(options)}: {@code path}, {@code fd}, {@code allowHalfOpen},
 * {@code readableHighWaterMark}, {@code writableHighWaterMark}, {@code onread}.
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
    /** The onread option (decisions D70), or null. */
    OnReadOption onread;

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
        c.onread = o.onread;
        return c;
    }

    /**
     * Node's {@code onread} option: every read lands in {@code buffer} (the same array each time,
     * from index 0, at most its length per read) and goes to {@code callback}, not to
     * {@code 'data'}; nothing is allocated per read. The callback returning {@code false} stops
     * reading until {@link USocket#resume()}; {@link USocket#pause()} stops it too. The peer's
     * EOF still ends the socket with {@code 'end'}. Fds that arrive are still delivered, before
     * the callback for the bytes they came with: to {@code 'fds'} listeners, or else queued for
     * {@code read(size, count)} (decisions D70). On a {@link UServer}'s connection options every
     * accepted socket shares the buffer (they all read on the loop thread, one at a time), and
     * the callback's third argument says which socket read. Node equivalent:
     * {@code new net.Socket({onread: {buffer, callback}})}.
     *
     * @param buffer the array reads land in; not empty
     * @param callback called with each read's byte count, the array and the socket
     * @return these options
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} when either is null,
     *         {@code ERR_INVALID_ARG_VALUE} when the array is empty
     */
    public SocketOptions onread(byte[] buffer, OnRead<byte[]> callback) {
        checkOnread(buffer, buffer == null ? 0 : buffer.length, callback);
        onread = new OnReadOption(buffer, callback, null, null);
        return this;
    }

    /**
     * Node's {@code onread} option with a {@link ByteBuffer}: as {@link #onread(byte[], OnRead)};
     * every read fills the buffer from index 0 (whatever position and limit the callback left),
     * and the callback sees the bytes as a flipped buffer: position 0, limit {@code nread}. A
     * direct buffer is read into by the kernel itself, with no copy, up to its whole capacity per
     * read; a heap buffer gets the bytes copied, at most 64 KiB per read. Node equivalent:
     * {@code new net.Socket({onread: {buffer, callback}})}.
     *
     * @param buffer the buffer reads land in; its capacity is not 0
     * @param callback called with each read's byte count, the buffer and the socket
     * @return these options
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} when either is null or the
     *         buffer is read-only, {@code ERR_INVALID_ARG_VALUE} when its capacity is 0
     */
    public SocketOptions onread(ByteBuffer buffer, OnRead<ByteBuffer> callback) {
        checkOnread(buffer, buffer == null ? 0 : buffer.capacity(), callback);
        if (buffer.isReadOnly()) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"options.onread.buffer\" property must be a writable buffer. Received a read-only ByteBuffer");
        }
        onread = new OnReadOption(null, null, buffer, callback);
        return this;
    }

    private static void checkOnread(Object buffer, int size, Object callback) {
        if (buffer == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"options.onread.buffer\" property must be an instance of Buffer, TypedArray, or DataView. Received null");
        }
        if (callback == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"options.onread.callback\" property must be of type function. Received null");
        }
        if (size == 0) {
            // Node takes an empty buffer and fails its first read with ENOBUFS; refused here at once.
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE",
                    "The property 'options.onread.buffer' must not be empty. Received an empty buffer");
        }
    }

    static int positive(int n, String name) {
        if (n < 0) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE",
                    "The value of \"" + name + "\" is out of range. It must be >= 0. Received " + n);
        }
        return n;
    }
}
