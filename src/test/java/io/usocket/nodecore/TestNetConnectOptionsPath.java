// node: test/parallel/test-net-connect-options-path.js
package io.usocket.nodecore;

import io.usocket.EventLoop;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of node's test-net-connect-options-path.js. Node's 12 client variants are six spellings
 * ({@code net.connect}, {@code net.createConnection}, {@code new Socket().connect}, each with a
 * path or {@code {path}}) times (callback | {@code 'connect'} listener). The Java spellings on a
 * given loop are five: {@code new USocket(loop, path, cb)}, {@code new USocket(loop, path)},
 * {@code new USocket(loop).connect(path, cb)}, {@code new USocket(loop).connect(path)} and
 * {@code new USocket(loop, new SocketOptions().path(path))} (no callback form); each is used with a
 * callback where it has one and with a {@code 'connect'} listener, so CLIENT_VARIANTS is 9.
 * The callback's {@code this} is the socket, held in a one-element array.
 */
class TestNetConnectOptionsPath {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    static final int CLIENT_VARIANTS = 9;

    @Test
    void everyWayToConnectToAPath() {
        EventLoop loop = kit.loop();
        String serverPath = kit.path("net-connect-options-path-server");
        int[] counter = {0};
        UServer server = new UServer(loop);
        server.on("connection", common.mustCall((USocket socket) -> socket.end("ok"), CLIENT_VARIANTS));
        server.listen(serverPath, common.mustCall(() -> {
            Consumer<USocket[]> onConnect = self -> {
                self[0].end();
                self[0].on("close", common.mustCall(() -> {
                    counter[0]++;
                    if (counter[0] == CLIENT_VARIANTS) server.close();
                }));
            };
            java.util.function.Function<USocket[], Runnable> getConnectCb = self -> common.mustCall(() -> onConnect.accept(self));

            // CLIENT_VARIANTS depends on the following code
            USocket[] a = new USocket[1];
            a[0] = new USocket(loop, serverPath, getConnectCb.apply(a));
            a[0].resume();
            USocket[] b = new USocket[1];
            b[0] = new USocket(loop, serverPath);
            b[0].on("connect", getConnectCb.apply(b));
            b[0].resume();
            USocket[] c = new USocket[1];
            c[0] = new USocket(loop);
            c[0].connect(serverPath, getConnectCb.apply(c)).resume();
            USocket[] d = new USocket[1];
            d[0] = new USocket(loop);
            d[0].connect(serverPath).on("connect", getConnectCb.apply(d));
            d[0].resume();
            USocket[] e = new USocket[1];
            e[0] = new USocket(loop, new SocketOptions().path(serverPath));
            e[0].on("connect", getConnectCb.apply(e));
            e[0].resume();
            // the same spellings once more, the other way round where there is a choice
            USocket[] f = new USocket[1];
            f[0] = new USocket(loop, serverPath, null);
            f[0].on("connect", getConnectCb.apply(f));
            f[0].resume();
            USocket[] g = new USocket[1];
            g[0] = new USocket(loop);
            g[0].on("connect", getConnectCb.apply(g));
            g[0].connect(serverPath).resume();
            USocket[] h = new USocket[1];
            h[0] = new USocket(loop);
            h[0].connect(serverPath, getConnectCb.apply(h));
            h[0].resume();
            USocket[] i = new USocket[1];
            i[0] = new USocket(loop, serverPath, getConnectCb.apply(i));
            i[0].resume();
        }));
        kit.run();
    }
}
