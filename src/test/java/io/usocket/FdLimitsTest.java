package io.usocket;

import static io.usocket.FdPassingSupport.code;
import static io.usocket.FdPassingSupport.contentOf;
import static io.usocket.FdPassingSupport.contentsAndClose;
import static io.usocket.FdPassingSupport.expected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of fd passing: how many fds a message holds and how a larger write is split (SPEC
 * D11), fd values checked at write and at send (D12), and a receiver that runs out of
 * descriptors (D13, in a child JVM under {@code ulimit -n}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FdLimitsTest {
    @TempDir
    Path dir;
    private FdPassingSupport h;
    private int before;

    @BeforeAll
    static void loadNativeCode() {
        EventLoop.create().close();
    }

    @BeforeEach
    void setUp() {
        before = TestFds.openFdCount();
        h = new FdPassingSupport(dir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void finish() {
        h.close();
        TestFds.assertNoLeak(before);
    }

    /** Logs the client's fd batches (size, and whether their contents are the next expected ones) and bytes. */
    private void recordClient(USocket client, List<String> contents) {
        client.on("fds", (int[] fds) -> {
            h.log.add("fds:" + fds.length);
            contents.addAll(contentsAndClose(fds));
        });
        client.on("data", (byte[] d) -> h.log.add("data:" + new String(d, StandardCharsets.UTF_8)));
        client.on("end", () -> h.log.add("end"));
        client.on("close", (Boolean hadError) -> h.log.add("close:" + hadError));
    }

    // ---------------------------------------------------------------- D11

    @Test
    void twoHundredFiftyThreeFdsTravelInOneMessage() {
        int[] fds = h.fileFds("m", 253);
        List<String> contents = new ArrayList<>();
        h.connect((client, peer) -> {
            recordClient(client, contents);
            peer.write(new Message(bytes("x"), fds), err -> {
                for (int fd : fds) Fds.close(fd);
            });
            peer.end();
        });
        h.run();
        assertEquals(List.of("fds:253", "data:x", "end", "close:false"), h.log);
        assertEquals(expected("m", 253), contents);
        finish();
    }

    @Test
    void sixHundredFdsAreSplitOverSeveralMessagesInOrder() {
        int[] fds = h.fileFds("m", 600);
        List<String> contents = new ArrayList<>();
        h.connect((client, peer) -> {
            recordClient(client, contents);
            peer.write(new Message(bytes("0123456789"), fds), err -> {
                h.log.add("cb:" + code(err));
                for (int fd : fds) Fds.close(fd);
            });
            peer.end();
        });
        h.run();
        // 253 + 253 with one byte each, then the last 94 with the rest of the data.
        assertEquals(List.of("cb:null", "fds:253", "data:0", "fds:253", "data:1", "fds:94", "data:23456789",
                "end", "close:false"), h.log);
        assertEquals(expected("m", 600), contents);
        finish();
    }

    @Test
    void tooManyFdsForTheDataThrowsAndSendsNothing() {
        int[] fds = h.fileFds("m", 600);
        h.connect((client, peer) -> {
            recordClient(client, new ArrayList<>());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> peer.write(new Message(bytes("x"), fds), err -> h.log.add("cb:" + code(err))));
            h.log.add("threw " + e.code() + " pending=" + peer.writableLength());
            peer.end();
        });
        h.run();
        assertEquals(List.of("threw ERR_OUT_OF_RANGE pending=0", "end", "close:false"), h.log);
        // Never sent, still the caller's.
        assertEquals("m0", contentOf(fds[0]));
        assertEquals("m599", contentOf(fds[599]));
        for (int fd : fds) Fds.close(fd);
        finish();
    }

    @Test
    void waitingFdOnlyFdsCountTowardsTheNextWritesLimit() {
        int[] first = h.fileFds("w", 253);
        int extra = h.fileFd("extra");
        List<String> contents = new ArrayList<>();
        h.connect((client, peer) -> {
            recordClient(client, contents);
            peer.write(first, err -> h.log.add("cb first:" + code(err)));
            // 254 fds would need two messages, so two bytes: one is refused, two are fine.
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> peer.write(new Message(bytes("y"), extra)));
            h.log.add("threw " + e.code());
            peer.write(new Message(bytes("yz"), extra), err -> h.log.add("cb extra:" + code(err)));
            peer.end();
        });
        h.run();
        assertEquals(List.of("threw ERR_OUT_OF_RANGE", "cb first:null", "cb extra:null",
                "fds:253", "data:y", "fds:1", "data:z", "end", "close:false"), h.log);
        List<String> want = new ArrayList<>(expected("w", 253));
        want.add("extra");
        assertEquals(want, contents);
        for (int fd : first) Fds.close(fd);
        Fds.close(extra);
        finish();
    }

    // ---------------------------------------------------------------- D12

    @Test
    void invalidFdsThrowAtWriteAndNothingIsQueued() {
        int good = h.fileFd("good");
        int closed = h.fileFd("closed");
        Fds.close(closed);
        h.connect((client, peer) -> {
            recordClient(client, new ArrayList<>());
            List<Executable> calls = List.of(
                    () -> peer.write(new int[] {-1}, err -> h.log.add("cb -1")),
                    () -> peer.write(new int[] {closed}, err -> h.log.add("cb closed")),
                    () -> peer.write(new Message(bytes("x"), good, closed), err -> h.log.add("cb good+closed")),
                    () -> peer.end(new Message(bytes("x"), -1), err -> h.log.add("cb end")));
            for (Executable call : calls) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
                h.log.add(((CodedError) e).code() + " pending=" + peer.writableLength()
                        + " ended=" + peer.writableEnded());
            }
            peer.end();
        });
        h.run();
        // No callback ran, and the peer got neither bytes nor fds.
        assertEquals(List.of("ERR_INVALID_FD pending=0 ended=false", "ERR_INVALID_FD pending=0 ended=false",
                "ERR_INVALID_FD pending=0 ended=false", "ERR_INVALID_FD pending=0 ended=false",
                "end", "close:false"), h.log);
        assertEquals("good", contentOf(good));
        Fds.close(good);
        finish();
    }

    @Test
    void fdClosedBetweenWriteAndSendFailsWithEbadf() {
        int a = h.fileFd("A");
        h.connect((client, peer) -> {
            client.on("data", (byte[] d) -> h.log.add("client data"));
            client.on("fds", (int[] fds) -> h.log.add("client fds"));
            client.on("end", () -> h.log.add("client end"));
            peer.on("error", (Throwable e) -> h.log.add("error:" + code(e)));
            peer.on("close", (Boolean hadError) -> h.log.add("close:" + hadError));
            peer.cork();
            peer.write(new Message(bytes("x"), a), err -> {
                USocketException e = (USocketException) err;
                h.log.add("cb:" + e.code() + " " + e.errno() + " " + e.syscall());
            });
            Fds.close(a); // checked at write, gone at send
            peer.uncork();
            h.log.add("destroyed:" + peer.destroyed());
        });
        h.run();
        assertEquals(List.of("destroyed:true", "cb:EBADF -9 write", "error:EBADF", "close:true", "client end"),
                h.log);
        finish();
    }

    // ---------------------------------------------------------------- D13

    /**
     * A receiver whose fd table is nearly full gets MSG_CTRUNC: it must report
     * {@code ERR_FDS_TRUNCATED}, close the fds the kernel did install, and leak nothing. The
     * same child with room for every fd is the control.
     */
    @Test
    void receiverOutOfDescriptorsGetsFdsTruncatedAndLeaksNothing() throws Exception {
        // The child JVM opens about 35 descriptors (jars, epoll, stdio): 96 lets it start and
        // connect, but not take 200 more.
        List<String> tight = sendToChild(96, 200);
        assertEquals("connected", tight.get(1), tight.toString());
        assertEquals(List.of("error=ERR_FDS_TRUNCATED", "close=true"), tight.subList(2, 4), tight.toString());
        assertEquals(tight.get(0).replace("baseline=", "after="), tight.get(4), tight.toString());
        assertEquals(5, tight.size(), tight.toString());

        List<String> roomy = sendToChild(1024, 200);
        assertEquals(List.of("connected", "data=1 queued=200", "close=false"), roomy.subList(1, 4), roomy.toString());
        // The 200 queued fds nobody read are closed with the socket (D14).
        assertEquals(roomy.get(0).replace("baseline=", "after="), roomy.get(4), roomy.toString());
        finish();
    }

    /** Serves one connection that carries {@code count} fds and one byte to a child under {@code ulimit -n limit}. */
    private List<String> sendToChild(int limit, int count) throws IOException, InterruptedException {
        FdPassingSupport parent = new FdPassingSupport(dir, 20_000);
        try {
            String path = dir.resolve("child-" + limit + ".sock").toString();
            UServer server = new UServer(parent.loop);
            int[] fds = parent.fileFds("c", count);
            server.on("connection", (USocket c) -> {
                server.close();
                parent.log.add("connection");
                c.on("close", (Boolean hadError) -> parent.log.add("close:" + hadError));
                c.on("error", (Throwable e) -> parent.log.add("parent error:" + code(e)));
                c.write(new Message(bytes("x"), fds), err -> {
                    for (int fd : fds) Fds.close(fd);
                });
                c.end();
            });
            server.listen(path);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder("bash", "-c",
                    "ulimit -n " + limit + " && exec \"$0\" -cp \"$1\" io.usocket.FdTruncationChild \"$2\"",
                    java, System.getProperty("java.class.path"), path)
                    .redirectErrorStream(true)
                    .start();
            parent.run();
            boolean exited = child.waitFor(20, TimeUnit.SECONDS);
            if (!exited) child.destroyForcibly().waitFor();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String where = "parent " + parent.log + ", child:\n" + out;
            assertFalse(parent.log.contains(FdPassingSupport.GUARD), "the parent's loop did not finish: " + where);
            assertTrue(exited, "child still running: " + where);
            assertEquals(0, child.exitValue(), where);
            return Arrays.asList(out.strip().split("\n"));
        } finally {
            parent.close();
        }
    }
}
