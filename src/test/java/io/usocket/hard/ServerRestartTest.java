package io.usocket.hard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ChildProcess;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.TestFds;
import io.usocket.UServer;
import io.usocket.USocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * decisions D4 against a server in another process ({@link EchoServerChild}, this library in a child
 * JVM). SIGKILLed, it leaves its socket file behind: our {@code listen} on that path replaces it
 * and serves. Alive, it keeps its file: our {@code listen} gets {@code EADDRINUSE}, the file is
 * untouched (same inode), and the live server goes on serving; the liveness probe itself never
 * reaches it as a connection (it prints one {@code connection}: ours).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerRestartTest {
    private static final Duration START = Duration.ofSeconds(30);

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(20));

    @TempDir
    Path dir;

    private static Object inode(String path) throws IOException {
        return Files.getAttribute(Path.of(path), "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    /** A client that sends "ping", logs what comes back as {@code C data ...}, ends after the echo. */
    private static USocket pingClient(EventLoop loop, String path, EventLog events, Runnable onClose) {
        USocket c = new USocket(loop, path);
        c.on("data", (byte[] d) -> {
            events.add("C data " + new String(d, StandardCharsets.UTF_8));
            c.end();
        });
        c.on("error", (Throwable e) -> events.add("C error " + EventLog.code(e)));
        c.on("close", (Boolean had) -> {
            events.add("C close(" + had + ")");
            onClose.run();
        });
        c.write("ping");
        return c;
    }

    @Test
    void listenOnThePathOfACrashedServerReplacesItsStaleFile() throws Exception {
        int before = TestFds.openFdCount();
        String path = dir.resolve("crashed.sock").toString();
        EventLog events = kit.log;
        EventLoop loop = kit.guardedLoop();
        try (ChildProcess child = ChildProcess.start("server", dir, ChildProcess.javaCommand(EchoServerChild.class, path))) {
            assertEquals("listening", child.nextLine(START), child::stderr);
            child.kill();
            assertEquals(137, child.process.exitValue(), "128 + SIGKILL");
            assertTrue(SocketTestKit.isSocket(path), "a SIGKILLed server leaves its socket file");

            UServer server = new UServer(loop);
            server.on("connection", (USocket s) -> s.on("data", (byte[] d) -> s.write(d)));
            server.on("error", (Throwable e) -> events.add("S error " + EventLog.describe(e, dir)));
            server.listen(path, () -> {
                events.add("S listening");
                pingClient(loop, path, events, () -> server.close(() -> events.add("S closed")));
            });
            loop.run();
            assertEquals(List.of("S listening", "C data ping", "C close(false)", "S closed"), events.all());
            assertFalse(Files.exists(Path.of(path)), "our server unlinked the file it bound");
            assertNull(child.nextLine(START), "the child never saw a connection");
        } finally {
            loop.close();
        }
        TestFds.assertNoLeak(before);
    }

    @Test
    void listenOnThePathOfALiveServerGivesEaddrinuseAndTheLiveServerKeepsServing() throws Exception {
        int before = TestFds.openFdCount();
        String path = dir.resolve("live.sock").toString();
        EventLog events = kit.log;
        EventLoop loop = kit.guardedLoop();
        try (ChildProcess child = ChildProcess.start("server", dir, ChildProcess.javaCommand(EchoServerChild.class, path))) {
            assertEquals("listening", child.nextLine(START), child::stderr);
            Object inode = inode(path);

            UServer thief = new UServer(loop);
            thief.on("listening", () -> events.add("S listening (must not happen)"));
            thief.on("error", (Throwable e) -> {
                events.add("S error " + EventLog.describe(e, dir) + " listening=" + thief.listening());
                // The live server, in the other process, still answers.
                pingClient(loop, path, events, () -> { });
            });
            thief.listen(path);
            loop.run();

            assertEquals(List.of(
                    "S error {code=EADDRINUSE errno=-98 syscall=listen address=<dir>/live.sock"
                            + " message=\"listen EADDRINUSE: address already in use <dir>/live.sock\"} listening=false",
                    "C data ping",
                    "C close(false)"), events.all());
            assertTrue(child.process.isAlive(), "the live server is still running");
            assertEquals(inode, inode(path), "the live server's file was left alone");
            assertEquals("connection", child.nextLine(START), child::stderr);
            child.kill();
            assertNull(child.nextLine(START), "one connection only: the liveness probe is not one");
        } finally {
            loop.close();
        }
        TestFds.assertNoLeak(before);
    }
}
