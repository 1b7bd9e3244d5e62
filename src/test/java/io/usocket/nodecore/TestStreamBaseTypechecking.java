// node: test/parallel/test-stream-base-typechecking.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.CodedError;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-stream-base-typechecking.js, on a path: a string written with the
 * encoding {@code 'buffer'} is refused at once with ERR_INVALID_ARG_TYPE "Second argument must
 * be a buffer" (node's stream_base check), and nothing is sent. ({@code name: 'TypeError'} is
 * the JavaScript class of the error; the code and the message are kept.)
 */
class TestStreamBaseTypechecking {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    /**
     * A real difference from node 20: the library refuses the encoding name {@code 'buffer'}
     * with ERR_UNKNOWN_ENCODING "Unknown encoding: buffer" (as it refuses any name it has no
     * charset for); node's Writable lets {@code 'buffer'} through and its stream_base write then
     * throws ERR_INVALID_ARG_TYPE "Second argument must be a buffer" (v20.20.2 passes this test
     * over a path).
     */
    @Test
    void aStringWithTheBufferEncodingIsRefused() {
        String path = kit.path("base-typechecking.sock");
        UServer server = new UServer(kit.loop());
        server.listen(path, common.mustCall(() -> {
            USocket[] client = new USocket[1];
            client[0] = new USocket(kit.loop(), path, common.mustCall(() -> {
                RuntimeException e;
                try {
                    e = assertThrows(RuntimeException.class, () -> client[0].write("broken", "buffer"));
                } finally {
                    // Closed before the checks (node: after) so that a failing check leaks nothing.
                    client[0].destroy();
                    server.close();
                }
                assertEquals("ERR_INVALID_ARG_TYPE", ((CodedError) e).code());
                assertEquals("Second argument must be a buffer", e.getMessage());
            }));
        }));
        kit.run();
    }
}
