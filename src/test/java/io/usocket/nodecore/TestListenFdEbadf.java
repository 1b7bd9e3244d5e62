// node: test/parallel/test-listen-fd-ebadf.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.usocket.EventLog;
import io.usocket.Fds;
import io.usocket.ListenOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-listen-fd-ebadf.js: {@code listen({fd})} on a descriptor that is not a
 * socket, and on one that is not open, fails with an asynchronous EINVAL {@code 'error'}. Node
 * uses its stderr (fd 2); the port opens a file of its own instead (the test JVM's fd 2 is
 * surefire's, and a failed {@code listen({fd})} may leave the fd non-blocking, see
 * TestNetListenFd0). The closed fd is found as node finds it: the first one above 2 that is not
 * open.
 */
class TestListenFdEbadf {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void listenOnANonSocketFailsWithEinval() throws Exception {
        Path file = Files.writeString(kit.dir().resolve("not-a-socket"), "x");
        int notASocket = Fds.open(file);
        try {
            UServer server = new UServer(kit.loop());
            server.on("connection", common.<USocket>mustNotCallArg());
            server.listen(new ListenOptions().fd(notASocket))
                    .on("error", common.mustCall((Throwable ex) -> assertEquals("EINVAL", EventLog.code(ex), ex.toString())));
            kit.run();
        } finally {
            Fds.close(notASocket);
        }
    }

    /**
     * The closed fd. A real difference from node 20: the library fails with EBADF (the
     * {@code listen}/{@code getsockopt} errno on a closed fd), node 20 with EINVAL ("listen
     * EINVAL: invalid argument": net.js asks libuv the handle type first, gets UNKNOWN for a
     * closed fd, and refuses it with EINVAL before any syscall on it). Checked on v20.20.2 with
     * stderr, a file and a closed fd: EINVAL all three.
     */
    @Test
    void listenOnAClosedFdFailsWithEinval() {
        UServer server = new UServer(kit.loop());
        // node's test takes the first free number; here another thread could open that number
        // before listen() looks at it (and the server would then own a foreign descriptor), so the
        // closed fd is one no thread can be given: above any open-file limit.
        int invalidFd = Integer.MAX_VALUE;
        assertFalse(Fds.isOpen(invalidFd));
        server.on("connection", common.<USocket>mustNotCallArg());
        server.listen(new ListenOptions().fd(invalidFd))
                .on("error", common.mustCall((Throwable ex) -> assertEquals("EINVAL", EventLog.code(ex), ex.toString())));
        kit.run();
    }
}
