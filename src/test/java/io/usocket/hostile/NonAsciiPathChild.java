package io.usocket.hostile;

import io.usocket.EventLoop;
import io.usocket.UServer;
import io.usocket.USocket;

import java.nio.charset.StandardCharsets;

/**
 * Child JVM of {@link NonAsciiSocketPathTest}, started under {@code LC_ALL=C}. argv: DIR.
 * Prints its {@code sun.jnu.encoding}, then serves one echo round trip on
 * {@code DIR/}{@link NonAsciiSocketPathTest#NAME} (which holds a stale socket file), closes,
 * listens and serves again, closes; then the same on an abstract name. Prints one line per step.
 */
public final class NonAsciiPathChild {
    private NonAsciiPathChild() {
    }

    public static void main(String[] args) {
        // Not from argv, not through Path: under LC_ALL=C the JDK can carry this name neither way.
        String path = args[0] + "/" + NonAsciiSocketPathTest.NAME;
        System.out.println("jnu " + System.getProperty("sun.jnu.encoding"));
        for (int round = 1; round <= 2; round++) {
            System.out.println(serveOnce(path, round));
        }
        // An abstract name with the same characters: UTF-8 too, and no file anywhere.
        System.out.println(serveOnce("\0usocket-test-" + ProcessHandle.current().pid() + "-" + NonAsciiSocketPathTest.NAME, 3));
        System.out.flush();
        System.exit(0);
    }

    /** One listen / connect / echo / close round on {@code path}; returns what happened. */
    private static String serveOnce(String path, int round) {
        StringBuilder out = new StringBuilder("round " + round + ":");
        try (EventLoop loop = EventLoop.create()) {
            UServer server = new UServer(loop);
            server.on("error", (Throwable e) -> out.append(" server error ").append(e.getMessage()));
            server.on("connection", (USocket s) -> {
                s.on("data", (byte[] d) -> s.end(d));
            });
            server.listen(path, () -> {
                out.append(" listening");
                USocket client = new USocket(loop);
                client.on("error", (Throwable e) -> out.append(" client error ").append(e.getMessage()));
                client.on("data", (byte[] d) -> out.append(" echo ").append(new String(d, StandardCharsets.UTF_8)));
                client.on("close", (Boolean hadError) -> server.close());
                client.connect(path, () -> client.end("ping"));
            });
            server.on("close", () -> out.append(" closed"));
            loop.run();
        }
        return out.toString();
    }
}
