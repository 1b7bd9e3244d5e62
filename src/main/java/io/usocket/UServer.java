package io.usocket;

import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixAddress;
import io.usocket.internal.sys.UnixPaths;
import io.usocket.internal.sys.UnixSockets;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A unix-domain socket server whose connections can pass file descriptors: Node's
 * {@code net.Server} with usocket's names.
 *
 * <p>Events: {@code listening}, {@code connection} ({@link USocket}), {@code error}
 * ({@link USocketException}), {@code close}, {@code drop}.
 *
 * <p>Thread rule (decisions D20): on the loop's thread (or before the loop runs) calls act at
 * once; from another thread {@code listen}, {@code close}, {@code pause}, {@code resume},
 * {@code getConnections}, {@code ref} and {@code unref} check their arguments there and are
 * handed to the loop. {@code listen} on a closed loop throws {@code ERR_LOOP_CLOSED} (D22).
 */
public class UServer extends EventEmitter implements AutoCloseable {
    // ---- typed event keys (decisions D50): the string names keep working ----

    /** {@code 'listening'}: bound and listening. Node: {@code server.on('listening')}. */
    public static final Event<Void> LISTENING = Event.of(UServer.class, "LISTENING", "listening", Void.class, false);
    /** {@code 'connection'}: an accepted socket. Node: {@code server.on('connection', (socket) => ...)}. */
    public static final Event<USocket> CONNECTION = Event.of(UServer.class, "CONNECTION", "connection", USocket.class, false);
    /** {@code 'error'}: a {@link USocketException} (listen or accept failed). Node: {@code server.on('error')}. */
    public static final Event<Throwable> ERROR = Event.of(UServer.class, "ERROR", "error", Throwable.class, false);
    /** {@code 'close'}: closed, and its last connection closed. Node: {@code server.on('close')}. */
    public static final Event<Void> CLOSE = Event.of(UServer.class, "CLOSE", "close", Void.class, false);
    /** {@code 'drop'}: a connection over {@link #maxConnections} was accepted and closed. Node: {@code server.on('drop')}. */
    public static final Event<Void> DROP = Event.of(UServer.class, "DROP", "drop", Void.class, false);

    private static final int BACKOFF_MS = 100;

    final EventLoop loop;
    private final SocketOptions connectionOptions;
    /**
     * Open accepted connections: a count, as Node's {@code _connections}, rather than a set of
     * them, which cost every idle connection a slot of a hash table (decisions D90). Each socket
     * counts itself out once, at its destroy (USocket's {@code server}).
     */
    private int connections;
    private final IoHandle io;
    private int fd = -1;
    private String path;
    /** The socket file is ours to unlink at close (a path we bound; not an abstract name). */
    private boolean ownsFile;
    private volatile boolean listening;
    private boolean paused;
    private boolean backingOff;
    private volatile int maxConnections;
    /** Installed by verifyPeer; null: every peer is accepted (decisions D41). */
    private volatile PeerVerifier peerVerifier;
    /** The last connection's peer credentials, which the next one from the same peer shares (decisions D91). Loop thread. */
    private PeerCredentials lastPeer;

    /** A server on the default loop. Node: {@code net.createServer()}. */
    public UServer() {
        this(EventLoop.getDefault());
    }

    /**
     * A server on {@code loop}.
     *
     * @param loop the event loop the object runs on
     */
    public UServer(EventLoop loop) {
        this(loop, new SocketOptions());
    }

    /**
     * A server whose accepted sockets take {@code allowHalfOpen}, the high-water marks and the
     * pending-fd limits from {@code connectionOptions}, copied now (later changes to the object do
     * not reach the server). {@code path} and {@code fd} are refused: an accepted socket is
     * connected at birth on its own fd (decisions D59; node ignores options it does not know).
     * Node: {@code net.createServer({allowHalfOpen})}.
     *
     * @param loop the event loop the object runs on
     * @param connectionOptions options for each accepted socket
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} for null,
     *                                  {@code ERR_INVALID_ARG_VALUE} when a {@code path} or an {@code fd} is set
     */
    public UServer(EventLoop loop, SocketOptions connectionOptions) {
        if (loop == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"loop\" argument must be an EventLoop. Received null");
        this.connectionOptions = SocketOptions.forAccepted(connectionOptions);
        this.loop = loop;
        this.io = new IoHandle(loop) {
            @Override
            void onIo(int ops) {
                acceptAll();
            }

            @Override
            void forceClose() {
                releaseFd();
            }
        };
    }

    /**
     * Node: {@code server.listen(path)}.
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @return this server
     */
    public UServer listen(String path) {
        return listen(new ListenOptions().path(path), null);
    }

    /**
     * Node: {@code server.listen(path, cb)}: {@code cb} is a once-listener of {@code 'listening'}.
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @param cb called once done
     * @return this server
     */
    public UServer listen(String path, Runnable cb) {
        return listen(new ListenOptions().path(path), cb);
    }

    /**
     * Node: {@code server.listen({path, backlog, readableAll, writableAll})}.
     *
     * @param options the options
     * @return this server
     */
    public UServer listen(ListenOptions options) {
        return listen(options, null);
    }

    /**
     * Starts listening. {@link #listening()} is true at once; {@code 'listening'} (and {@code cb})
     * or {@code 'error'} come on the next tick. A stale socket file (nobody accepts on it) is
     * replaced; a live one or any other file gives {@code EADDRINUSE} and is left alone (decisions D4).
     *
     * @throws InvalidStateException {@code ERR_SERVER_ALREADY_LISTEN} when already listening
     * @param options the options
     * @param cb called once done
     * @return this server
     */
    public UServer listen(ListenOptions options, Runnable cb) {
        if (options == null || (options.path == null && options.fd < 0)) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE", "The argument 'options' must have the property \"path\" or \"fd\". Received null");
        }
        if (options.path != null && options.path.startsWith("\0") && (options.readableAll || options.writableAll)) {
            // Node's listenInCluster check (the typo is Node's message, kept for equality).
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE",
                    "The argument 'options' can not set readableAll or writableAllt to true when path is abstract unix socket. Received { path: '"
                            + options.path.replace("\0", "\\x00") + "'" + (options.readableAll ? ", readableAll: true" : "")
                            + (options.writableAll ? ", writableAll: true" : "") + " }");
        }
        synchronized (this) {
            if (listening) {
                throw new InvalidStateException("ERR_SERVER_ALREADY_LISTEN", "Listen method has been called more than once without closing.");
            }
            loop.checkOpen();
            listening = true;
        }
        if (cb != null) once("listening", cb);
        loop.onLoop(() -> bindAndListen(options));
        return this;
    }

    private void bindAndListen(ListenOptions options) {
        if (options.fd >= 0) {
            listenOnFd(options.fd, options.backlog);
            return;
        }
        path = options.path;
        UnixAddress addr = UnixAddress.of(path);
        if (addr == null) {
            fail(Errno.EINVAL);
            return;
        }
        int opened = UnixSockets.open();
        if (opened < 0) {
            fail(-opened);
            return;
        }
        fd = opened;
        loop.addHandle(io);
        int err = UnixSockets.bind(fd, addr);
        if (err == Errno.EADDRINUSE && !addr.isAbstract && isStaleSocket(addr)) {
            UnixPaths.unlink(path);
            err = UnixSockets.bind(fd, addr);
        }
        // libuv's uv_pipe_bind reports ENOENT (a missing directory) as EACCES, so node does too.
        if (err == Errno.ENOENT) err = Errno.EACCES;
        if (err == 0) err = UnixSockets.listen(fd, options.backlog);
        if (err != 0) {
            fail(err);
            return;
        }
        ownsFile = !addr.isAbstract;
        if (ownsFile && (options.readableAll || options.writableAll)) {
            // libuv's uv_pipe_chmod: adds read/write for everyone to the file's mode, removes nothing
            int mode = fileMode(path) | (options.readableAll ? 0444 : 0) | (options.writableAll ? 0222 : 0);
            UnixPaths.chmod(path, mode);
        }
        updateWatch();
        io.setActive(true);
        loop.nextTick(this::emitListening);
    }

    /** Node's emitListeningNT: nothing once the server was closed meanwhile. */
    private void emitListening() {
        if (fd >= 0) emit("listening");
    }

    /**
     * Serves connections from a listening socket this process was handed (inherited, or received
     * as an fd). The file, if any, stays where it is: it is not ours to unlink.
     */
    private void listenOnFd(int lfd, int backlog) {
        path = null;
        int err = UnixSockets.adopt(lfd);
        // Node's createServerHandle asks uv_guess_handle first: a descriptor that is not open
        // is an UNKNOWN handle, refused with EINVAL like any other non-socket.
        if (err == Errno.EBADF) err = Errno.EINVAL;
        // Node's listen({fd}) calls listen(2) on the handle: a bound socket starts listening here
        // (a connected or unbound one gets EINVAL from the kernel).
        if (err == 0 && !UnixSockets.isListening(lfd)) {
            err = UnixSockets.listen(lfd, backlog);
            // Not a socket at all: node reports EINVAL (its handle cannot listen).
            if (err == Errno.ENOTSOCK) err = Errno.EINVAL;
        }
        if (err != 0) {
            fail(err);
            return;
        }
        fd = lfd;
        loop.addHandle(io);
        updateWatch();
        io.setActive(true);
        loop.nextTick(this::emitListening);
    }

    /** The permission bits of the file at {@code path} (0600 if it cannot be read). */
    private static int fileMode(String path) {
        int mode = UnixPaths.mode(path);   // not java.nio: its file-name encoding may differ (decisions D30)
        return mode < 0 ? 0600 : mode & 07777;
    }

    /** A socket file that refuses connections: its server is gone (Node leaves it; decisions D4 reclaims it). */
    private static boolean isStaleSocket(UnixAddress addr) {
        int mode = UnixPaths.mode(addr.path);   // the same bytes as bind and unlink (decisions D30)
        if (mode < 0 || (mode & UnixPaths.S_IFMT) != UnixPaths.S_IFSOCK) return false;
        return UnixSockets.nobodyBound(addr);
    }

    private void fail(int errno) {
        USocketException err = USocketException.system(errno, "listen", path);
        releaseFd();
        listening = false;
        loop.nextTick(() -> emit("error", err));
    }

    /**
     * One connection per readiness report, as node 20 does on a pipe server: a backlog of several
     * clients is accepted over several turns, their other I/O in between (level-triggered epoll
     * reports the listener again while the backlog is not empty).
     */
    private void acceptAll() {
        if (fd >= 0 && !paused) {
            int cfd = UnixSockets.accept(fd);
            if (cfd < 0) {
                int errno = -cfd;
                if (errno == Errno.EAGAIN) return;
                if (errno == Errno.EINTR || errno == Errno.ECONNABORTED) return;
                if (errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM) {
                    backOff();
                    return;
                }
                emit("error", USocketException.system(errno, "accept", path));
                return;
            }
            int max = maxConnections;
            if (max > 0 && connections >= max) {
                UnixSockets.close(cfd);
                emit("drop");
                return;
            }
            PeerCredentials creds = sharedWithLast(PeerCredentials.of(cfd));
            PeerVerifier verifier = peerVerifier;
            if (verifier != null && !verifier.admit(this, cfd, creds)) return;
            USocket socket;
            try {
                socket = new USocket(loop, cfd, this, connectionOptions);
            } catch (RuntimeException e) {
                UnixSockets.close(cfd); // nobody owns it yet: never leak an accepted descriptor
                throw e;
            }
            socket.peerCredentials = creds;
            connections++;
            emit("connection", socket);
        }
    }

    /**
     * The record the last connection got when {@code creds} are the same: connections from one
     * peer process (a client's pool, its reconnections) share one immutable record instead of
     * holding 24 bytes each (decisions D91).
     */
    private PeerCredentials sharedWithLast(PeerCredentials creds) {
        if (creds != null && creds.equals(lastPeer)) return lastPeer;
        lastPeer = creds;
        return creds;
    }

    /** Out of descriptors: leave the pending connections in the backlog and try again shortly. */
    private void backOff() {
        backingOff = true;
        updateWatch();
        loop.setTimeout(() -> {
            backingOff = false;
            updateWatch();
        }, BACKOFF_MS).unref();
    }

    private void updateWatch() {
        if (fd < 0) return;
        boolean want = !paused && !backingOff;
        loop.ioSet(io, fd, want ? Sys.EPOLLIN : 0);
    }

    /** An accepted connection was destroyed (called once per connection). */
    void connectionClosed() {
        connections--;
        emitCloseIfDrained();
    }

    /**
     * Stops accepting connections (they queue in the kernel's backlog). May be called before
     * {@code listen}. usocket: {@code server.pause()}.
     *
     * @return this server
     */
    public UServer pause() {
        loop.onLoop(() -> {
            paused = true;
            updateWatch();
        });
        return this;
    }

    /**
     * Accepts again; queued clients get their {@code 'connection'}. usocket: {@code server.resume()}.
     *
     * @return this server
     */
    public UServer resume() {
        loop.onLoop(() -> {
            paused = false;
            updateWatch();
        });
        return this;
    }

    /**
     * Node: {@code server.close()}; also {@link AutoCloseable#close()} for try-with-resources.
     * Safe from any thread, it returns once the listening descriptor is closed and the socket
     * file unlinked (at once on the loop's thread; from another thread after the loop has run
     * it); accepted connections stay open, as in Node. Never throws (decisions D51).
     */
    @Override
    public void close() {
        LoopThreads.runAndWait(loop, () -> close((Consumer<Throwable>) null));
    }

    /**
     * Node: {@code server.close(cb)}, ignoring the error.
     *
     * @param cb called once done
     * @return this server
     */
    public UServer close(Runnable cb) {
        return close(Callbacks.of(cb));
    }

    /**
     * Stops accepting at once and unlinks the socket file; {@code 'close'} and {@code cb} follow
     * once every accepted connection has closed. Closing a server that is not listening calls
     * {@code cb} with {@code ERR_SERVER_NOT_RUNNING} (decisions D5). Node: {@code server.close(cb)}.
     *
     * @param cb called once done, with null, or with the error
     * @return this server
     */
    public UServer close(Consumer<Throwable> cb) {
        loop.onLoop(() -> {
            if (cb != null) {
                if (fd < 0) {
                    once("close", () -> cb.accept(new USocketException("ERR_SERVER_NOT_RUNNING", "Server is not running.")));
                } else {
                    once("close", () -> cb.accept(null));
                }
            }
            if (fd >= 0) releaseFd();
            listening = false;
            emitCloseIfDrained();
        });
        return this;
    }

    private void emitCloseIfDrained() {
        if (fd >= 0 || connections > 0 || listening) return;
        loop.nextTick(() -> emit("close"));
    }

    private void releaseFd() {
        if (fd < 0) return;
        loop.ioClose(io, fd);
        UnixSockets.close(fd);
        fd = -1;
        if (ownsFile) UnixPaths.unlink(path);
        ownsFile = false;
        io.setActive(false);
        loop.removeHandle(io);
    }

    /**
     * The path (or {@code \0} name) listened on, or null before listen. Node: {@code server.address()}.
     *
     * @return the path the failing call was about; null when none
     */
    public String address() {
        return path;
    }

    /**
     * Node: {@code server.listening}.
     *
     * @return whether the server is listening
     */
    public boolean listening() {
        return listening;
    }

    /**
     * Node: {@code server.getConnections(cb)}: {@code cb(null, count)} on the next tick.
     *
     * @param cb called once done
     */
    public void getConnections(BiConsumer<Throwable, Integer> cb) {
        loop.onLoop(() -> {
            int n = connections;
            loop.nextTick(() -> cb.accept(null, n));
        });
    }

    /**
     * Connections that are open now (loop thread).
     *
     * @return the number of open connections
     */
    public int connectionCount() {
        return connections;
    }

    /**
     * Node: {@code server.maxConnections} (0: no limit).
     *
     * @return the connection limit
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Over this many open connections a new one is accepted and closed at once, with
     * {@code 'drop'}. 0 means no limit. Node: {@code server.maxConnections = n}.
     *
     * @param max the most open connections; more are accepted and closed at once ({@code 'drop'})
     * @return the connection limit
     */
    public UServer maxConnections(int max) {
        this.maxConnections = SocketOptions.positive(max, "maxConnections");
        return this;
    }

    /**
     * Keeps only the connections whose peer passes {@code check}: right after accept, before
     * {@code 'connection'}, the peer's {@link PeerCredentials} (SO_PEERCRED) are given to
     * {@code check}; a connection it refuses is closed at once (the peer reads EOF), counted in
     * {@link #peersRefused()} and announced with {@code 'drop'} (its argument: the refused
     * {@code PeerCredentials}), as Node drops connections over {@code maxConnections}. A peer
     * whose credentials the kernel cannot give is refused without asking {@code check}. A check
     * that throws refuses the connection, then the exception reaches the loop's uncaught-exception
     * handling. {@code null} removes the check. Any thread; it applies to connections accepted
     * afterwards. Node has no equivalent (decisions D41).
     *
     * @param check true for the credentials of a peer to keep; null for no check
     * @return this server
     */
    public UServer verifyPeer(java.util.function.Predicate<PeerCredentials> check) {
        this.peerVerifier = check == null ? null : new PeerVerifier(check);
        return this;
    }

    /**
     * How many connections the current {@link #verifyPeer} check has refused. Any thread.
     *
     * @return the number of refused connections (0 without a check)
     */
    public long peersRefused() {
        PeerVerifier v = peerVerifier;
        return v == null ? 0 : v.refused();
    }

    /** The listening descriptor while listening, else -1 (loop thread): for {@link HandOver}. */
    int listeningFd() {
        return fd;
    }

    /** Closing will not unlink the socket file: another process now serves it (loop thread; decisions D45). */
    void keepSocketFile() {
        ownsFile = false;
    }

    /**
     * Node: {@code server.ref()}.
     *
     * @return this server
     */
    public UServer ref() {
        io.setRef(true);
        return this;
    }

    /**
     * Lets {@link EventLoop#run()} return while this server still listens. Node: {@code server.unref()}.
     *
     * @return this server
     */
    public UServer unref() {
        io.setRef(false);
        return this;
    }
}
