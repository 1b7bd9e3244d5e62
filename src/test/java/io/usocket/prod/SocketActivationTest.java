package io.usocket.prod;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.ChildProcess;
import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Message;
import io.usocket.SocketTestKit;
import io.usocket.USocket;
import io.usocket.examples.SocketActivationExample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link io.usocket.SocketActivation} against the real {@code systemd-socket-activate}: it binds
 * two sockets, starts a JVM with them as fds 3 and 4 once a client connects, and the client
 * swaps bytes and a descriptor with the service that took the fd named {@code echo}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketActivationTest {
    static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(90));
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    @Test
    void aServiceStartedBySystemdSocketActivateServesTheFdNamedEchoAndSwapsBytesAndFds() {
        ChildProcess.require(ChildProcess.probe("systemd-socket-activate", "systemd-socket-activate", "--version"));
        String echo = kit.path("echo.sock");
        String admin = kit.path("admin.sock");
        List<String> cmd = new ArrayList<>(List.of("systemd-socket-activate", "-l", echo, "-l", admin, "--fdname=echo:admin"));
        cmd.addAll(ChildProcess.javaCommand(ActivatedServerMain.class));
        ChildProcess service = kit.closeWithKit(ChildProcess.start("activated", kit.dir(), cmd));
        await("systemd-socket-activate binds " + echo).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(Path.of(echo)) && Files.exists(Path.of(admin)));

        // Connecting is what starts the service: until it accepts, the connection waits in the backlog.
        int noteFd = new ContentFiles(kit.dir()).open("a note from the client\n");
        USocket client = new USocket(loop, echo);
        client.write(new Message("hello".getBytes(StandardCharsets.UTF_8), noteFd), err -> {
            log.add("written" + (err == null ? "" : " " + err));
            io.usocket.Fds.close(noteFd);
        });
        client.on("fds", (int[] fds) -> log.add("fds " + fds.length + " says " + new String(ContentFiles.drainAndClose(fds[0]), StandardCharsets.UTF_8).trim()));
        client.on("data", (byte[] d) -> log.add("data " + new String(d, StandardCharsets.UTF_8)));
        client.on("end", () -> log.add("end"));
        client.on("close", (Boolean hadError) -> log.add("close " + hadError));
        kit.run();

        long pid = service.process.pid(); // systemd-socket-activate execs the service in place
        assertEquals("pid=" + pid, service.nextLine(Duration.ofSeconds(60)));
        assertEquals("fds=[3:echo, 4:admin]", service.nextLine(Duration.ofSeconds(5)));
        assertEquals("cloexec=[true, true]", service.nextLine(Duration.ofSeconds(5)));
        assertEquals("again=[]", service.nextLine(Duration.ofSeconds(5)), "the fds are handed out once");
        assertEquals("libc env: LISTEN_PID=null LISTEN_FDS=null LISTEN_FDNAMES=null", service.nextLine(Duration.ofSeconds(5)));
        assertEquals("java snapshot: LISTEN_FDS=2", service.nextLine(Duration.ofSeconds(5)), "Java's own copy cannot change");
        assertEquals("child of a plain ProcessBuilder: LISTEN_FDS=unset", service.nextLine(Duration.ofSeconds(30)),
                "an untouched ProcessBuilder passes libc's environment");
        assertEquals("child of a ProcessBuilder with an environment: LISTEN_FDS=2", service.nextLine(Duration.ofSeconds(30)),
                "environment() is a copy of Java's snapshot");
        assertEquals("child of a scrubbed ProcessBuilder: LISTEN_FDS=unset", service.nextLine(Duration.ofSeconds(30)));
        assertEquals("service: serving fd 3 (echo)", service.nextLine(Duration.ofSeconds(30)));
        assertEquals("service: client sent 'hello' and an fd to a file saying 'a note from the client'", service.nextLine(Duration.ofSeconds(30)));
        ChildProcess.Result result = service.finish(Duration.ofSeconds(30));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(), result.stdout());

        assertEquals(List.of("written", "fds 1 says written by the activated service, pid " + pid, "data thanks", "end", "close false"),
                log.all());
    }

    /** The README's command: the example starts systemd-socket-activate and is the client itself. */
    @Test
    void theExampleRunsWithOneCommand() throws Exception {
        ChildProcess.require(ChildProcess.probe("systemd-socket-activate", "systemd-socket-activate", "--version"));
        ChildProcess example = kit.closeWithKit(ChildProcess.start("example", kit.dir(), ChildProcess.javaCommand(SocketActivationExample.class)));
        ChildProcess.Result result = example.finish(Duration.ofSeconds(90));
        assertEquals(0, result.exitCode(), result.stderr());
        List<String> lines = result.stdout();
        // two processes print to one file: each one's lines are in order, not the two interleaved
        List<String> client = lines.stream().filter(l -> l.startsWith("client: ")).toList();
        List<String> service = lines.stream().filter(l -> l.startsWith("service: ")).toList();
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertEquals("client: echo.sock exists (bound by systemd-socket-activate); connecting wakes the service", client.get(0));
        assertEquals(true, client.get(1).matches("client: service replied 'thanks' and an fd to a pipe saying 'written by the activated service, pid \\d+'"), client.get(1));
        assertEquals("client: service exited with 0", client.get(2));
        assertEquals(List.of("service: serving fd 3 (echo)", "service: client sent 'hello' and an fd to a file saying 'a note from the client'"), service);
    }
}
