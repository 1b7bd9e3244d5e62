// node: test/parallel/test-net-listen-fd0.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.CodedError;
import io.usocket.ListenOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-listen-fd0.js: {@code listen({fd: 0})} on a descriptor that is not a
 * listening socket fails with an asynchronous EINVAL or ENOTSOCK {@code 'error'}, not a throw.
 * (fd 0 is the test JVM's stdin, which surefire makes a pipe.)
 */
class TestNetListenFd0 {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void listenOnStdinFailsAsynchronously() {
        UServer server = new UServer(kit.loop());
        server.on("connection", common.<USocket>mustNotCallArg());
        server.listen(new ListenOptions().fd(0))
                .on("error", common.mustCall((Throwable e) ->
                        assertTrue(List.of("EINVAL", "ENOTSOCK").contains(((CodedError) e).code()), e.toString())));
        kit.run();
    }
}
