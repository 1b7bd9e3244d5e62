package io.usocket.interop;

import io.usocket.ChildProcess;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How an interop test meets its peer program on a {@link SocketTestKit}: the peer listens and our
 * client connects, or our server takes the peer's one connection. Sockets are traced into the
 * kit's log ({@code connect}, {@code end}, {@code finish}, {@code close(hadError)},
 * {@code error CODE}); peers are closed (killed if still running) with the kit.
 */
final class PeerSetup {
    /** How long a peer may take to print a line or to exit. */
    static final Duration EXIT = Duration.ofSeconds(10);
    /** An interop test's guard: its loop is closed if still running after this, with GUARD in the kit's log. */
    static final Duration GUARD = Duration.ofSeconds(20);

    private PeerSetup() {
    }

    /** Records {@code s}'s connect, end, finish, close and error as {@code "<tag> <event>"}. */
    static void trace(SocketTestKit h, USocket s, String tag) {
        h.log.trace(s, tag, "connect", "end", "finish", "close", "error");
    }

    /** Starts a peer that listens, closed with the kit, and waits for its {@code listening} line. */
    static ChildProcess listeningPeer(SocketTestKit h, String name, Path dir, List<String> command) {
        ChildProcess peer = h.closeWithKit(ChildProcess.start(name, dir, command));
        peer.awaitLine("listening", EXIT);
        return peer;
    }

    /** Our client connecting to {@code path}, traced as {@code C}. */
    static USocket client(SocketTestKit h, String path) {
        USocket client = new USocket(h.loop(), path);
        trace(h, client, "C");
        return client;
    }

    /**
     * Our server on {@code path} ({@code 'error'} traced as {@code server}); once it listens it
     * starts the peer with {@code startPeer} (closed with the kit). Its one connection is traced as
     * {@code S} and handed to {@code onConnection}, then the server closes. Holds the peer once
     * started.
     */
    static AtomicReference<ChildProcess> serveOnePeer(SocketTestKit h, String path, Consumer<USocket> onConnection,
                                                      Supplier<ChildProcess> startPeer) {
        AtomicReference<ChildProcess> peer = new AtomicReference<>();
        UServer server = new UServer(h.loop());
        h.log.trace(server, "server", "error");
        server.on("connection", (USocket s) -> {
            trace(h, s, "S");
            onConnection.accept(s);
            server.close();
        });
        server.listen(path, () -> peer.set(h.closeWithKit(startPeer.get())));
        return peer;
    }
}
