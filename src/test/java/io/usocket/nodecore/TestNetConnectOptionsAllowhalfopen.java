// node: test/parallel/test-net-connect-options-allowhalfopen.js
package io.usocket.nodecore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.EventLoop;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-connect-options-allowhalfopen.js, on a path instead of host/port:
 * with allowHalfOpen the client stays writable after the server's FIN. Node's six variants
 * (three ways to connect with options, each with a callback or a {@code 'connect'} listener)
 * map to the Java forms that take options: {@code new USocket(loop, options).connect(path, cb)},
 * {@code ....connect(path).on('connect')} and {@code new USocket(loop, options.path(path))} with a
 * {@code 'connect'} listener, each used twice. {@code readable}/{@code writable} are mapped as in
 * {@link TestNetPingpong}.
 */
class TestNetConnectOptionsAllowhalfopen {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    static final int CLIENT_VARIANTS = 6;

    @Test
    void clientsStayWritableAfterTheServersFin() {
        EventLoop loop = kit.loop();
        String path = kit.path("allowhalfopen.sock");
        int[] clientReceivedFIN = {0};
        int[] serverConnections = {0};
        int[] clientSentFIN = {0};
        int[] serverReceivedFIN = {0};

        UServer server = new UServer(loop, new SocketOptions().allowHalfOpen(true));
        server.on("connection", common.mustCall((USocket socket) -> {
            ++serverConnections[0];
            socket.resume();
            socket.on("data", common.mustCall((Object data) -> { }));
            // 'end' on each socket must not be emitted twice
            socket.on("end", common.mustCall(() -> {
                if (++serverReceivedFIN[0] < CLIENT_VARIANTS) return;
                loop.setTimeout(() -> server.close(), 50);
            }, 1));
            socket.end();
        }, CLIENT_VARIANTS));
        server.on("close", common.mustCall());

        Function<USocket[], Runnable> clientOnConnect = self -> common.mustCall(() -> {
            USocket client = self[0];
            client.resume();
            client.on("end", common.mustCall(() -> loop.setTimeout(() -> {
                // When allowHalfOpen is true, client must still be writable
                // after the server closes the connections, but not readable
                assertFalse(TestNetPingpong.readable(client));
                assertTrue(TestNetPingpong.writable(client));
                assertTrue(client.write(String.valueOf(client.hashCode())));
                client.end();
                clientSentFIN[0]++;
            }, 50)));
            client.on("close", common.mustCall(() -> clientReceivedFIN[0]++));
        });

        server.listen(path, common.mustCall(() -> {
            for (int i = 0; i < 2; i++) {
                USocket[] a = new USocket[1];
                a[0] = new USocket(loop, new SocketOptions().allowHalfOpen(true));
                a[0].connect(path, clientOnConnect.apply(a));
                USocket[] b = new USocket[1];
                b[0] = new USocket(loop, new SocketOptions().allowHalfOpen(true));
                b[0].connect(path).on("connect", clientOnConnect.apply(b));
                USocket[] c = new USocket[1];
                c[0] = new USocket(loop, new SocketOptions().allowHalfOpen(true).path(path));
                c[0].on("connect", clientOnConnect.apply(c));
            }
        }));
        kit.run();
    }
}
