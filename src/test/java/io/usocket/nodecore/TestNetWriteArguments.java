// node: test/parallel/test-net-write-arguments.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.CodedError;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-write-arguments.js: {@code write(null)} throws ERR_STREAM_NULL_VALUES
 * and emits no {@code 'error'}. The other values node tries (booleans, numbers, arrays,
 * objects, undefined) cannot be passed to a Java {@code write}; null is tried as each of the
 * chunk types that can be null.
 */
class TestNetWriteArguments {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    @Test
    void writeNullThrows() {
        USocket socket = new USocket(kit.loop(), new SocketOptions().readableHighWaterMark(0).writableHighWaterMark(0));
        // Make sure that anything besides a buffer or a string throws.
        socket.on("error", common.mustNotCallArg());
        for (Runnable write : new Runnable[] {() -> socket.write((byte[]) null), () -> socket.write((String) null)}) {
            RuntimeException e = assertThrows(RuntimeException.class, write::run);
            assertEquals("ERR_STREAM_NULL_VALUES", ((CodedError) e).code());
            assertEquals("May not write null values to stream", e.getMessage());
        }
        socket.destroy();
        kit.run();
    }
}
