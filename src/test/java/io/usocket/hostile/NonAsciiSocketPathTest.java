package io.usocket.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ChildProcess;
import io.usocket.ContentFiles;
import io.usocket.Fds;
import io.usocket.SocketTestKit;
import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.UnixPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue item 2: every syscall on a socket path sees the same bytes (UTF-8, as Node), whatever the
 * JVM's file-name encoding (decisions D30). A child JVM under {@code LC_ALL=C} (its
 * {@code sun.jnu.encoding} then ASCII, which turns {@code é} and {@code 中} into {@code ?}) finds
 * a stale socket file at {@code sé-中.sock}, reclaims it, serves, closes, and listens and serves
 * again; next to it lies {@code s?-?.sock}, the file the JDK's encoding names, which must not be
 * touched; then the same name in the abstract namespace ({@code \0...}) serves too. Before the fix the stale probe and the unlink went through the JDK's encoding: the
 * probe looked at the decoy (a regular file, so EADDRINUSE), and close unlinked the decoy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NonAsciiSocketPathTest {
    static final String NAME = "s\u00e9-\u4e2d.sock";
    /** What {@link #NAME} becomes in the JDK's encoding under LC_ALL=C. */
    private static final String DECOY = "s?-?.sock";

    @TempDir
    Path dir;

    @Test
    void underTheCLocaleTheServerReclaimsServesAndUnlinksOnlyItsOwnUtf8SocketFile() throws IOException {
        Path sockets = Files.createDirectory(dir.resolve("sockets"));
        String path = sockets.resolve(NAME).toString();
        Files.writeString(sockets.resolve(DECOY), "decoy");
        SocketTestKit.staleSocket(path);   // bound through UnixAddress: UTF-8 bytes
        assertEquals(UnixPaths.S_IFSOCK, UnixPaths.mode(path) & UnixPaths.S_IFMT);

        List<String> cmd = new ArrayList<>(List.of("env", "LC_ALL=C", "LANG=C"));
        cmd.addAll(ChildProcess.javaCommand(NonAsciiPathChild.class, sockets.toString()));
        try (ChildProcess child = ChildProcess.start("non-ascii-path", dir, cmd)) {
            ChildProcess.Result r = child.finish(Duration.ofSeconds(60));
            assertEquals(0, r.exitCode(), () -> "stdout " + r.stdout() + " stderr " + r.stderr());
            String jnu = r.stdout().get(0);
            // The child must really run with a file-name encoding that cannot hold the name.
            assertNotEquals("jnu UTF-8", jnu, "LC_ALL=C did not change the child's sun.jnu.encoding");
            assertEquals(List.of(jnu,
                    "round 1: listening echo ping closed",
                    "round 2: listening echo ping closed",
                    "round 3: listening echo ping closed"), r.stdout(), () -> "stderr " + r.stderr());
        }
        // Its own socket file is gone; the decoy is untouched and nothing else was left behind.
        assertEquals(-Errno.ENOENT, UnixPaths.mode(path));
        assertEquals("decoy", Files.readString(sockets.resolve(DECOY)));
        try (Stream<Path> s = Files.list(sockets)) {
            assertEquals(List.of(DECOY), s.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(Files.isRegularFile(sockets.resolve(DECOY)));
    }

    /** The other entry point: a {@link Path} is opened with the JDK's bytes for it, so it names the file java.nio wrote. */
    @Test
    void fdsOpenOfAPathOpensTheFileJavaNioNamesByThatPath() throws IOException {
        Path file = dir.resolve("j\u00e9-\u4e2d.txt");
        Files.writeString(file, "written by java.nio");
        assertEquals("written by java.nio", ContentFiles.readAndClose(Fds.open(file)));
    }
}
