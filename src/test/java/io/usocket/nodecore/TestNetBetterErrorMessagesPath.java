// node: test/parallel/test-net-better-error-messages-path.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.InvalidArgumentException;
import io.usocket.SocketTestKit;
import io.usocket.USocket;
import io.usocket.USocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-better-error-messages-path.js. {@code {path: {}}} (a path that is not
 * a string) can only be null in Java.
 */
class TestNetBetterErrorMessagesPath {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void connectErrorNamesThePath() {
        String fp = "/tmp/fadagagsdfgsdf";
        USocket c = new USocket(kit.loop(), fp);
        c.on("connect", common.mustNotCall());
        c.on("error", common.mustCall((USocketException e) -> {
            assertEquals("ENOENT", e.code());
            assertEquals("connect ENOENT " + fp, e.getMessage());
        }));
        kit.run();
    }

    @Test
    void aPathThatIsNotAStringIsRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new USocket(kit.loop()).connect(null));
        assertEquals("ERR_INVALID_ARG_TYPE", e.code());
    }
}
