package io.usocket.interop;

import io.usocket.CodedError;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.USocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Java sender of the frame protocol: each message is one {@code write(Message)} whose fds are
 * fresh read-only temp files, closed in the write's callback (decisions D14: the caller's until then);
 * then {@code end()}. A message marked {@code !} waits for the receiver's ack byte. Call
 * {@link #start()} on the loop thread.
 */
final class FrameSender {
    /** {@code "write I ok"} / {@code "write I CODE"} per callback, then {@code "end ok"}: in callback order. */
    final List<String> results = Collections.synchronizedList(new ArrayList<>());
    private final USocket socket;
    private final InteropScenario scenario;
    private final Path dir;
    private int acks;
    private int synced;
    private int next = -1;

    FrameSender(USocket socket, InteropScenario scenario, Path dir) {
        this.socket = socket;
        this.scenario = scenario;
        this.dir = dir;
    }

    /** What {@link #results} holds when every write went out. */
    List<String> expectedResults() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < scenario.msgs.size(); i++) out.add("write " + i + " ok");
        out.add("end ok");
        return out;
    }

    void start() {
        socket.on("data", (byte[] d) -> {
            acks += d.length;
            if (next >= 0 && acks >= synced) {
                int from = next;
                next = -1;
                writeFrom(from);
            }
        });
        writeFrom(0);
    }

    private void writeFrom(int first) {
        for (int i = first; i < scenario.msgs.size(); i++) {
            InteropScenario.Msg m = scenario.msgs.get(i);
            int[] fds = openFds(i, m.nfds());
            int idx = i;
            Consumer<Throwable> cb = err -> {
                results.add("write " + idx + " " + outcome(err));
                for (int fd : fds) Fds.close(fd);
            };
            if (fds.length > 0) socket.write(new Message(scenario.frame(i), fds), cb);
            else socket.write(scenario.frame(i), cb);
            if (m.sync() && acks < ++synced) {
                next = i + 1;
                return;
            }
        }
        socket.end(err -> results.add("end " + outcome(err)));
    }

    private int[] openFds(int i, int n) {
        int[] fds = new int[n];
        try {
            Files.createDirectories(dir);
            for (int j = 0; j < n; j++) {
                Path p = Files.write(dir.resolve("java-" + i + "-" + j), InteropScenario.content(i, j));
                fds[j] = Fds.open(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    static String outcome(Throwable err) {
        if (err == null) return "ok";
        return err instanceof CodedError c ? c.code() : err.toString();
    }
}
