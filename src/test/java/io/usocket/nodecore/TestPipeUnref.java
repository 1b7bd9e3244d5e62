// node: test/parallel/test-pipe-unref.js
package io.usocket.nodecore;

import io.usocket.SocketTestKit;
import io.usocket.UServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-pipe-unref.js: a listening pipe server that is unref'd does not keep the
 * loop alive. Node runs it in a child process so that the still-open pipe does not stop the
 * tmpdir clean-up, and checks the child exits with 0; here {@code run()} must return (the
 * kit's guard fails the test otherwise); the server is then closed so no fd is left open.
 */
class TestPipeUnref {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));

    @Test
    void anUnrefdServerLetsTheLoopEnd() {
        UServer s = new UServer(kit.loop());
        s.listen(kit.path("pipe-unref.sock"));
        s.unref();
        kit.run();
        // node's process exits here with the pipe open; the Java test closes it to leave no fd
        s.close();
        kit.run();
    }
}
