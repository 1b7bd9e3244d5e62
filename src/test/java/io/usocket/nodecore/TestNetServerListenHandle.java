// node: test/parallel/test-net-server-listen-handle.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.Fds;
import io.usocket.ListenOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-server-listen-handle.js, its pipe parts given as {@code {fd}} (the
 * {@code handle}/{@code _handle} forms pass node's internal wraps and the TCP parts bind ports:
 * no Java counterpart). Node binds a pipe handle without listening and passes its fd;
 * {@code listen({fd})} then listens on it, and so does UServer (those two cases were
 * pending-core until the core redesign, which failed a bound fd with EINVAL). An fd that is not
 * a socket fails with "listen EINVAL: invalid argument" in both.
 */
class TestNetServerListenHandle {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();
    private int counter;

    /** A unix stream socket bound to a fresh path, not listening (node's {@code new Pipe(); bind(path)}). */
    private int boundPipeFd() {
        String path = kit.path("listen-handle-" + counter++);
        int fd = LibC.INSTANCE.socket(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        assertTrue(fd >= 0, "socket: errno " + LibC.errno());
        UnixAddress addr = UnixAddress.of(path);
        assertEquals(0, LibC.INSTANCE.bind(fd, addr), "bind: errno " + LibC.errno());
        return fd;
    }

    @Test
    void listenOnABoundPipeFd() {
        // Test listen({fd: pipe.fd}, cb)
        UServer a = new UServer(kit.loop());
        a.listen(new ListenOptions().fd(boundPipeFd()), common.mustCall(() -> a.close()));
        // Test listen({fd: pipe.fd})
        UServer b = new UServer(kit.loop());
        b.listen(new ListenOptions().fd(boundPipeFd())).on("listening", common.mustCall(() -> b.close()));
        kit.run();
    }

    @Test
    void listenOnAFileFdFails() throws IOException {
        // Test invalid fd
        int fd = Fds.open(Files.writeString(kit.dir().resolve("file.txt"), "x"));
        UServer server = new UServer(kit.loop());
        server.listen(new ListenOptions().fd(fd), common.mustNotCall())
                .on("error", common.mustCall((Throwable err) -> {
                    assertEquals("listen EINVAL: invalid argument", err.getMessage());
                    server.close();
                }));
        kit.run();
        if (Files.exists(Path.of("/proc/self/fd/" + fd))) Fds.close(fd);   // ours again after the failed listen
    }
}
