package io.usocket;

import io.usocket.internal.stream.StringDecoder;
import io.usocket.internal.stream.Writable;
import io.usocket.internal.stream.WriteRequest;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixSockets;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;

/**
 * A unix-domain stream socket that can pass file descriptors: Node's {@code net.Socket} with
 * usocket's extensions ({@code 'connected'}, {@code 'fds'}, {@code read(size, count)},
 * {@code write(fds)}, {@code write(Message)}, {@code unshift(data, fds)}).
 *
 * <p>Events: {@code connect}, {@code connected}, {@code ready}, {@code readable}, {@code data}
 * ({@code byte[]}, or {@code String} after {@link #setEncoding}), {@code fds} ({@code int[]}),
 * {@code end}, {@code prefinish}, {@code finish}, {@code drain}, {@code timeout}, {@code error}
 * ({@link USocketException}), {@code close} ({@code Boolean} hadError). All run on the loop's
 * thread.
 *
 * <p>Structure: this class is Node's {@code lib/net.js} glue ({@code _writeGeneric},
 * {@code _final}, {@code _destroy}, {@code afterConnect}) between a {@link Writable} (Node's
 * {@code writable.js}), Node's {@code Readable} ({@code readable.js}) under the read glue
 * ({@link SocketReader}: net.js's {@code _read} and {@code onStreamRead}) and the handle (its write
 * queue and shutdown request in {@link SocketWriter}, its connect in {@link SocketConnector}),
 * plus usocket's fd extensions (fd-only writes wait here for the next bytes to carry them).
 *
 * <p>Thread rule (decisions D20): the loop's owner thread (see {@link EventLoop#inEventLoop()})
 * acts directly. From any other thread, {@code write}, {@code end}, {@code destroy},
 * {@code connect}, {@code pause}, {@code resume}, {@code cork}, {@code uncork},
 * {@code setTimeout}, {@code ref}, {@code unref} check their arguments there (with the
 * arguments and the kernel only) and hand the call to the loop as a task, in call order per
 * thread; {@code read} and {@code unshift} throw {@code ERR_WRONG_THREAD} there (decisions D16).
 */
public class USocket extends EventEmitter implements AutoCloseable {
    // ---- typed event keys (decisions D50): the string names keep working ----

    /** {@code 'connect'}: the connection is established. Node: {@code socket.on('connect')}. */
    public static final Event<Void> CONNECT = Event.of(USocket.class, "CONNECT", "connect", Void.class, false);
    /** {@code 'connected'}: usocket's name for {@code 'connect'}, emitted right after it. */
    public static final Event<Void> CONNECTED = Event.of(USocket.class, "CONNECTED", "connected", Void.class, false);
    /** {@code 'ready'}: after {@code 'connect'}. Node: {@code socket.on('ready')}. */
    public static final Event<Void> READY = Event.of(USocket.class, "READY", "ready", Void.class, false);
    /** {@code 'readable'}: data (or the end) can be read with {@code read()}. Node: {@code socket.on('readable')}. */
    public static final Event<Void> READABLE = Event.of(USocket.class, "READABLE", "readable", Void.class, false);
    /**
     * {@code 'data'} as bytes: the key for a socket without {@link #setEncoding}. After
     * {@code setEncoding} {@code 'data'} carries strings: listen with {@link #TEXT}; a
     * {@code DATA} listener then fails with {@code ERR_EVENT_PAYLOAD_TYPE}. Node: {@code socket.on('data', (buf) => ...)}.
     */
    public static final Event<byte[]> DATA = Event.of(USocket.class, "DATA", "data", byte[].class, true);
    /**
     * {@code 'data'} as text: the key for a socket after {@link #setEncoding}; without it, a
     * {@code TEXT} listener fails with {@code ERR_EVENT_PAYLOAD_TYPE}. Node:
     * {@code socket.setEncoding('utf8'); socket.on('data', (str) => ...)}.
     */
    public static final Event<String> TEXT = Event.of(USocket.class, "TEXT", "data", String.class, true);
    /** {@code 'fds'}: received descriptors, now the listener's to close. usocket: {@code socket.on('fds')}. */
    public static final Event<int[]> FDS = Event.of(USocket.class, "FDS", "fds", int[].class, false);
    /** {@code 'end'}: the peer ended its side and everything was read. Node: {@code socket.on('end')}. */
    public static final Event<Void> END = Event.of(USocket.class, "END", "end", Void.class, false);
    /** {@code 'prefinish'}. Node: {@code socket.on('prefinish')}. */
    public static final Event<Void> PREFINISH = Event.of(USocket.class, "PREFINISH", "prefinish", Void.class, false);
    /** {@code 'finish'}: {@code end()} was called and everything written is in the kernel. Node: {@code socket.on('finish')}. */
    public static final Event<Void> FINISH = Event.of(USocket.class, "FINISH", "finish", Void.class, false);
    /** {@code 'drain'}: the write buffer emptied after a write returned false. Node: {@code socket.on('drain')}. */
    public static final Event<Void> DRAIN = Event.of(USocket.class, "DRAIN", "drain", Void.class, false);
    /** {@code 'timeout'}: idle for the {@link #setTimeout} time. Node: {@code socket.on('timeout')}. */
    public static final Event<Void> TIMEOUT = Event.of(USocket.class, "TIMEOUT", "timeout", Void.class, false);
    /**
     * {@code 'error'}: the library's errors are {@link USocketException}s (with {@code code()});
     * {@code destroy(err)} emits the {@code err} given, whatever its type. Node: {@code socket.on('error')}.
     */
    public static final Event<Throwable> ERROR = Event.of(USocket.class, "ERROR", "error", Throwable.class, false);
    /** {@code 'close'}: the socket is closed; the payload is {@code hadError}. Node: {@code socket.on('close', (hadError) => ...)}. */
    public static final Event<Boolean> CLOSE = Event.of(USocket.class, "CLOSE", "close", Boolean.class, false);
    final EventLoop loop;
    final SocketReader reader;
    /** The handle's write side, made by the first write or end(): an idle connection holds none (decisions D74). */
    private SocketWriter writer;
    /** Node's WritableState and its functions: one for the socket's life, as a revival keeps it (N44). */
    final SocketWritable writable;
    /**
     * The writable high-water mark, final so that write() may read it from any thread; an int,
     * as the option is: 4 bytes of every socket less (decisions D90).
     */
    private final int writableHighWaterMark;
    private final IoHandle io;
    /** fd-only writes waiting for the next bytes to carry them (decisions D10). */
    private List<WriteRequest> fdsWaiting;
    /** Node's {@code this._handle}: set by connect(), accept or adoption, gone at destroy. */
    private boolean hasHandle;
    /** The peer ended us and allowHalfOpen is false: writes fail with EPIPE (Node's writeAfterFIN). */
    private boolean writeAfterFin;
    /** Bytes handed over by other threads and not yet written on the loop (for their write()'s return). */
    // A field and an updater rather than an AtomicLong: one object less per socket (decisions D74).
    private volatile long handedOver;
    private static final AtomicLongFieldUpdater<USocket> HANDED_OVER = AtomicLongFieldUpdater.newUpdater(USocket.class, "handedOver");
    /** writableLength as last seen on the loop, for write() called from other threads. */
    private volatile long publishedLength;
    int fd = -1;
    volatile boolean connected;
    volatile boolean connecting;
    volatile boolean destroyed;
    private boolean allowHalfOpen;
    private String path;
    /** The server that accepted this socket, until its destroy counted it out (Node's {@code _server}). */
    private UServer server;
    // Made on first use: an accepted socket never connects, and few sockets set a timeout.
    private SocketConnector connector;
    private IdleTimeout idleTimeout;
    /** Read once when the connection is made (accept, connect, adoption): decisions D40. */
    volatile PeerCredentials peerCredentials;

    /** An unconnected socket on the default loop; call {@link #connect}. Node: {@code new net.Socket()}. */
    public USocket() {
        this(EventLoop.getDefault());
    }

    /**
     * An unconnected socket on {@code loop}; call {@link #connect}.
     *
     * @param loop the event loop the object runs on
     */
    public USocket(EventLoop loop) {
        this(loop, new SocketOptions());
    }

    /**
     * Connects to {@code path} at once on the default loop. usocket: {@code new USocket(path)}.
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     */
    public USocket(String path) {
        this(EventLoop.getDefault(), path, null);
    }

    /**
     * Connects to {@code path} at once on the default loop; {@code cb} runs on {@code 'connected'}. usocket: {@code new USocket(path, cb)}.
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @param cb called once done
     */
    public USocket(String path, Runnable cb) {
        this(EventLoop.getDefault(), path, cb);
    }

    /**
     * Connects to {@code path} at once; {@code cb} runs on {@code 'connected'}. Node: {@code net.connect(path, cb)}.
     *
     * @param loop the event loop the object runs on
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @param cb called once done
     */
    public USocket(EventLoop loop, String path, Runnable cb) {
        this(loop, new SocketOptions());
        connect(path, cb);
    }

    /**
     * Connects to {@code path} at once on {@code loop}.
     *
     * @param loop the event loop the object runs on
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     */
    public USocket(EventLoop loop, String path) {
        this(loop, path, null);
    }

    /**
     * On the default loop, see {@link #USocket(EventLoop, SocketOptions)}.
     *
     * @param options the options
     */
    public USocket(SocketOptions options) {
        this(EventLoop.getDefault(), options);
    }

    /**
     * A socket with options: with {@code path} it connects at once, with {@code fd} it adopts
     * that connected socket (usocket: {@code new USocket({fd})}). Node: {@code new net.Socket(options)}.
     *
     * @param loop the event loop the object runs on
     * @param options the options
     */
    public USocket(EventLoop loop, SocketOptions options) {
        if (loop == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"loop\" argument must be an EventLoop. Received null");
        this.loop = loop;
        this.io = new IoHandle(loop) {
            @Override
            void onIo(int ops) {
                USocket.this.onIo(ops);
            }

            @Override
            void onWatchError(int errno) {
                destroy(USocketException.system(errno, "epoll_ctl", path));
            }

            @Override
            void forceClose() {
                destroyed = true;
                writable.destroyed = true;
                releaseFd();
                reader.destroy();
            }
        };
        this.allowHalfOpen = options.allowHalfOpen;
        reader = new SocketReader(this, options.readableHighWaterMark);
        reader.maxPendingFds = options.maxPendingFds;
        reader.maxPendingBytes = options.maxPendingBytes;
        reader.onread(options);
        writableHighWaterMark = options.writableHighWaterMark;
        writable = new SocketWritable(writableHighWaterMark);
        if (options.fd >= 0) {
            adopt(options.fd);
        } else if (options.path != null) {
            connect(options.path);
        }
    }

    /** A socket a server accepted: connected from birth, no connect events (decisions D1). */
    USocket(EventLoop loop, int fd, UServer server, SocketOptions options) {
        this(loop, options);
        this.server = server;
        this.connected = true;
        attach(fd);
        // Node's Socket constructor with a handle: this.read(0) starts reading (and ends the
        // Readable's initial sync state).
        reader.readable.read(0);
        updateInterest();
    }

    private void adopt(int fd) {
        if (UnixSockets.adopt(fd) != 0) {
            throw new InvalidArgumentException("ERR_INVALID_FD", "The \"fd\" argument must be a valid file descriptor. Received " + fd);
        }
        this.connected = true;
        this.peerCredentials = PeerCredentials.of(fd);
        loop.onLoop(() -> {
            attach(fd);
            reader.readable.read(0);
            updateInterest();
        });
    }

    // ---- connecting ----

    /**
     * Connects to a socket path or {@code \0} abstract name. Node: {@code socket.connect(path)}.
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @return this socket
     */
    public USocket connect(String path) {
        return connect(path, null);
    }

    /**
     * Connects; {@code cb} is a once-listener of {@code 'connected'} (decisions D1). Errors (ENOENT,
     * ECONNREFUSED, EINVAL for a path over 107 bytes) come as {@code 'error'} then
     * {@code 'close'(true)}. Node: {@code socket.connect(path, cb)}.
     *
     * <p>As in node 20, a connect() on a socket that is connecting or connected (or was accepted or
     * adopted) is not refused: the same fd is connected again and the kernel's {@code EISCONN}
     * comes as {@code 'error'} ({@code connect EISCONN <path>}) then {@code 'close'(true)}. From
     * another thread the whole call is handed to the loop, so connect() racing from two threads
     * is two connects in a row (decisions D58).
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @param cb called once done
     * @return this socket
     */
    public USocket connect(String path, Runnable cb) {
        if (path == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"path\" argument must be of type string. Received null");
        loop.checkOpen();
        // Node: connect() on a destroyed socket resets it (_undestroy) and connects again.
        if (destroyed) undestroy();
        if (cb != null) once("connected", cb);
        // Runs at once on the loop's thread (and before the loop runs); from another thread
        // (decisions D20, D58) the whole connect, its check of the socket's state included, is
        // handed to the loop, so two threads racing connect() are two connects in a row.
        loop.onLoop(() -> connectOnLoop(path));
        return this;
    }

    /**
     * Loop side of connect(). Node's connect(): without a handle, initSocketHandle and a new one;
     * with one (connecting, connected, accepted or adopted), libuv's uv_pipe_connect2 connects that
     * same fd again, so a second connect() gets {@code connect EISCONN <path>} as
     * {@code 'error'} then {@code 'close'(true)} and no {@code 'connect'} (node 20; decisions D58).
     */
    private void connectOnLoop(String path) {
        connecting = true;
        this.path = path;
        if (!hasHandle) initSocketHandle();
        hasHandle = true;
        touch(); // net.js connect(): _unrefTimer
        connector().start();
    }

    /**
     * Node's {@code initSocketHandle}, which every connect() without a handle runs: its
     * {@code _undestroy()} starts both sides' flags over, so an {@code end()} given before
     * {@code connect()} is forgotten by the stream (node 20: a write in a 'connect' listener
     * succeeds); buffered data stays. Its _final, deferred to the connect, still shuts the
     * handle's write side, and writes after that fail with EPIPE ({@link SocketWriter#write}).
     */
    private void initSocketHandle() {
        writable.undestroy();
        // _undestroy also clears the readable side's reading flag, but a read() asked for before
        // connect waits in net.js _read for 'connect': here that wait is the flag, so it stays.
        reader.readable.ended = false;
        reader.readable.endEmitted = false;
    }

    /** Node's {@code _undestroy()}: a destroyed socket becomes a fresh one, ready to connect. */
    private void undestroy() {
        if (!loop.inEventLoop()) throw new InvalidStateException("ERR_WRONG_THREAD", "connect() of a destroyed socket must be called on the event loop's thread");
        destroyed = false;
        connected = false;
        fdsWaiting = null;
        writeAfterFin = false;
        reader.undestroy();
        // destroy.js undestroy resets the flags of the same WritableState and keeps the rest:
        // the cork count (a socket corked before it was destroyed is still corked when it
        // connects again: a write then stays buffered) and the end() callbacks still waiting,
        // which the destroy's errorBuffer tick or the new connection's end then calls
        // (node-semantics N44).
        writable.undestroy();
        // Node's byte counts belong to the handle: a new connection gets a new write side, from 0.
        writer = null;
        // Node's _pendingData outlives the revival (only the next write clears it): the new
        // connect state keeps it.
        List<WriteRequest> pending = connector == null ? null : connector.pendingData;
        connector = null;
        if (pending != null) connector().pendingData = pending;
    }

    private SocketConnector connector() {
        if (connector == null) connector = new SocketConnector(this);
        return connector;
    }

    /** The socket owns {@code fd} from now on: the loop watches it and counts it as a handle. */
    void attach(int fd) {
        this.fd = fd;
        hasHandle = true;
        loop.addHandle(io);
    }

    /** Node's {@code afterConnect}: {@code 'connect'} and {@code 'ready'} in one callback, then the first read. */
    void onConnect() {
        if (destroyed) return;
        connecting = false;
        connected = true;
        peerCredentials = PeerCredentials.of(fd);
        touch();
        try {
            emit("connect");
            emit("connected");
            // Node emits 'ready' even when a 'connect' listener destroyed the socket.
            emit("ready");
            // Node's afterConnect: a read asked for while connecting starts; unless paused, read(0).
            if (!destroyed) reader.afterConnect();
        } finally {
            updateInterest();
        }
    }

    /**
     * The peer's pid, uid and gid as the kernel recorded them when the connection was made
     * (SO_PEERCRED, read once: at accept for a server's connection, at connect, or when an fd
     * was adopted); null before the socket is connected, or when the kernel has none. Stays
     * readable after close. Any thread. Node has no equivalent (decisions D40).
     *
     * @return the peer's credentials, or null
     */
    public PeerCredentials peerCredentials() {
        return peerCredentials;
    }

    // ---- I/O from the loop ----

    private void onIo(int ops) {
        if (destroyed) return;
        if (connecting) {
            connector().onWritable(ops);
            return;
        }
        try {
            // libuv's uv__stream_io: the read side first, then (unless a read callback closed
            // the stream) the write side (node-semantics N41). uv__read reads only while the
            // stream reads (wantsRead is false unless the handle reads): an EPOLLHUP/EPOLLERR
            // reported for a pending write does not make a stream that is not reading read.
            if ((ops & (Sys.EPOLLIN | Sys.EPOLLHUP | Sys.EPOLLERR)) != 0 && reader.wantsRead()) reader.onReadable((ops & Sys.EPOLLHUP) != 0);
            // uv__write + uv__write_callbacks + uv__drain on EPOLLOUT, and also on EPOLLHUP/ERR:
            // a shutdown fed to the pending queue completes here already when the peer hung up
            // (node-semantics N42).
            if (!destroyed && (ops & (Sys.EPOLLOUT | Sys.EPOLLERR | Sys.EPOLLHUP)) != 0) {
                if (writer != null) writer.onWritable();
                publishedLength = writable.length;
            }
        } finally {
            // A listener that threw (its exception goes to the loop's handler) must not leave epoll
            // watching for the wrong things: the socket would hang or spin.
            updateInterest();
        }
    }

    private boolean wantsWritable() {
        return writer != null && writer.wantsWritable();
    }

    private SocketWriter writer() {
        if (writer == null) writer = new SocketWriter(this);
        return writer;
    }

    /** Asks epoll for exactly what the two sides want now; no interest means not watched at all. */
    void updateInterest() {
        if (fd < 0 || destroyed) return;
        int want = 0;
        if (connecting) want = connector != null && connector.awaitingPoll() ? Sys.EPOLLOUT : 0;
        else if (connected) {
            if (reader.wantsRead()) want |= Sys.EPOLLIN;
            if (wantsWritable()) want |= Sys.EPOLLOUT;
        }
        // libuv: a stream is active while it reads or has a request pending (connect, write,
        // shutdown); only then does it keep the loop alive (decisions D21).
        io.setActive(want != 0);
        // A connect, a write waiting in the queue or a shutdown behind it is a libuv request:
        // it holds the loop even when the socket is unref'd (node-semantics N43).
        io.setRequests(connecting || wantsWritable());
        loop.ioSet(io, fd, want);
    }

    /**
     * Node's {@code _unrefTimer}: the idle timeout starts over. Where Node calls it: connect(),
     * afterConnect, each write handed to the handle and each write that completes later, each
     * read callback (bytes, EOF). Not on a partial write's progress: {@link #writeMoved} covers that.
     */
    void touch() {
        if (idleTimeout != null) idleTimeout.touch();
    }

    /** net.js {@code _onTimeout}'s test, with a handle: a write under way moved since the timeout last looked. */
    boolean writeMoved() {
        return writer != null && fd >= 0 && writer.movedSinceLastLook();
    }

    // ---- the two sides finishing ----

    /**
     * net.js's onReadableStreamEnd, an {@code 'end'} listener Node's Socket registers before any
     * of the user's: from then on (allowHalfOpen false) a write after our own end() is EPIPE.
     */
    void onReadableStreamEnd() {
        if (!allowHalfOpen) writeAfterFin = true;
    }

    /** Node's endReadableNT after {@code 'end'}: end our side too (allowHalfOpen false), or autoDestroy. */
    void onReadableEnded() {
        if (!allowHalfOpen && writable.writable()) {
            loop.nextTick(() -> {
                if (writable.writable() && !destroyed) end();
            });
        } else if (writable.finished) {
            destroy();
        }
    }

    // ---- reading ----

    /**
     * All buffered bytes, or null when none. Node: {@code socket.read()}. Loop thread only.
     *
     * @return all buffered bytes, or {@code null} when none are
     */
    public byte[] read() {
        checkLoopThread("read");
        return reader.readable.read(-1);
    }

    /**
     * Exactly {@code size} bytes, or null until that many are buffered (at EOF the remainder);
     * {@code read(0)} returns null and starts reading. Never returns fds. Node: {@code socket.read(size)}.
     *
     * @param size how many bytes
     * @return exactly {@code size} bytes (at EOF the rest), or {@code null} when fewer are buffered
     */
    public byte[] read(int size) {
        checkLoopThread("read");
        if (size < 0) throw new InvalidArgumentException("ERR_OUT_OF_RANGE", "The value of \"size\" is out of range. It must be >= 0. Received " + size);
        return reader.readable.read(size);
    }

    /**
     * usocket's {@code read(size, count)}: {@code size} bytes (null: all buffered) together with
     * {@code count} fds (null: all queued), or null, consuming nothing, while either is short
     * (decisions D7). Loop thread only.
     *
     * @param size how many bytes
     * @param count how many fds ({@code null}: all queued)
     * @return the message, or {@code null} when too few bytes or fds are there (nothing is consumed then)
     */
    public Message read(Integer size, Integer count) {
        checkLoopThread("read");
        if ((size != null && size < 0) || (count != null && count < 0)) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE", "The values of \"size\" and \"count\" must be >= 0. Received " + size + ", " + count);
        }
        return reader.read(size, count);
    }

    /**
     * Puts bytes back at the front of the read buffer and fds back at the front of the fd queue
     * (decisions D9). Node: {@code socket.unshift(chunk)}. Loop thread only.
     *
     * @param data the bytes to send
     * @param fds the descriptors to send; they stay the caller's
     */
    public void unshift(byte[] data, int... fds) {
        checkLoopThread("unshift");
        reader.unshift(data, fds);
    }

    /**
     * Stops {@code 'data'} events; bytes accumulate up to the high-water mark. Node: {@code socket.pause()}.
     *
     * @return this socket
     */
    public USocket pause() {
        loop.onLoop(() -> {
            reader.pauseHandle();
            reader.readable.pause();
            updateInterest();
        });
        return this;
    }

    /**
     * Resumes {@code 'data'} events on a later turn. Node: {@code socket.resume()}.
     *
     * @return this socket
     */
    public USocket resume() {
        loop.onLoop(() -> {
            reader.resumeHandle();
            reader.readable.resume();
        });
        return this;
    }

    /**
     * Whether {@link #pause()} is in effect. Node: {@code socket.isPaused()}.
     *
     * @return whether {@code pause()} stopped the flow
     */
    public boolean isPaused() {
        return reader.readable.isPaused();
    }

    /**
     * Makes {@code 'data'} deliver {@code String}s decoded with Node's encoding name (utf8,
     * latin1, ascii, hex, base64, utf16le); a character split across packets arrives whole.
     * {@code read()} still returns bytes. Node: {@code socket.setEncoding(enc)}.
     *
     * @param encoding Node's name of the encoding, e.g. {@code "utf8"}, {@code "hex"}, {@code "base64"}
     * @return this socket
     */
    public USocket setEncoding(String encoding) {
        StringDecoder decoder = new StringDecoder(encoding); // a bad name throws here, in the caller
        loop.onLoop(() -> reader.readable.decoder = decoder);           // the decoder is the loop's state
        return this;
    }

    /**
     * {@code pipe(dst, true)}. Node: {@code socket.pipe(dst)}.
     *
     * @param dst the socket to write to
     * @return this socket
     */
    public USocket pipe(USocket dst) {
        return pipe(dst, true);
    }

    /**
     * Sends everything read from this socket to {@code dst}, pausing while {@code dst} is above
     * its high-water mark, and ends {@code dst} at the end unless {@code end} is false.
     * Node: {@code socket.pipe(dst, {end})}.
     *
     * @param dst the socket to write to
     * @param end whether to end {@code dst} when this socket ends (Node's {@code {end}} option)
     * @return this socket
     */
    public USocket pipe(USocket dst, boolean end) {
        Pipe.connect(this, dst, end);
        return dst;
    }

    @Override
    protected void listenerAdded(String event) {
        if (("data".equals(event) || "readable".equals(event))) loop.onLoop(() -> {
            reader.readable.on(event);
            updateInterest();
        });
    }

    @Override
    protected void listenersRemoved(String event) {
        reader.readable.removeListener(event);
    }

    // ---- writing ----

    /**
     * Node: {@code socket.write(data)}; returns false once the buffer reaches the high-water mark.
     *
     * @param data the bytes to send
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(byte[] data) {
        return write(data, null, (Consumer<Throwable>) null);
    }

    /**
     * Node: {@code socket.write(data, cb)}; {@code cb} runs once the bytes are in the kernel.
     *
     * @param data the bytes to send
     * @param cb called once done
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(byte[] data, Runnable cb) {
        return write(data, null, Callbacks.of(cb));
    }

    /**
     * Node: {@code socket.write(data, cb)}; {@code cb} gets null or the error.
     *
     * @param data the bytes to send
     * @param cb called once done, with null, or with the error
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(byte[] data, Consumer<Throwable> cb) {
        return write(data, null, cb);
    }

    /**
     * UTF-8 text. Node: {@code socket.write(string)}.
     *
     * @param data the text to send
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(String data) {
        return write(encode(data, "utf8"), null, (Consumer<Throwable>) null);
    }

    /**
     * Text in a Node encoding (utf8, latin1, hex, base64, ...). Node: {@code socket.write(string, encoding)}.
     *
     * @param data the text to send
     * @param encoding Node's name of the encoding, e.g. {@code "utf8"}, {@code "hex"}, {@code "base64"}
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(String data, String encoding) {
        return write(encode(data, encoding), null, (Consumer<Throwable>) null);
    }

    /**
     * Node: {@code socket.write(string, encoding, cb)}.
     *
     * @param data the text to send
     * @param encoding Node's name of the encoding, e.g. {@code "utf8"}, {@code "hex"}, {@code "base64"}
     * @param cb called once done, with null, or with the error
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(String data, String encoding, Consumer<Throwable> cb) {
        return write(encode(data, encoding), null, cb);
    }

    /**
     * UTF-8 text with a callback. Node: {@code socket.write(string, cb)}.
     *
     * @param data the text to send
     * @param cb called once done, with null, or with the error
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(String data, Consumer<Throwable> cb) {
        return write(encode(data, "utf8"), null, cb);
    }

    /**
     * UTF-8 text with a callback that ignores the error.
     *
     * @param data the text to send
     * @param cb called once done
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(String data, Runnable cb) {
        return write(encode(data, "utf8"), null, Callbacks.of(cb));
    }

    /**
     * Fds with no bytes: they travel with the next bytes written (Linux drops fds sent alone),
     * and fail with {@code ERR_FDS_WITHOUT_DATA} if the socket ends first (decisions D10).
     * usocket: {@code socket.write(fds)}.
     *
     * @param fds the descriptors to send; they stay the caller's
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(int[] fds) {
        return write(new byte[0], fds, (Consumer<Throwable>) null);
    }

    /**
     * As {@link #write(int[])}; {@code cb} runs once the fds are in the kernel.
     *
     * @param fds the descriptors to send; they stay the caller's
     * @param cb called once done, with null, or with the error
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(int[] fds, Consumer<Throwable> cb) {
        return write(new byte[0], fds, cb);
    }

    /**
     * As {@link #write(int[], Consumer)} with a callback that ignores the error.
     *
     * @param fds the descriptors to send; they stay the caller's
     * @param cb called once done
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(int[] fds, Runnable cb) {
        return write(new byte[0], fds, Callbacks.of(cb));
    }

    /**
     * Bytes and fds together; the fds travel with the first bytes. usocket: {@code socket.write({data, fds})}.
     *
     * @param msg the bytes and fds to send
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(Message msg) {
        return write(msg, (Consumer<Throwable>) null);
    }

    /**
     * As {@link #write(Message)}; usocket: {@code socket.write({data, fds, callback})}.
     *
     * @param msg the bytes and fds to send
     * @param cb called once done, with null, or with the error
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(Message msg, Consumer<Throwable> cb) {
        if (msg == null) throw nullChunk();
        return write(msg.data() == null ? new byte[0] : msg.data(), msg.fds(), cb);
    }

    /**
     * As {@link #write(Message)} with a callback that ignores the error.
     *
     * @param msg the bytes and fds to send
     * @param cb called once done
     * @return false once the buffered bytes reach the high-water mark (wait for {@code 'drain'}) or when the socket cannot write any more; true otherwise
     */
    public boolean write(Message msg, Runnable cb) {
        return write(msg, Callbacks.of(cb));
    }

    private boolean write(byte[] data, int[] fds, Consumer<Throwable> cb) {
        if (data == null) throw nullChunk();
        boolean unchecked = false;
        if (fds != null && fds.length > 0) {
            checkOwnFds(data, fds);
            // A write that goes straight to sendmsg is checked by it: EBADF then refuses it at once
            // just the same (decisions D12), and the common case saves an fcntl per fd.
            unchecked = loop.isLoopThread() && sendsAtOnce(data, fds);
            if (!unchecked) checkOpenFds(fds);
        }
        if (loop.isLoopThread()) return writeOnLoop(data, fds, cb, unchecked, true);
        if (loop.inEventLoop()) { // not the loop's thread, so: no thread runs the loop yet
            boolean[] result = new boolean[1];
            // Act here, serialized with other set-up calls (decisions D20).
            if (loop.runHere(() -> result[0] = writeOnLoop(data, fds, cb, false, true))) return result[0];
        }
        // Another thread: checked with the arguments and the kernel only; the loop does the rest.
        HANDED_OVER.addAndGet(this, data.length);
        loop.onLoop(() -> {
            HANDED_OVER.addAndGet(this, -data.length);
            writeOnLoop(data, fds, cb, false, false);
            publishedLength = writable.length;
        });
        return handedOver + publishedLength < writableHighWaterMark;
    }

    /** The write as Node's {@code Writable.write} (or net's writeAfterFIN), with usocket's fd-only writes. */
    private boolean writeOnLoop(byte[] data, int[] fds, Consumer<Throwable> cb, boolean unchecked, boolean canThrow) {
        if (writeAfterFin && writable.ending) {
            // Node's writeAfterFIN: the peer's FIN ended us.
            USocketException er = new USocketException("EPIPE", "This socket has been ended by the other party");
            if (cb != null) loop.nextTick(() -> cb.accept(er));
            destroy(er);
            return false;
        }
        WriteRequest req = new WriteRequest(data, fds, cb);
        req.fdsUnchecked = unchecked;
        if (req.fdOnly() && writable.writable()) {
            // Fds alone wait for the next bytes written (Linux drops fds sent without data).
            if (fdsWaiting == null) fdsWaiting = new ArrayList<>(2);
            fdsWaiting.add(req);
            return writable.writeResult();
        }
        if (fdsWaiting != null && data.length > 0 && writable.writable()) {
            int total = req.fds.length;
            for (WriteRequest w : fdsWaiting) total += w.fds.length;
            InvalidArgumentException tooMany = fdsNeedBytes(total, data.length);
            if (tooMany != null) {
                // The 253-per-message rule holds by construction: bytes too few to carry the
                // waiting fds and this write's refuse the write; the waiting fds keep waiting.
                if (canThrow) throw tooMany;
                if (cb != null) loop.nextTick(() -> cb.accept(tooMany));
                destroy(tooMany);
                return false;
            }
            req.absorb(fdsWaiting);
            fdsWaiting = null;
        }
        try {
            writable.write(req);
        } catch (InvalidArgumentException refused) {
            // An unchecked fd was bad (decisions D12): nothing was sent, the write is refused.
            if (canThrow) throw refused;
            if (cb != null) loop.nextTick(() -> cb.accept(refused));
            destroy(refused);
            return false;
        }
        return writable.writeResult();
    }

    /** Whether a write of these fds would go to sendmsg right away, in one message, on its own. */
    private boolean sendsAtOnce(byte[] data, int[] fds) {
        return connected && !destroyed && fd >= 0 && writable.writable() && !writable.writing && writable.corked == 0
                && writable.bufferedLength() == 0 && (writer == null || !writer.busy()) && fdsWaiting == null
                && data.length > 0 && fds.length <= Sys.SCM_MAX_FD;
    }

    /** The checks of a write's own fds that need only the arguments (decisions D11, D12). */
    static void checkOwnFds(byte[] data, int[] fds) {
        for (int fd : fds) if (fd < 0) throw invalidFd(fd);
        if (data.length > 0) {
            InvalidArgumentException e = fdsNeedBytes(fds.length, data.length);
            if (e != null) throw e;
        }
    }

    /** fcntl(F_GETFD) on each fd: the kernel's answer, safe from any thread. */
    static void checkOpenFds(int[] fds) {
        for (int fd : fds) {
            if (!UnixSockets.isOpen(fd)) throw invalidFd(fd);
        }
    }

    /** Null when {@code bytes} bytes can carry {@code fds} fds (one byte per message of 253), else the error. */
    private static InvalidArgumentException fdsNeedBytes(int fds, int bytes) {
        int messages = (fds + Sys.SCM_MAX_FD - 1) / Sys.SCM_MAX_FD;
        if (messages <= 1 || bytes >= messages) return null;
        return new InvalidArgumentException("ERR_OUT_OF_RANGE", "Sending " + fds + " fds needs at least "
                + messages + " bytes of data (" + Sys.SCM_MAX_FD + " fds per message). Received " + bytes);
    }

    private static InvalidArgumentException invalidFd(int fd) {
        return new InvalidArgumentException("ERR_INVALID_FD", "The \"fds\" argument must hold open file descriptors. Received " + fd);
    }

    static InvalidArgumentException nullChunk() {
        return new InvalidArgumentException("ERR_STREAM_NULL_VALUES", "May not write null values to stream");
    }

    /** A string chunk's bytes in a Node encoding (utf8 when null). */
    static byte[] encode(String data, String encoding) {
        if (data == null) throw nullChunk();
        if (encoding == null || "utf8".equalsIgnoreCase(encoding)) return data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // A socket does not decode strings (decodeStrings: false), so node's handleWriteReq sees
        // the string with encoding 'buffer' and its writeBuffer refuses a non-buffer.
        if ("buffer".equals(encoding)) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "Second argument must be a buffer");
        return StringDecoder.encode(data, encoding);
    }

    // ---- net.js glue under the Writable

    /** Node's {@code Socket.prototype._writeGeneric}: one request to the handle, or held while connecting. */
    private void writeGeneric(WriteRequest req, List<WriteRequest> reqs, Consumer<Throwable> cb) {
        if (connecting) {
            connector().pendingData = req != null ? List.of(req) : reqs;
            Consumer<Object> onClose = ignored -> cb.accept(new USocketException(
                    "ERR_SOCKET_CLOSED_BEFORE_CONNECTION", "Socket closed before the connection was established"));
            // On 'connected' (usocket's event right after 'connect', where connect callbacks go,
            // decisions D1): Node runs this after the connect callback too.
            once("connected", () -> {
                off("close", onClose);
                writeGeneric(req, reqs, cb);
            });
            once("close", onClose);
            return;
        }
        if (connector != null) connector.pendingData = null;
        if (fd < 0 || destroyed) {
            cb.accept(new USocketException("ERR_SOCKET_CLOSED", "Socket is closed"));
            return;
        }
        touch(); // net.js _writeGeneric: _unrefTimer, before the write
        int status = writer().write(req, reqs, cb);
        // Node's afterWriteDispatched: a write the kernel took at once completes synchronously.
        if (status == SocketWriter.DONE) cb.accept(null);
        else if (status < 0) cb.accept(USocketException.system(-status, "write", null));
    }

    /** Node's {@code Socket.prototype._final}: a shutdown request, once connected. */
    private void final_(Consumer<Throwable> cb) {
        // Node's this.pending: no handle yet, or connecting.
        if (connecting || fd < 0) {
            once("connected", () -> final_(cb));
            return;
        }
        writer().shutdown(() -> cb.accept(null));
    }

    /** Node's WritableState and functions for this socket, with net.js's hooks. */
    final class SocketWritable extends Writable<WriteRequest> {
        SocketWritable(long highWaterMark) {
            super(highWaterMark);
        }

        @Override
        protected void _write(WriteRequest chunk, Consumer<Throwable> cb) {
            writeGeneric(chunk, null, cb);
        }

        @Override
        protected void _writev(List<WriteRequest> chunks, Consumer<Throwable> cb) {
            writeGeneric(null, chunks, cb);
        }

        @Override
        protected void _final(Consumer<Throwable> cb) {
            final_(cb);
        }

        @Override
        protected void emit(String event) {
            USocket.this.emit(event);
        }

        @Override
        protected void nextTick(Runnable r) {
            loop.nextTick(r);
        }

        @Override
        protected void errorOrDestroy(Throwable err, boolean sync) {
            // net.Socket has autoDestroy: destroy(err) (ignored once destroyed). The socket's
            // flag, not this Writable's: Node's undestroy (connect() after destroy) revives the
            // one state object, so a write that failed before it still destroys the new
            // connection (node 20: write cb, 'error' ERR_SOCKET_CLOSED, 'close' true).
            if (!USocket.this.destroyed) destroy(err);
        }

        @Override
        protected void autoDestroy() {
            if (reader.readable.endEmitted) destroy();
        }

        @Override
        protected Throwable writeAfterEnd() {
            return new USocketException("ERR_STREAM_WRITE_AFTER_END", "write after end");
        }

        @Override
        protected Throwable streamDestroyed(String method) {
            return new USocketException("ERR_STREAM_DESTROYED", "Cannot call " + method + " after a stream was destroyed");
        }

        @Override
        protected Throwable multipleCallback() {
            return new USocketException("ERR_MULTIPLE_CALLBACK", "Callback called multiple times");
        }

        @Override
        protected Throwable alreadyFinished(String method) {
            return new USocketException("ERR_STREAM_ALREADY_FINISHED", "Cannot call " + method + " after a stream was finished");
        }
    }

    /**
     * Ends the writable side once queued writes are sent. Node: {@code socket.end()}.
     *
     * @return this socket
     */
    public USocket end() {
        return end((Message) null, (Consumer<Throwable>) null);
    }

    /**
     * Node: {@code socket.end(cb)}: {@code cb} runs at {@code 'finish'}.
     *
     * @param cb called once done
     * @return this socket
     */
    public USocket end(Runnable cb) {
        return end((Message) null, Callbacks.of(cb));
    }

    /**
     * Node: {@code socket.end(cb)}; {@code cb} gets null or the error.
     *
     * @param cb called once done, with null, or with the error
     * @return this socket
     */
    public USocket end(Consumer<Throwable> cb) {
        return end((Message) null, cb);
    }

    /**
     * Writes {@code data}, then ends. Node: {@code socket.end(data)}.
     *
     * @param data the bytes to send
     * @return this socket
     */
    public USocket end(byte[] data) {
        return end(Message.of(data), (Consumer<Throwable>) null);
    }

    /**
     * Node: {@code socket.end(data, cb)}.
     *
     * @param data the bytes to send
     * @param cb called once done, with null, or with the error
     * @return this socket
     */
    public USocket end(byte[] data, Consumer<Throwable> cb) {
        return end(Message.of(data), cb);
    }

    /**
     * Writes UTF-8 {@code data}, then ends. Node: {@code socket.end(string)}.
     *
     * @param data the text to send
     * @return this socket
     */
    public USocket end(String data) {
        return end(Message.of(encode(data, "utf8")), (Consumer<Throwable>) null);
    }

    /**
     * Node: {@code socket.end(string, cb)}.
     *
     * @param data the text to send
     * @param cb called once done, with null, or with the error
     * @return this socket
     */
    public USocket end(String data, Consumer<Throwable> cb) {
        return end(Message.of(encode(data, "utf8")), cb);
    }

    /**
     * Node: {@code socket.end(string, cb)}, with a callback that ignores the error.
     *
     * @param data the text to send
     * @param cb called once done
     * @return this socket
     */
    public USocket end(String data, Runnable cb) {
        return end(Message.of(encode(data, "utf8")), Callbacks.of(cb));
    }

    /**
     * Node: {@code socket.end(data, cb)}, with a callback that ignores the error.
     *
     * @param data the bytes to send
     * @param cb called once done
     * @return this socket
     */
    public USocket end(byte[] data, Runnable cb) {
        return end(Message.of(data), Callbacks.of(cb));
    }

    /**
     * usocket: {@code socket.end({data, fds}, cb)}, with a callback that ignores the error.
     *
     * @param msg the bytes and fds to send
     * @param cb called once done
     * @return this socket
     */
    public USocket end(Message msg, Runnable cb) {
        return end(msg, Callbacks.of(cb));
    }

    /**
     * Writes a message with fds, then ends. usocket: {@code socket.end({data, fds})}.
     *
     * @param msg the bytes and fds to send
     * @return this socket
     */
    public USocket end(Message msg) {
        return end(msg, (Consumer<Throwable>) null);
    }

    /**
     * Writes {@code msg} (if not null), then ends; {@code cb} runs at {@code 'finish'} with null,
     * or with the error that stopped the socket first. usocket: {@code socket.end({data, fds}, cb)}.
     *
     * @param msg the bytes and fds to send
     * @param cb called once done, with null, or with the error
     * @return this socket
     */
    public USocket end(Message msg, Consumer<Throwable> cb) {
        byte[] data = msg == null || msg.data() == null ? new byte[0] : msg.data();
        int[] fds = msg == null ? null : msg.fds();
        boolean hasChunk = data.length > 0 || (fds != null && fds.length > 0);
        if (hasChunk && fds != null && fds.length > 0) {
            checkOwnFds(data, fds);
            checkOpenFds(fds);
        }
        Thread caller = Thread.currentThread();
        loop.onLoop(() -> endOnLoop(hasChunk, data, fds, cb, Thread.currentThread() == caller));
        return this;
    }

    /** Node's {@code Writable.prototype.end}, with usocket's rule for fds still waiting for bytes. */
    private void endOnLoop(boolean hasChunk, byte[] data, int[] fds, Consumer<Throwable> cb, boolean canThrow) {
        Throwable chunkErr = null;
        if (hasChunk) {
            if (writable.ending || writable.destroyed) {
                WriteRequest req = new WriteRequest(data, fds, null);
                chunkErr = writable.write(req);
            } else {
                writeOnLoop(data, fds, null, false, canThrow);
            }
        }
        if (chunkErr == null && fdsWaiting != null && !writable.ending && !destroyed) {
            failWaitingFds();
            writable.end(null, cb);
            return;
        }
        writable.end(chunkErr, cb);
    }

    /** Fd-only writes that no bytes will ever carry fail with ERR_FDS_WITHOUT_DATA (decisions D10). */
    private void failWaitingFds() {
        USocketException err = new USocketException("ERR_FDS_WITHOUT_DATA",
                "The socket ended while fds written without data were waiting for bytes to carry them");
        List<WriteRequest> failed = fdsWaiting;
        fdsWaiting = null;
        loop.nextTick(() -> {
            for (WriteRequest r : failed) r.complete(err);
        });
        destroy(err);
    }

    /** Holds writes back until {@link #uncork()} so they leave in one sendmsg. Node: {@code socket.cork()}. */
    public void cork() {
        loop.onLoop(() -> writable.cork());
    }

    /** Node: {@code socket.uncork()}. */
    public void uncork() {
        loop.onLoop(() -> writable.uncork());
    }

    // ---- destroying ----

    /**
     * Node: {@code socket.destroy()}: closes at once; {@code 'close'(false)} in the loop's closing phase.
     *
     * @return this socket
     */
    public USocket destroy() {
        return destroy(null);
    }

    /**
     * Closes the descriptor at once; {@code 'error'(err)} (when not null) comes on the next tick,
     * {@code 'close'(err != null)} in the loop's closing phase, after this turn's I/O and
     * immediates, as libuv's close callback. Writes not yet sent fail; queued received fds are
     * closed (decisions D14). A second destroy is ignored. Node: {@code socket.destroy(err)}.
     *
     * @param err the error to emit, or null for none
     * @return this socket
     */
    public USocket destroy(Throwable err) {
        if (loop.isLoopThread()) destroyNow(err);
        else loop.onLoop(() -> destroyNow(err));
        return this;
    }

    private void destroyNow(Throwable err) {
        if (destroyed) return;
        // Node's Writable.destroy: buffered writes and end() callbacks fail on the next tick.
        if (writable.hasPendingCallbacks() || fdsWaiting != null) loop.nextTick(this::errorBuffer);
        // destroy.js checkError: the first error is the stream's error.
        if (err != null && writable.errored == null) writable.errored = err;
        destroyed = true;
        writable.destroyed = true;
        destroyNet(err);
    }

    private void errorBuffer() {
        writable.errorBuffer();
        if (fdsWaiting != null) {
            List<WriteRequest> failed = fdsWaiting;
            fdsWaiting = null;
            Throwable e = writable.errored != null ? writable.errored : writable.streamDestroyed("write");
            for (WriteRequest r : failed) r.complete(e);
        }
    }

    /** Node's {@code Socket.prototype._destroy}: close the handle ('close' from its close callback), then the error, then the server. */
    private void destroyNet(Throwable err) {
        connecting = false;
        if (idleTimeout != null) idleTimeout.clear();
        boolean hadError = err != null;
        if (hasHandle) {
            hasHandle = false;
            Consumer<Throwable> inFlight = writer == null ? null : writer.close();
            releaseFd();
            reader.destroy();
            // libuv's uv_close: the close callback runs in this turn's closing phase.
            // libuv's uv__finish_close: uv__stream_destroy runs the cancelled write's callback
            // (and node's afterWrite then fails the writes buffered behind it) before the close
            // callback: their callbacks come before 'close'.
            loop.closing(() -> {
                if (inFlight != null) {
                    inFlight.accept(writable.errored != null ? writable.errored
                            : writable.streamDestroyed("write"));
                }
                emit("close", hadError);
            });
            loop.nextTick(() -> emitErrorCloseNT(err));
        } else {
            reader.destroy();
            loop.nextTick(() -> emitErrorCloseNT(err));
            // Node's emitCloseNT for a socket that never had a handle: 'close' with no argument.
            loop.nextTick(() -> emit("close"));
        }
        // After the error is queued: Node emits the server's 'close' (when this was its last
        // connection) after the connection's 'error'.
        if (server != null) {
            // Counted out once: a socket connect() revives later is no longer the server's.
            UServer s = server;
            server = null;
            s.connectionClosed();
        }
    }

    /**
     * destroy.js's emitErrorCloseNT / emitCloseNT, the tick after destroy: the error (if any),
     * then closeEmitted (net.Socket emits its own 'close' from the handle's close callback), after
     * which the Readable emits no more 'data' or 'end'.
     */
    private void emitErrorCloseNT(Throwable err) {
        if (err != null) emitErrorNT(err);
        // Not for a socket connect() revived in between: its new connection has not closed (Node
        // marks it closed all the same, so it never ends: an intended difference, docs/differences.md).
        if (destroyed) reader.readable.closeEmitted = true;
    }

    /** destroy.js emitErrorNT: one 'error' per stream. */
    private void emitErrorNT(Throwable err) {
        if (writable.errorEmitted) return;
        writable.errorEmitted = true;
        emit("error", err);
    }

    /**
     * {@link #destroy()} for try-with-resources, safe from any thread: returns once the descriptor
     * is closed (on the loop's thread at once; from another thread after the loop has run it).
     * {@code 'close'}(false) follows on the loop. Never throws (decisions D51).
     * Node equivalent: {@code socket.destroy()}.
     */
    @Override
    public void close() {
        LoopThreads.runAndWait(loop, this::destroy);
    }

    private void releaseFd() {
        if (fd < 0) return;
        // Out of epoll before the close (ioClose): another reference to the socket may outlive ours.
        loop.ioClose(io, fd);
        UnixSockets.close(fd);
        fd = -1;
        io.setActive(false);
        io.setRequests(false);
        loop.removeHandle(io);
    }

    // ---- state ----

    /**
     * {@code "opening"}, {@code "open"}, {@code "readOnly"}, {@code "writeOnly"} or {@code "closed"}. Node: {@code socket.readyState}.
     *
     * @return {@code "opening"}, {@code "open"}, {@code "readOnly"}, {@code "writeOnly"} or {@code "closed"}
     */
    public String readyState() {
        if (connecting) return "opening";
        boolean r = reader.readable();
        boolean w = writable.writable();
        if (r && w) return "open";
        if (r) return "readOnly";
        if (w) return "writeOnly";
        return "closed";
    }

    /**
     * Node: {@code socket.destroyed}.
     *
     * @return whether the socket was destroyed
     */
    public boolean destroyed() {
        return destroyed;
    }

    /**
     * Node: {@code socket.connecting}.
     *
     * @return whether a connect is in progress
     */
    public boolean connecting() {
        return connecting;
    }

    /**
     * Bytes received. Node: {@code socket.bytesRead}.
     *
     * @return the number of bytes received so far
     */
    public long bytesRead() {
        return reader.bytesRead;
    }

    /**
     * Bytes accepted by {@code write()}/{@code end()}, sent or still buffered. Node: {@code socket.bytesWritten}.
     *
     * @return the number of bytes written so far
     */
    public long bytesWritten() {
        // Node's bytesWritten: bytes dispatched to the handle plus those still buffered or held
        // while connecting, i.e. everything write() and end() accepted.
        SocketWriter w = writer;
        SocketConnector c = connector;
        // The buffer's chunks are walked only where the loop owns them; off its thread the
        // buffered length is the snapshot (decisions D20), which differs only inside errorBuffer.
        long buffered = loop.inEventLoop() ? writable.bufferedBytes() : writable.bufferedLength();
        return (w == null ? 0 : w.dispatched) + buffered + (c == null ? 0 : c.pendingLength());
    }

    /**
     * Buffered received bytes. Node: {@code socket.readableLength}.
     *
     * @return the number of bytes buffered for reading
     */
    public int readableLength() {
        // Kept as int for the API; the buffer counts in long (bounded by maxPendingBytes).
        return (int) Math.min(reader.buffer.length(), Integer.MAX_VALUE);
    }

    /**
     * Received fds waiting in the queue for {@code read(size, count)}.
     *
     * @return how many received fds wait for {@code read(size, count)}
     */
    public int queuedFds() {
        return reader.fdCount();
    }

    /**
     * Bytes written and not yet handed to the kernel. Node: {@code socket.writableLength}.
     *
     * @return the number of bytes buffered for writing
     */
    public long writableLength() {
        return writable.length;
    }

    /**
     * Node: {@code socket.writableEnded}.
     *
     * @return whether {@code end()} was called
     */
    public boolean writableEnded() {
        return writable.ending;
    }

    /**
     * Node: {@code socket.writableNeedDrain}: a write returned false and {@code 'drain'} has not come yet.
     *
     * @return whether a write returned false and {@code 'drain'} has not come yet
     */
    public boolean writableNeedDrain() {
        return writable.writableNeedDrain();
    }

    /**
     * Node: {@code socket.writableHighWaterMark}.
     *
     * @return the write buffer's high-water mark, in bytes
     */
    public int writableHighWaterMark() {
        return (int) writable.highWaterMark;
    }

    /**
     * Node: {@code socket.readableHighWaterMark} (raised by reads larger than it).
     *
     * @return the read buffer's high-water mark, in bytes
     */
    public int readableHighWaterMark() {
        return reader.readable.highWaterMark;
    }

    /**
     * Node: {@code socket.readableFlowing}: null (no consumer yet), true (flowing) or false (paused).
     *
     * @return {@code null} until a consumer chose a mode, then whether the socket flows ({@code 'data'})
     */
    public Boolean readableFlowing() {
        return reader.readable.flowing;
    }

    /**
     * Node: {@code socket.writableFinished}.
     *
     * @return whether {@code 'finish'} was emitted
     */
    public boolean writableFinished() {
        return writable.finished;
    }

    /**
     * Node: {@code socket.readableEnded}.
     *
     * @return whether {@code 'end'} was emitted
     */
    public boolean readableEnded() {
        return reader.readable.endEmitted;
    }

    /**
     * Node: {@code socket.allowHalfOpen}.
     *
     * @return whether the writable side stays open after the peer's EOF
     */
    public boolean allowHalfOpen() {
        return allowHalfOpen;
    }

    /**
     * The path this socket connected to, or null. Node: {@code socket.remoteAddress} is undefined for pipes.
     *
     * @return the socket file's path
     */
    public String path() {
        return path;
    }

    /**
     * Emits {@code 'timeout'} after {@code ms} without activity (0 turns it off); the socket is
     * not closed. {@code cb}, if given, is a once-listener of {@code 'timeout'}. Node:
     * {@code socket.setTimeout(ms, cb)}.
     *
     * @param ms milliseconds
     * @param cb called once done
     * @return the timer, which can clear it
     */
    public USocket setTimeout(long ms, Runnable cb) {
        // Node's getTimerDuration: negative is out of range, above 2^31-1 is truncated (decisions D23).
        if (ms < 0) {
            throw new InvalidArgumentException("ERR_OUT_OF_RANGE",
                    "The value of \"msecs\" is out of range. It must be a non-negative finite number. Received " + ms);
        }
        if (ms > EventLoop.TIMEOUT_MAX) {
            EventLoop.warn("TimeoutOverflowWarning", ms + " does not fit into a 32-bit signed integer.\nTimer duration was truncated to " + EventLoop.TIMEOUT_MAX + ".");
            ms = EventLoop.TIMEOUT_MAX;
        }
        long msecs = ms;
        if (cb != null) once("timeout", cb);
        loop.onLoop(() -> {
            if (idleTimeout == null) idleTimeout = new IdleTimeout(this);
            idleTimeout.set(msecs);
        });
        return this;
    }

    /**
     * As {@link #setTimeout(long, Runnable)} without a callback.
     *
     * @param ms milliseconds
     * @return the timer, which can clear it
     */
    public USocket setTimeout(long ms) {
        return setTimeout(ms, null);
    }

    /**
     * Keeps {@link EventLoop#run()} from returning while this socket is open (default). Node: {@code socket.ref()}.
     *
     * @return this socket
     */
    public USocket ref() {
        io.setRef(true);
        return this;
    }

    /**
     * Lets {@link EventLoop#run()} return while this socket is still open. Node: {@code socket.unref()}.
     *
     * @return this socket
     */
    public USocket unref() {
        io.setRef(false);
        return this;
    }


    private void checkLoopThread(String what) {
        if (!loop.inEventLoop()) {
            throw new InvalidStateException("ERR_WRONG_THREAD", what + "() must be called on the event loop's thread");
        }
    }
}
