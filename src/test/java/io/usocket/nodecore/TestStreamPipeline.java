// node: test/parallel/test-stream-pipeline.js
package io.usocket.nodecore;

import io.usocket.Promises;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Port of the two blocks of node's test-stream-pipeline.js that go through a net socket, on a
 * path: an echo server {@code pipeline(socket, socket, cb)} whose client ends at once; the
 * pipeline's callback succeeds and the server's socket emits {@code 'finish'} (node's comment:
 * the socket must not be force-destroyed before it can finish). The Java API has no
 * {@code stream.pipeline}; its parts are used instead: {@code socket.pipe(socket)} for the
 * piping and {@link Promises#finished} (both sides done, or the error) for the callback, which
 * is what pipeline waits for on a duplex that is its own source and destination. The rest of
 * the file (about 1,600 lines) pipes JavaScript-only streams (Readable/Writable/Duplex objects,
 * generators, promises, AbortSignal) and is not ported.
 */
class TestStreamPipeline {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(30));
    @RegisterExtension
    final Common common = new Common();

    private void echoServerPipelineFinishes(String name) {
        String path = kit.path(name);
        UServer server = new UServer(kit.loop());
        server.on("connection", common.mustCall((USocket socket) -> {
            // echo server
            Consumer<Throwable> cb = common.mustSucceed();
            socket.pipe(socket);
            Promises.finished(socket).whenComplete((v, err) -> cb.accept(err));
            socket.on("finish", common.mustCall(() -> server.close()));
        }));
        server.listen(path, common.mustCall(() -> {
            USocket socket = new USocket(kit.loop(), path);
            socket.end();
        }));
        kit.run();
    }

    /** The first block (line ~1175 in node v20.11.1). */
    @Test
    void echoServerPipelineFinishesBeforeDestroy() {
        echoServerPipelineFinishes("pipeline-1.sock");
    }

    /** The second block (line ~1220): the same program without node's comment. */
    @Test
    void echoServerPipelineFinishes() {
        echoServerPipelineFinishes("pipeline-2.sock");
    }
}
