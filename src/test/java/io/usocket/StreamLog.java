package io.usocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Records the events of the byte-stream tests as lines in Node's ground-truth style
 * ({@code "S end [rs=writeOnly]"}), and sets up a connected server/client pair.
 *
 * <p>Only touched on the loop thread (or by the test thread after {@code loop.run()} returned).
 */
final class StreamLog {
    final List<String> lines = new ArrayList<>();

    void log(String line) {
        lines.add(line);
    }

    /** Records {@code events} of {@code s} as {@code "tag event [arg]"}, with the readyState when {@code withState}. */
    void trace(USocket s, String tag, boolean withState, String... events) {
        for (String ev : events) {
            s.on(ev, (Object a) -> {
                StringBuilder b = new StringBuilder(tag).append(' ').append(ev);
                if (a != null) b.append(' ').append("close".equals(ev) ? "hadError=" + a : str(a));
                if (withState) b.append(" [rs=").append(s.readyState()).append(" destroyed=").append(s.destroyed()).append(']');
                lines.add(b.toString());
            });
        }
    }

    /** The recorded lines that start with {@code tag + " "}. */
    List<String> of(String tag) {
        List<String> out = new ArrayList<>();
        for (String l : lines) if (l.startsWith(tag + " ")) out.add(l);
        return out;
    }

    /** A short rendering: byte[] and String quoted, errors as their code (or message), null as "null". */
    static String str(Object o) {
        if (o == null) return "null";
        if (o instanceof byte[] b) return '"' + new String(b, StandardCharsets.ISO_8859_1) + '"';
        if (o instanceof String s) return '"' + s + '"';
        if (o instanceof Throwable t) return code(t);
        return String.valueOf(o);
    }

    static String code(Throwable t) {
        if (t == null) return "null";
        if (t instanceof CodedError c && c.code() != null) return c.code();
        return t.getMessage();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Listens on {@code path}, connects a client once listening and calls {@code onPair(server side,
     * client)} once the server emitted {@code 'connection'} and the client {@code 'connect'} (in
     * whichever order they come). The server is closed right after it accepted, so the loop ends
     * once both sockets are closed.
     */
    static UServer pair(EventLoop loop, String path, SocketOptions serverOpts, SocketOptions clientOpts,
                        BiConsumer<USocket, USocket> onPair) {
        UServer server = new UServer(loop, serverOpts);
        USocket[] ends = new USocket[2];
        Runnable both = () -> {
            if (ends[0] != null && ends[1] != null && !ends[1].connecting()) onPair.accept(ends[0], ends[1]);
        };
        server.listen(path, () -> {
            ends[1] = new USocket(loop, clientOpts.path(path));
            ends[1].once("connect", both);
        });
        server.on("connection", (USocket s) -> {
            server.close();
            ends[0] = s;
            both.run();
        });
        return server;
    }

    static UServer pair(EventLoop loop, String path, BiConsumer<USocket, USocket> onPair) {
        return pair(loop, path, new SocketOptions(), new SocketOptions(), onPair);
    }

    /** One echo round trip, so that the classes (and the jars they come from) are loaded before fds are counted. */
    static void warmUp(Path dir) {
        try (EventLoop loop = EventLoop.create()) {
            pair(loop, dir.resolve("warm.sock").toString(), (s, c) -> {
                s.pipe(s);
                c.setEncoding("utf8");
                c.on("data", (Object d) -> { });
                c.write("77", "hex", err -> { });
                c.end("warm");
            });
            loop.run();
        }
    }
}
