package io.usocket.hard;

import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.USocket;

import java.nio.file.Path;

/**
 * The receiving side of {@link BadInputCatalogueTest}'s {@code ERR_FDS_TRUNCATED} case, run as a
 * child JVM under a low {@code ulimit -n}: connects to {@code args[0]} and prints each error as
 * {@code 'error' <fields>} (paths under {@code args[1]} shown as {@code <dir>}) and the close as
 * {@code close(<hadError>)}.
 */
public final class TruncationChild {
    private TruncationChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[1]);
        EventLoop loop = EventLoop.create();
        // Load the classes the error path needs now: with the fd table full, no class file can be opened.
        EventLog.describe(new io.usocket.USocketException("ERR_WARM_UP", "warm-up"), dir);
        USocket socket = new USocket(loop, args[0]);
        socket.on("error", (Throwable e) -> System.out.println("'error' " + EventLog.describe(e, dir)));
        socket.on("close", (Boolean hadError) -> System.out.println("close(" + hadError + ")"));
        loop.run();
        loop.close();
        System.out.flush();
    }
}
