// node: test/parallel/test-net-listen-fd0.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.CodedError;
import io.usocket.Fds;
import io.usocket.ListenOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-listen-fd0.js: {@code listen({fd})} on a descriptor that is not a
 * socket fails with an asynchronous EINVAL or ENOTSOCK {@code 'error'}, not a throw. Node uses
 * its stdin (fd 0), a pipe or tty; the port uses the read end of a pipe of its own instead: in
 * the test JVM fd 0 is surefire's command channel, and {@code listen({fd})} makes the fd
 * non-blocking before it finds out it cannot listen (as libuv's {@code uv_pipe_open} does),
 * which breaks that channel.
 */
class TestNetListenFd0 {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void listenOnAPipeFailsAsynchronously() {
        int[] pipe = Fds.pipe();
        UServer server = new UServer(kit.loop());
        server.on("connection", common.<USocket>mustNotCallArg());
        server.listen(new ListenOptions().fd(pipe[0]))
                .on("error", common.mustCall((Throwable e) ->
                        assertTrue(List.of("EINVAL", "ENOTSOCK").contains(((CodedError) e).code()), e.toString())));
        kit.run();
        for (int fd : pipe) if (Fds.isOpen(fd)) Fds.close(fd);
    }
}
