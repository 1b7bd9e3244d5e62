package io.usocket;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Node's promise APIs as {@link CompletableFuture}s: {@code events.once},
 * {@code stream.finished}, and the callback methods of sockets and servers promisified
 * ({@code util.promisify(socket.write)}, {@code server.listen}, ...) (decisions D52).
 *
 * <p>Every future here completes on the loop's thread, so dependent stages made with
 * {@code thenApply}/{@code thenAccept} run there too, like code after an {@code await} runs on
 * Node's thread: keep them short and non-blocking, or use the {@code ...Async} forms. Waiting with
 * {@code join()}/{@code get()} is for other threads: on the loop's thread (or while no thread runs
 * the loop, when nothing could complete it) an unfinished future throws
 * {@code ERR_BLOCKING_ON_LOOP_THREAD} instead of hanging; a wait from another thread ends with
 * {@code ERR_LOOP_CLOSED} / {@code ERR_LOOP_STOPPED} (the future failed with it) if the loop
 * closes or stops before completing it (decisions D55).
 *
 * <p>Failures are the same errors the callbacks and {@code 'error'} listeners get
 * ({@link USocketException} with Node's {@code code()}). A future's listener handles the
 * {@code 'error'} it completes with, as Node's {@code events.once} does: that error is not
 * uncaught.
 *
 * <p>Node equivalent: {@code require('events').once}, {@code require('stream/promises').finished},
 * {@code util.promisify}.
 */
public final class Promises {
    private Promises() {
    }

    // ---- events.once ----

    /**
     * A future completed with the first argument of the next {@code name} event (null when it has
     * none), or exceptionally with the argument of an {@code 'error'} emitted before it. With
     * {@code name} {@code "error"}, it completes normally with the error. Both listeners are
     * removed when it settles, or when it is cancelled. An event emitted before this call is not
     * seen. Node equivalent: {@code await events.once(emitter, name)} (which resolves with the
     * array of arguments; Java's listeners take one).
     *
     * @param <T> the type of the event's first argument
     * @param emitter the emitter to listen to
     * @param name the event's name
     * @return the future
     */
    @SuppressWarnings("unchecked")
    public static <T> CompletableFuture<T> once(EventEmitter emitter, String name) {
        if (emitter == null || name == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"emitter\" and \"name\" arguments must not be null");
        }
        CompletableFuture<T> f = future(emitter);
        Consumer<Object> onEvent = arg -> f.complete((T) arg);
        if ("error".equals(name)) {
            emitter.once(name, onEvent);
            f.whenComplete((v, e) -> emitter.off(name, onEvent));
            return f;
        }
        Consumer<Object> onError = err -> f.completeExceptionally(asThrowable(err));
        emitter.once("error", onError);
        emitter.once(name, onEvent);
        // Whichever fires first, the other listener goes: a later 'error' must reach the user's
        // listeners (or be uncaught) as if this future had never listened.
        f.whenComplete((v, e) -> {
            emitter.off(name, onEvent);
            emitter.off("error", onError);
        });
        return f;
    }

    /**
     * {@link #once(EventEmitter, String)} with a typed key: {@code Promises.once(server, UServer.CONNECTION)} is a {@code CompletableFuture<USocket>}.
     *
     * @param <T> the payload type
     * @param emitter the emitter to listen to
     * @param event the event's key
     * @return the future
     */
    public static <T> CompletableFuture<T> once(EventEmitter emitter, Event<T> event) {
        event.checkEmitter(emitter);
        return once(emitter, event.name());
    }

    // ---- stream.finished ----

    /**
     * A future completed once the socket is done with both sides, its readable side ended
     * ({@code 'end'}) and its writable side finished ({@code 'finish'}); exceptionally with the
     * socket's {@code 'error'}, or with {@code ERR_STREAM_PREMATURE_CLOSE} when it closes before
     * both (a {@code destroy()} without error, say). A socket already closed when this is called
     * completes (next tick) normally if both sides had finished, else with
     * {@code ERR_STREAM_PREMATURE_CLOSE}. Node equivalent: {@code stream.finished(socket)}
     * ({@code require('stream/promises').finished}).
     *
     * @param socket the socket to watch
     * @return the future
     */
    public static CompletableFuture<Void> finished(USocket socket) {
        CompletableFuture<Void> f = future(socket);
        EventLoop loop = socket.loop;
        loop.onLoop(() -> new Finished(socket, f).start());
        return f;
    }

    /** Node's end-of-stream for a duplex: both sides, the first error, or a premature close. */
    private static final class Finished {
        private final USocket socket;
        private final CompletableFuture<Void> f;
        private final Runnable onEnd = this::check;
        private final Runnable onFinish = this::check;
        private final Consumer<Throwable> onError;
        private final Runnable onClose = this::closed;

        Finished(USocket socket, CompletableFuture<Void> f) {
            this.socket = socket;
            this.f = f;
            this.onError = f::completeExceptionally;
        }

        /** On the loop. */
        void start() {
            if (socket.readableEnded() && socket.writableFinished()) {
                socket.loop.nextTick(() -> f.complete(null));
                return;
            }
            socket.on(USocket.END, onEnd);
            socket.on(USocket.FINISH, onFinish);
            socket.on(USocket.ERROR, onError);
            socket.on(USocket.CLOSE, onClose);
            f.whenComplete((v, e) -> {
                socket.off(USocket.END, onEnd);
                socket.off(USocket.FINISH, onFinish);
                socket.off(USocket.ERROR, onError);
                socket.off(USocket.CLOSE, onClose);
            });
            // A destroyed socket has queued its 'error' and 'close' on the tick queue already, so they
            // reach the listeners above before this tick; when nothing settled the future, its 'close'
            // went out before this call.
            if (socket.destroyed()) socket.loop.nextTick(this::closed);
        }

        private void check() {
            if (socket.readableEnded() && socket.writableFinished()) f.complete(null);
        }

        private void closed() {
            check();
            if (!f.isDone()) f.completeExceptionally(new USocketException("ERR_STREAM_PREMATURE_CLOSE", "Premature close"));
        }
    }

    // ---- sockets ----

    /**
     * Connects {@code socket} to {@code path}; completes with the socket at {@code 'connect'}, or
     * exceptionally with the connect error ({@code ENOENT}, {@code ECONNREFUSED}, ...). Node
     * equivalent: {@code socket.connect(path); await events.once(socket, 'connect')}.
     *
     * @param socket the socket to connect
     * @param path the path of the unix socket to connect to
     * @return a future of {@code socket}, once connected
     */
    public static CompletableFuture<USocket> connect(USocket socket, String path) {
        CompletableFuture<Void> connected = once(socket, USocket.CONNECT);
        try {
            socket.connect(path);
        } catch (RuntimeException e) {
            connected.cancel(false);   // removes the listeners
            throw e;
        }
        return connected.thenApply(v -> socket);
    }

    /**
     * A new socket on {@code loop} connected to {@code path}: {@link #connect(USocket, String)}. Node: {@code net.connect(path)}.
     *
     * @param loop the loop the new socket runs on
     * @param path the path of the unix socket to connect to
     * @return a future of the new socket, once connected
     */
    public static CompletableFuture<USocket> connect(EventLoop loop, String path) {
        return connect(new USocket(loop), path);
    }

    /**
     * Completes once {@code data} is handed to the kernel, exceptionally with the write's error
     * ({@code EPIPE}, {@code ECONNRESET}, {@code write after end}, ...). Node equivalent:
     * {@code util.promisify(socket.write).call(socket, data)}.
     *
     * @param socket the socket to write to
     * @param data the bytes to write
     * @return the future
     */
    public static CompletableFuture<Void> write(USocket socket, byte[] data) {
        CompletableFuture<Void> f = future(socket);
        socket.write(data, callback(f));
        return f;
    }

    /**
     * {@link #write(USocket, byte[])} of UTF-8 text. Node: {@code promisify(socket.write)(string)}.
     *
     * @param socket the socket to write to
     * @param data the text to write
     * @return the future
     */
    public static CompletableFuture<Void> write(USocket socket, String data) {
        CompletableFuture<Void> f = future(socket);
        socket.write(data, callback(f));
        return f;
    }

    /**
     * {@link #write(USocket, byte[])} of bytes and fds; the fds are yours again once it completes. usocket: {@code write({data, fds, callback})}.
     *
     * @param socket the socket to write to
     * @param msg the bytes and fds to write
     * @return the future
     */
    public static CompletableFuture<Void> write(USocket socket, Message msg) {
        CompletableFuture<Void> f = future(socket);
        socket.write(msg, callback(f));
        return f;
    }

    /**
     * Ends the writable side; completes at {@code 'finish'} (everything written is in the kernel),
     * exceptionally with the error that stopped the socket first. Node equivalent:
     * {@code util.promisify(socket.end).call(socket)}.
     *
     * @param socket the socket to end
     * @return the future
     */
    public static CompletableFuture<Void> end(USocket socket) {
        CompletableFuture<Void> f = future(socket);
        socket.end(callback(f));
        return f;
    }

    /**
     * Writes {@code msg} (bytes and fds), then ends: {@link #end(USocket)}. usocket: {@code socket.end({data, fds}, cb)}.
     *
     * @param socket the socket to end
     * @param msg the last bytes and fds to write
     * @return the future
     */
    public static CompletableFuture<Void> end(USocket socket, Message msg) {
        CompletableFuture<Void> f = future(socket);
        socket.end(msg, callback(f));
        return f;
    }

    // ---- servers ----

    /**
     * Listens on {@code path}; completes with the server at {@code 'listening'}, exceptionally
     * with the listen error ({@code EADDRINUSE}, ...). Node equivalent:
     * {@code server.listen(path); await events.once(server, 'listening')}.
     *
     * @param server the server to start
     * @param path the path to listen on
     * @return a future of {@code server}, once listening
     */
    public static CompletableFuture<UServer> listen(UServer server, String path) {
        return listen(server, new ListenOptions().path(path));
    }

    /**
     * {@link #listen(UServer, String)} with options (path, fd, backlog, modes).
     *
     * @param server the server to start
     * @param options where and how to listen
     * @return a future of {@code server}, once listening
     */
    public static CompletableFuture<UServer> listen(UServer server, ListenOptions options) {
        CompletableFuture<Void> listening = once(server, UServer.LISTENING);
        try {
            server.listen(options);
        } catch (RuntimeException e) {
            listening.cancel(false);
            throw e;
        }
        return listening.thenApply(v -> server);
    }

    /**
     * Closes the server; completes at its {@code 'close'} (after its last connection closed),
     * exceptionally with {@code ERR_SERVER_NOT_RUNNING} when it was not listening. Node
     * equivalent: {@code util.promisify(server.close).call(server)}.
     *
     * @param server the server to close
     * @return the future
     */
    public static CompletableFuture<Void> close(UServer server) {
        CompletableFuture<Void> f = future(server);
        server.close(callback(f));
        return f;
    }

    // ---- helpers ----

    private static <T> CompletableFuture<T> future(EventEmitter emitter) {
        EventLoop loop = LoopThreads.loopOf(emitter);
        return loop == null ? new CompletableFuture<>() : new LoopFuture<>(loop);
    }

    private static Consumer<Throwable> callback(CompletableFuture<Void> f) {
        return err -> {
            if (err == null) f.complete(null);
            else f.completeExceptionally(err);
        };
    }

    private static Throwable asThrowable(Object err) {
        if (err instanceof Throwable t) return t;
        return new USocketException("ERR_UNHANDLED_ERROR", "Unhandled error. (" + err + ")");
    }
}
