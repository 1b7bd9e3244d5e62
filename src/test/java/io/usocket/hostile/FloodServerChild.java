package io.usocket.hostile;

import io.usocket.EventLoop;
import io.usocket.Message;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;

import java.nio.charset.StandardCharsets;

/**
 * Child JVM of {@link FloodsInAChildJvmLeaveTheProcessServingTest} (started under a low
 * {@code ulimit -n} or a small {@code -Xmx}). argv: PATH MODE. Serves PATH; every connection
 * echoes what it gets, except that {@code "fds?"} is answered with this process's open-fd count.
 * MODE {@code fds}: connections take no fds (a {@code 'data'} listener only). MODE
 * {@code bytes}: each connection waits in {@code read(1, 1)} for an fd that never comes, and does
 * not echo. Prints {@code listening fds=N}, then one line per socket error or close, and
 * {@code OOM} (exit 3) on OutOfMemoryError.
 */
public final class FloodServerChild {
    private FloodServerChild() {
    }

    public static void main(String[] args) {
        String path = args[0];
        boolean bytes = "bytes".equals(args[1]);
        try {
            EventLoop loop = EventLoop.create();
            loop.onUncaughtException(t -> {
                System.out.println("uncaught " + t);
                if (t instanceof OutOfMemoryError) System.exit(3);
            });
            UServer server = new UServer(loop);
            int[] ids = {0};
            server.on("connection", (USocket s) -> {
                int id = ++ids[0];
                s.on("error", (Throwable e) -> say("error " + id + " " + code(e)));
                s.on("close", (Boolean hadError) -> say("close " + id + " " + hadError));
                if (bytes) {
                    s.on("readable", () -> {
                        Message m = s.read(1, 1);
                        if (m != null) say("read " + id + " " + m);
                    });
                } else {
                    s.on("data", (byte[] d) -> {
                        String text = new String(d, StandardCharsets.UTF_8);
                        if (text.equals("fds?")) s.end("fds=" + TestFds.openFdCount());
                        else if (!text.startsWith("x")) s.write(d);
                    });
                    s.on("end", () -> s.end());
                }
            });
            server.listen(path, () -> say("listening fds=" + TestFds.openFdCount()));
            loop.run();
        } catch (OutOfMemoryError e) {
            System.out.println("OOM");
            System.exit(3);
        }
    }

    private static String code(Throwable e) {
        return e instanceof USocketException u ? u.code() : String.valueOf(e);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
