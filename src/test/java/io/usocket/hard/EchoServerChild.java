package io.usocket.hard;

import io.usocket.EventLoop;
import io.usocket.UServer;
import io.usocket.USocket;

/**
 * A server process for {@link ServerRestartTest}: listens on {@code args[0]} with this library,
 * prints {@code listening}, then {@code connection} for each client it accepts, and echoes what
 * each client sends. It runs until killed, so a SIGKILL leaves its socket file behind.
 */
public final class EchoServerChild {
    private EchoServerChild() {
    }

    public static void main(String[] args) {
        EventLoop loop = EventLoop.create();
        UServer server = new UServer(loop);
        server.on("connection", (USocket s) -> {
            System.out.println("connection");
            System.out.flush();
            s.on("data", (byte[] d) -> s.write(d));
        });
        server.on("error", (Throwable e) -> {
            System.out.println("error " + e.getMessage());
            System.exit(2);
        });
        server.listen(args[0], () -> {
            System.out.println("listening");
            System.out.flush();
        });
        loop.run();
    }
}
