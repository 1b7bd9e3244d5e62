package io.usocket;

import io.usocket.internal.sys.Environ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Zero-downtime hand-over of listening sockets from a running process to its replacement (what
 * HAProxy's {@code expose-fd listeners} and Envoy's hot restart do). The old process calls
 * {@link #serve}: it offers its servers' listening sockets on a control socket. The new process
 * calls {@link #take}: it connects there, receives the listening sockets as fds and starts
 * accepting on them; then the old one closes its copies and finishes the connections it already
 * accepted, and its loop ends.
 *
 * <p>No connection is refused or lost on the way (decisions D44): the kernel keeps one queue of
 * pending connections per listening socket, shared by every process holding a descriptor of it,
 * and the socket (and its file) stays bound as long as one of them is open. The old process
 * stops calling accept ({@link UServer#pause()}) before it sends the fds, so from then on every
 * new connection waits in that queue; it closes its copies only once the new process says it is
 * accepting, so at no moment is nobody holding the socket. A taker that goes away before that
 * changes nothing: the old process resumes accepting.
 *
 * <p>The control protocol is three lines: old to new {@code "usocket-handover 1 fds=N\n"} with
 * the N fds, new to old {@code "accepting\n"}, old to new {@code "done\n"}. Only a process of
 * the same user may take the sockets unless {@link #takers} says otherwise (checked with
 * {@link UServer#verifyPeer}). Node has no equivalent.
 *
 * <p>Events of the old side's object: {@code listening} (the control socket is ready),
 * {@code handover} (the new process accepts; our copies are closed), {@code abort} (a taker
 * went away before it was accepting; serving resumed), {@code error} ({@link USocketException}:
 * the control socket could not listen).
 */
public final class HandOver extends EventEmitter {
    static final String HELLO = "usocket-handover 1 fds=";
    static final String ACCEPTING = "accepting";
    static final String DONE = "done";

    private final List<UServer> servers;
    private final UServer control;
    private volatile Predicate<PeerCredentials> takers;
    /** The taker being served (loop thread), null when none. */
    private USocket taker;
    private boolean handedOver;

    private HandOver(String controlPath, List<UServer> servers) {
        this.servers = List.copyOf(servers);
        EventLoop loop = sameLoop(this.servers);
        int uid = Environ.uid();
        this.takers = c -> c.uid() == uid;
        this.control = new UServer(loop).verifyPeer(c -> takers.test(c));
        control.on("connection", this::onTaker);
        control.on("listening", () -> emit("listening"));
        control.on("error", (USocketException e) -> emit("error", e));
        control.listen(controlPath);
    }

    /**
     * The old process's half: offers {@code servers}' listening sockets on a new control socket
     * at {@code controlPath}, on the servers' loop. Serving goes on as usual until a process
     * calls {@link #take} there; after the hand-over the servers and the control socket are
     * closed (the servers' socket files are left in place: the new process serves them) and the
     * servers emit {@code 'close'} once their open connections have ended. Any thread.
     *
     * @param controlPath the path of the control socket to create
     * @param servers the listening servers to offer, sharing one loop
     * @return the old side's object, for its events and {@link #close()}
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_VALUE} for no servers, or servers on different loops
     */
    public static HandOver serve(String controlPath, UServer... servers) {
        return serve(controlPath, List.of(servers));
    }

    /**
     * {@link #serve(String, UServer...)} with a list: the fds go over in this order.
     *
     * @param controlPath the path of the control socket to create
     * @param servers the listening servers to offer, sharing one loop
     * @return the old side's object, for its events and {@link #close()}
     */
    public static HandOver serve(String controlPath, List<UServer> servers) {
        if (controlPath == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"controlPath\" argument must be of type string. Received null");
        return new HandOver(controlPath, servers);
    }

    /**
     * Who may take the sockets, decided from the connecting process's credentials; default: a
     * process of this process's user id. Any thread.
     *
     * @param check true for the credentials of a process that may take the sockets
     * @return this object
     */
    public HandOver takers(Predicate<PeerCredentials> check) {
        if (check == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"check\" argument must be a Predicate. Received null");
        this.takers = check;
        return this;
    }

    /** Stops offering: closes the control socket; a hand-over under way is aborted (serving resumes). Any thread. */
    public void close() {
        control.close();
        control.loop.onLoop(() -> {
            if (taker != null) taker.destroy();
        });
    }

    /**
     * The control socket's path (as given).
     *
     * @return the control socket's path
     */
    public String controlPath() {
        return control.address();
    }

    private void onTaker(USocket s) {
        // A taker that resets or goes away must not throw an unhandled 'error' into the loop that
        // serves production traffic; its 'close' says what happened.
        s.on("error", (USocketException e) -> { });
        if (taker != null || handedOver) {
            s.end("refused: a hand-over is under way\n");
            return;
        }
        int[] fds = new int[servers.size()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = servers.get(i).listeningFd();
            if (fds[i] < 0) {
                s.end("refused: server " + i + " is not listening\n");
                return;
            }
        }
        taker = s;
        // Stop accepting first: from here on new connections wait in the kernel's queue, which the
        // taker's copies share, and nothing we accept is half-way when the taker starts.
        for (UServer server : servers) server.pause();
        s.write(new Message((HELLO + fds.length + "\n").getBytes(StandardCharsets.US_ASCII), fds));
        StringBuilder in = new StringBuilder();
        s.on("data", (byte[] d) -> {
            in.append(new String(d, StandardCharsets.US_ASCII));
            if (taker == s && in.indexOf(ACCEPTING + "\n") >= 0) handedOver(s);
        });
        s.on("close", () -> {
            if (taker == s) aborted();
        });
    }

    private void handedOver(USocket s) {
        taker = null;
        handedOver = true;
        for (UServer server : servers) {
            server.keepSocketFile();
            server.close(); // our copy only: the taker's keeps the socket and its queue
        }
        control.close();
        emit("handover"); // before 'done' goes out: the taker hears of it only after our listeners ran
        s.end(DONE + "\n");
    }

    private void aborted() {
        taker = null;
        for (UServer server : servers) server.resume();
        emit("abort");
    }

    private static EventLoop sameLoop(List<UServer> servers) {
        if (servers.isEmpty()) throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE", "At least one server is needed");
        EventLoop loop = servers.get(0).loop;
        for (UServer s : servers) {
            if (s == null || s.loop != loop) throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE", "The servers must be non-null and share one loop");
        }
        return loop;
    }

    // ---- the new process's half ----

    /**
     * {@link #take(String, List, Consumer)} for one server.
     *
     * @param controlPath the path of the old process's control socket
     * @param server the new, not listening server to serve the received socket
     * @param cb runs once on the server's loop: with null on success, else with the error
     */
    public static void take(String controlPath, UServer server, Consumer<Throwable> cb) {
        take(controlPath, List.of(server), cb);
    }

    /**
     * The new process's half: connects to the control socket of a process that called
     * {@link #serve}, receives its listening sockets and makes {@code servers} (new, not
     * listening, in the order the old process listed its own) serve them, as
     * {@code listen(new ListenOptions().fd(fd))} does: they emit {@code 'listening'} and accept
     * from then on. {@code cb} runs once on the servers' loop: with null once the old process has
     * closed its copies (or went away after this one was accepting), or with the error
     * ({@code ERR_HANDOVER}, or the connect error such as {@code ENOENT}); after an error no
     * server listens and every received fd is closed. Any thread.
     *
     * @param controlPath the path of the old process's control socket
     * @param servers the new, not listening servers to serve the received sockets, sharing one loop
     * @param cb runs once on the servers' loop: with null on success, else with the error
     */
    public static void take(String controlPath, List<UServer> servers, Consumer<Throwable> cb) {
        if (controlPath == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"controlPath\" argument must be of type string. Received null");
        if (cb == null) throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE", "The \"cb\" argument must be a Consumer. Received null");
        List<UServer> list = List.copyOf(servers);
        EventLoop loop = sameLoop(list);
        for (UServer s : list) {
            if (s.listening()) throw new InvalidStateException("ERR_SERVER_ALREADY_LISTEN", "A server taking over must not be listening yet");
        }
        loop.onLoop(() -> new HandOverTaker(loop, controlPath, list, cb).start());
    }

    static USocketException error(String message) {
        return new USocketException("ERR_HANDOVER", message);
    }

    /** The state of one {@link #take}, on its loop's thread. */
    private static final class HandOverTaker {
        private final EventLoop loop;
        private final String controlPath;
        private final List<UServer> servers;
        private final Consumer<Throwable> cb;
        private final List<Integer> received = new ArrayList<>();
        private final StringBuilder in = new StringBuilder();
        /** How many servers listen on their fd (they own it from then on). */
        private int listening;
        private boolean helloSeen;
        private boolean acceptingSent;
        private boolean finished;
        private USocket control;

        HandOverTaker(EventLoop loop, String controlPath, List<UServer> servers, Consumer<Throwable> cb) {
            this.loop = loop;
            this.controlPath = controlPath;
            this.servers = servers;
            this.cb = cb;
        }

        void start() {
            control = new USocket(loop);
            control.on("fds", (int[] fds) -> {
                for (int fd : fds) {
                    if (finished || helloSeen) Fds.close(fd); // more than was announced: not ours to keep
                    else received.add(fd);
                }
            });
            control.on("data", (byte[] d) -> {
                in.append(new String(d, StandardCharsets.US_ASCII));
                int nl;
                while (!finished && (nl = in.indexOf("\n")) >= 0) {
                    String line = in.substring(0, nl);
                    in.delete(0, nl + 1);
                    onLine(line);
                }
            });
            control.on("error", (USocketException e) -> fail(e));
            control.on("close", () -> {
                if (acceptingSent) finish(null); // the old process went away, but we serve already
                else fail(error("The control connection to " + controlPath + " closed before the hand-over"));
            });
            control.connect(controlPath);
        }

        private void onLine(String line) {
            if (!helloSeen) {
                helloSeen = true;
                if (line.startsWith("refused: ")) {
                    fail(error("The old process refused the hand-over: " + line.substring(9)));
                } else if (!line.startsWith(HELLO)) {
                    fail(error("Not a usocket hand-over control socket: " + controlPath + " said '" + line + "'"));
                } else if (!line.equals(HELLO + servers.size()) || received.size() != servers.size()) {
                    fail(error("The old process handed over " + received.size() + " fds (" + line + ") for "
                            + servers.size() + " servers"));
                } else {
                    listenAll();
                }
            } else if (line.equals(DONE) && acceptingSent) {
                finish(null);
            } else {
                fail(error("Unexpected line on the control connection: '" + line + "'"));
            }
        }

        private void listenAll() {
            for (int i = 0; i < servers.size(); i++) {
                UServer server = servers.get(i);
                int index = i;
                Consumer<USocketException> onError = this::fail;
                server.once("error", onError);
                server.listen(new ListenOptions().fd(received.get(i)), () -> {
                    server.off("error", onError);
                    received.set(index, -1); // the server owns it now
                    if (++listening == servers.size() && !finished) {
                        acceptingSent = true;
                        control.write(ACCEPTING + "\n");
                    }
                });
            }
        }

        private void fail(Throwable err) {
            if (finished) return;
            if (acceptingSent) { // we serve whatever the old process says now
                finish(null);
                return;
            }
            finished = true;
            for (int i = 0; i < received.size() && i < servers.size(); i++) {
                // A server that took its fd closes it; one whose listen failed left it to us.
                int fd = received.get(i);
                UServer server = servers.get(i);
                if (fd >= 0 && server.listeningFd() == fd) {
                    server.close();
                    received.set(i, -1);
                } else if (fd < 0) {
                    server.close();
                }
            }
            closeUnowned();
            control.destroy();
            cb.accept(err);
        }

        private void finish(Throwable err) {
            if (finished) return;
            finished = true;
            closeUnowned();
            control.destroy();
            cb.accept(err);
        }

        /** Closes the received fds no server took. */
        private void closeUnowned() {
            for (int i = 0; i < received.size(); i++) {
                int fd = received.get(i);
                if (fd >= 0) Fds.close(fd);
                received.set(i, -1);
            }
        }
    }
}
