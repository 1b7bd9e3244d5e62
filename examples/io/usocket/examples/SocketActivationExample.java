package io.usocket.examples;

import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.ListenOptions;
import io.usocket.Message;
import io.usocket.SocketActivation;
import io.usocket.SocketActivation.ListenFd;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Socket activation: {@code systemd-socket-activate} (or systemd with a .socket unit) binds the
 * socket, waits for the first client, then starts the service with the listening socket as fd 3.
 * The service finds it with {@link SocketActivation#listenFds()} and serves it with
 * {@code listen(new ListenOptions().fd(fd))}; the client that woke it is waiting in the backlog.
 *
 * <p>Run from the repository root (needs {@code systemd-socket-activate}, Debian package
 * {@code systemd}):
 * {@code mvn -B -q test-compile exec:java -Dexec.mainClass=io.usocket.examples.SocketActivationExample}.
 * It starts {@code systemd-socket-activate -l <dir>/echo.sock --fdname=echo java ...
 * SocketActivationExample serve}, connects, and swaps a message and a descriptor with the
 * service it woke up. Under a real systemd the service half alone is the unit's {@code ExecStart}.
 */
public final class SocketActivationExample {
    private SocketActivationExample() {
    }

    /** No arguments: starts the activator and is the client; {@code serve}: the activated service. */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("serve")) serve(SocketActivation.listenFds());
        else launchAndConnect();
    }

    /**
     * The service: serves the fd named {@code echo}, one client. It reads the file behind the fd
     * the client sent, then answers with a descriptor of its own: a pipe it wrote into.
     */
    public static void serve(List<ListenFd> fds) {
        ListenFd echo = fds.stream().filter(l -> l.name().equals("echo")).findFirst()
                .orElseThrow(() -> new IllegalStateException("not socket-activated with an fd named 'echo': " + fds));
        for (ListenFd other : fds) if (other != echo) Fds.close(other.fd()); // not ours to serve: the fds are ours to close
        EventLoop loop = EventLoop.create();
        UServer server = new UServer(loop);
        server.listen(new ListenOptions().fd(echo.fd()), () -> System.out.println("service: serving fd " + echo.fd() + " (" + echo.name() + ")"));
        server.on("connection", (USocket client) -> {
            server.close(); // one client is all this demo serves
            client.on("readable", () -> {
                Message msg = client.read(5, 1); // "hello" and the fd that came with it
                if (msg == null) return;
                int theirs = msg.fds()[0];
                String text;
                try (InputStream in = Fds.toInputStream(theirs)) { // the stream now owns (and closes) the fd
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                System.out.println("service: client sent '" + new String(msg.data(), StandardCharsets.UTF_8) + "' and an fd to a file saying '" + text + "'");
                int[] pipe = Fds.pipe();
                try (OutputStream out = Fds.toOutputStream(pipe[1])) {
                    out.write(("written by the activated service, pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                client.end(new Message("thanks".getBytes(StandardCharsets.UTF_8), pipe[0]), err -> Fds.close(pipe[0]));
            });
        });
        loop.run();
        loop.close();
    }

    /** The client side: starts the socket activator, connects (which starts the service), swaps bytes and fds. */
    static void launchAndConnect() throws Exception {
        Path dir = Files.createTempDirectory("usocket-activation");
        Path socket = dir.resolve("echo.sock");
        Path note = dir.resolve("note.txt");
        Files.writeString(note, "a note from the client\n");
        List<String> cmd = new ArrayList<>(List.of("systemd-socket-activate", "-l", socket.toString(), "--fdname=echo"));
        cmd.addAll(JavaCommand.of(SocketActivationExample.class, "serve"));
        // The activator reports on stderr ("Listening on ..."); the service's stdout is shared with ours.
        Process activator = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(socket)) {
            if (!activator.isAlive()) throw new IllegalStateException("systemd-socket-activate exited with " + activator.exitValue());
            if (System.nanoTime() > deadline) throw new IllegalStateException("systemd-socket-activate did not bind " + socket);
            Thread.sleep(10); // an example has no Awaitility; a bounded poll of the file system
        }
        System.out.println("client: " + socket.getFileName() + " exists (bound by systemd-socket-activate); connecting wakes the service");
        EventLoop loop = EventLoop.create();
        USocket client = new USocket(loop, socket.toString());
        int noteFd = Fds.open(note);
        client.write(new Message("hello".getBytes(StandardCharsets.UTF_8), noteFd), err -> Fds.close(noteFd));
        List<String> got = new ArrayList<>();
        client.on("fds", (int[] fds) -> {
            try (InputStream in = Fds.toInputStream(fds[0])) {
                got.add(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        StringBuilder reply = new StringBuilder();
        client.on("data", (byte[] d) -> reply.append(new String(d, StandardCharsets.UTF_8)));
        client.on("end", () -> System.out.println("client: service replied '" + reply + "' and an fd to a pipe saying '" + String.join("", got) + "'"));
        loop.run();
        loop.close();
        System.out.println("client: service exited with " + activator.waitFor());
        Files.delete(socket); // the activator does not unlink what it bound
        Files.delete(note);
        Files.delete(dir);
    }
}
