package io.usocket.hostile;

import static io.usocket.ContentFiles.contents;
import static io.usocket.ContentFiles.readAndCloseAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usocket.ContentFiles;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.Message;
import io.usocket.SocketOptions;
import io.usocket.SocketTestKit;
import io.usocket.USocket;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;
import io.usocket.internal.sys.Sys;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue item 9 (decisions D31): a socket with {@code SO_PASSCRED} set (as one adopted from
 * elsewhere may be) gets an {@code SCM_CREDENTIALS} header ahead of the fds of every message.
 * It still receives the most fds one message can carry (253) whole, without
 * {@code ERR_FDS_TRUNCATED}, and the credentials are not mistaken for fds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PassCredSocketReceivesFullFdMessageTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(20));
    private final EventLoop loop = kit.loop();
    private final EventLog log = kit.log;
    private final ContentFiles files = new ContentFiles(kit.dir());

    private static void passCred(int fd) {
        NativeBuffer one = new NativeBuffer(4);
        one.buf.putInt(0, 1);
        if (LibC.INSTANCE.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_PASSCRED, one.address, 4) != 0) {
            throw new IllegalStateException("setsockopt SO_PASSCRED: errno " + LibC.errno());
        }
    }

    @Test
    void aSocketWithSoPassCredReceives253FdsInOneMessageAndTheCredentialsAreNotFds() {
        int[] pair = SocketTestKit.socketPair();
        passCred(pair[0]);
        int[] sent = files.openAll("cred", 253);
        int[] second = files.openAll("more", 2);
        List<String> received = new ArrayList<>();
        USocket receiver = new USocket(loop, new SocketOptions().fd(pair[0]));
        USocket sender = new USocket(loop, new SocketOptions().fd(pair[1]));
        receiver.on("fds", (int[] fds) -> {
            log.add("fds:" + fds.length);
            received.addAll(readAndCloseAll(fds));
        });
        receiver.on("data", (byte[] d) -> log.add("data:" + new String(d, StandardCharsets.UTF_8)));
        receiver.on("error", (Throwable e) -> log.add("error:" + e));
        receiver.on("close", (Boolean hadError) -> log.add("close:" + hadError));
        // Two writes, so that a message with a few fds also goes through the credentials path.
        sender.write(new Message("x".getBytes(StandardCharsets.UTF_8), sent), err -> {
            log.add("cb1:" + err);
            ContentFiles.closeAll(sent);
        });
        sender.end(new Message("y".getBytes(StandardCharsets.UTF_8), second), err -> {
            log.add("cb2:" + err);
            ContentFiles.closeAll(second);
        });
        kit.run();
        List<String> want = new ArrayList<>(contents("cred", 253));
        want.addAll(contents("more", 2));
        assertEquals(want, received);
        assertEquals(List.of("fds:253", "data:x", "fds:2", "data:y", "close:false"),
                log.all().stream().filter(e -> !e.startsWith("cb")).toList());
        assertEquals(List.of("cb1:null", "cb2:null"), log.all().stream().filter(e -> e.startsWith("cb")).toList());
    }
}
