package io.usocket.examples;

import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Privilege separation across two processes: a supervisor opens a file that nobody else can
 * open, and hands the open descriptor to a worker process over a control socket. The worker can
 * use exactly what it was given and nothing more. (The same move hands a listening socket or a
 * log file to a freshly started worker for a zero-downtime restart.)
 *
 * <p>Run from the repository root:
 * {@code mvn -B -q test-compile exec:java -Dexec.mainClass=io.usocket.examples.FdServerExample}.
 * The supervisor starts the worker itself ({@code FdServerExample worker <control socket>}).
 */
public final class FdServerExample {
    private FdServerExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("worker")) worker(args[1]);
        else supervisor();
    }

    static void supervisor() throws Exception {
        Path dir = Files.createTempDirectory("usocket-supervisor");
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "api-token=s3cr3t\n");
        int secretFd = Fds.open(secret);
        // With the name gone, the open descriptor is the only way to the file: whoever reads it
        // was handed it. (A real supervisor would open a root-only file, then spawn an
        // unprivileged worker.)
        Files.delete(secret);

        EventLoop loop = EventLoop.create();
        UServer control = new UServer(loop);
        String path = dir.resolve("control.sock").toString();
        List<Process> workers = new ArrayList<>();
        control.listen(path, () -> {
            System.out.println("supervisor: listening on " + path + ", starting a worker");
            workers.add(startWorker(path));
        });
        control.on(UServer.CONNECTION, worker -> {
            control.close(); // one worker is all this demo serves
            // The kernel holds its own reference while the fd is in flight: once the write is
            // done, the supervisor's copy can go.
            worker.write(new Message("secret".getBytes(StandardCharsets.UTF_8), secretFd),
                    err -> Fds.close(secretFd));
            worker.setEncoding("utf8");
            worker.on(USocket.TEXT, reply -> System.out.println("supervisor: worker says: " + reply));
        });
        loop.run();
        loop.close();
        System.out.println("supervisor: worker exited with " + workers.get(0).waitFor());
        Files.delete(dir); // the control socket file went with control.close()
    }

    static void worker(String path) {
        EventLoop loop = EventLoop.create();
        USocket control = new USocket(loop, path);
        control.on(USocket.CONNECTED, () -> System.out.println("worker: connected to the supervisor"));
        control.on(USocket.READABLE, () -> {
            Message msg = control.read(6, 1); // "secret" and the fd that came with it
            if (msg == null) return;
            int fd = msg.fds()[0];
            try {
                System.out.println("worker: got fd " + fd + " -> " + Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
                try (BufferedReader in = new BufferedReader(new InputStreamReader(Fds.toInputStream(fd), StandardCharsets.UTF_8))) {
                    String line = in.readLine();
                    System.out.println("worker: read through it: " + line);
                    control.end("thanks, " + line.length() + " characters received");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        loop.run();
        loop.close();
    }

    private static Process startWorker(String path) {
        List<String> cmd = JavaCommand.of(FdServerExample.class, "worker", path);
        try {
            return new ProcessBuilder(cmd)
                    .inheritIO()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
