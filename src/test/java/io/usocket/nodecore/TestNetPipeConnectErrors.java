// node: test/parallel/test-net-pipe-connect-errors.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.usocket.EventLoop;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-pipe-connect-errors.js. Node skips the EACCES part when running as
 * root (chmod does not stop root); so does this port (reported as skipped by JUnit).
 */
class TestNetPipeConnectErrors {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void notASocketAndNoSuchFile() throws IOException {
        EventLoop loop = kit.loop();
        // Test if ENOTSOCK is fired when trying to connect to a file which is not a socket.
        Path emptyTxt = Files.writeString(kit.dir().resolve("0.txt"), "");
        USocket notSocketClient = new USocket(loop, emptyTxt.toString(), () -> fail("connection callback should not run"));
        notSocketClient.on("error", common.mustCall((USocketException err) ->
                assertTrue(err.code().equals("ENOTSOCK") || err.code().equals("ECONNREFUSED"),
                        "received " + err.code() + " instead of ENOTSOCK or ECONNREFUSED")));

        // Trying to connect to not-existing socket should result in ENOENT error
        USocket noEntSocketClient = new USocket(loop, "no-ent-file",
                () -> fail("connection to non-existent socket, callback should not run"));
        noEntSocketClient.on("error", common.mustCall((USocketException err) -> assertEquals("ENOENT", err.code())));
        kit.run();
    }

    @Test
    void noAccess() throws IOException {
        // On Windows or IBMi or when running as root, a chmod has no effect on named pipes
        assumeTrue(!"root".equals(System.getProperty("user.name")), "running as root: chmod 0 does not stop root");
        String pipe = kit.path("access.sock");
        EventLoop loop = kit.loop();
        UServer accessServer = new UServer(loop);
        accessServer.on("connection", common.<USocket>mustNotCallArg());
        accessServer.listen(pipe, common.mustCall(() -> {
            try {
                Files.setPosixFilePermissions(Path.of(pipe), PosixFilePermissions.fromString("---------"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            USocket accessClient = new USocket(loop, pipe, () -> fail("connection should get EACCES, callback should not run"));
            accessClient.on("error", common.mustCall((USocketException err) -> {
                assertEquals("EACCES", err.code());
                accessServer.close();
            }));
        }));
        kit.run();
    }
}
