// node: test/parallel/test-net-socket-constructor.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.CodedError;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-socket-constructor.js, on a path: {@code fd: -1} is out of range, and
 * new, accepted, connecting and connected sockets are readable and writable (mapped as in
 * {@link TestNetPingpong}). Not expressible: {@code fd: 'foo'} (the type system), the
 * {@code {handle}} forms (node internals) and the cluster worker's inherited fds 4-6.
 */
class TestNetSocketConstructor {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    private static void test(USocket socket, boolean readable, boolean writable) {
        assertEquals(readable, TestNetPingpong.readable(socket));
        assertEquals(writable, TestNetPingpong.writable(socket));
    }

    @Test
    void readableAndWritableFromBirth() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> new USocket(kit.loop(), new SocketOptions().fd(-1)));
        assertEquals("ERR_OUT_OF_RANGE", ((CodedError) e).code());

        USocket fresh = new USocket(kit.loop());
        fresh.unref();
        test(fresh, true, true);

        String path = kit.path("constructor.sock");
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket socket) -> {
            socket.unref();
            test(socket, true, true);
            server.close();
        }));
        server.listen(path, common.mustCall(() -> {
            USocket[] socket = new USocket[1];
            socket[0] = new USocket(kit.loop(), path, common.mustCall(() -> {
                test(socket[0], true, true);
                socket[0].end();
            }));
            test(socket[0], true, true);
        }));
        kit.run();
        fresh.destroy();
        kit.run();
    }
}
