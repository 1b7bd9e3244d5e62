package io.usocket;

import static io.usocket.ContentFiles.contents;
import static io.usocket.ContentFiles.readAndCloseAll;
import static io.usocket.EventLog.bytes;
import static io.usocket.EventLog.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * The edges of fd passing: how many fds a message holds and how a larger write is split (decisions
 * D11), fd values checked at write and at send (D12), and a receiver that runs out of
 * descriptors (D13, in a child JVM under {@code ulimit -n}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FdLimitsTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(10));
    /** Made before a test opens its files: a number a test frees must not go to the loop's own descriptors. */
    private final EventLoop loop = kit.loop();
    private final EventLog log = kit.log;
    private final ContentFiles files = new ContentFiles(kit.dir());

    /** Logs the client's fd batches (size, and whether their contents are the next expected ones) and bytes. */
    private void recordClient(USocket client, List<String> contents) {
        client.on("fds", (int[] fds) -> {
            log.add("fds:" + fds.length);
            contents.addAll(readAndCloseAll(fds));
        });
        client.on("data", (byte[] d) -> log.add("data:" + new String(d, StandardCharsets.UTF_8)));
        client.on("end", () -> log.add("end"));
        client.on("close", (Boolean hadError) -> log.add("close:" + hadError));
    }

    // ---------------------------------------------------------------- D11

    @Test
    void twoHundredFiftyThreeFdsTravelInOneMessage() {
        int[] fds = files.openAll("m", 253);
        List<String> contents = new ArrayList<>();
        kit.pair((client, peer) -> {
            recordClient(client, contents);
            peer.write(new Message(bytes("x"), fds), err -> {
                for (int fd : fds) Fds.close(fd);
            });
            peer.end();
        });
        kit.run();
        assertEquals(List.of("fds:253", "data:x", "end", "close:false"), log.all());
        assertEquals(contents("m", 253), contents);
    }

    @Test
    void sixHundredFdsAreSplitOverSeveralMessagesInOrder() {
        int[] fds = files.openAll("m", 600);
        List<String> contents = new ArrayList<>();
        kit.pair((client, peer) -> {
            recordClient(client, contents);
            peer.write(new Message(bytes("0123456789"), fds), err -> {
                log.add("cb:" + code(err));
                for (int fd : fds) Fds.close(fd);
            });
            peer.end();
        });
        kit.run();
        // 253 + 253 with one byte each, then the last 94 with the rest of the data.
        assertEquals(List.of("cb:null", "fds:253", "data:0", "fds:253", "data:1", "fds:94", "data:23456789",
                "end", "close:false"), log.all());
        assertEquals(contents("m", 600), contents);
    }

    @Test
    void tooManyFdsForTheDataThrowsAndSendsNothing() {
        int[] fds = files.openAll("m", 600);
        kit.pair((client, peer) -> {
            recordClient(client, new ArrayList<>());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> peer.write(new Message(bytes("x"), fds), err -> log.add("cb:" + code(err))));
            log.add("threw " + e.code() + " pending=" + peer.writableLength());
            peer.end();
        });
        kit.run();
        assertEquals(List.of("threw ERR_OUT_OF_RANGE pending=0", "end", "close:false"), log.all());
        // Never sent, still the caller's.
        assertEquals("m0", ContentFiles.read(fds[0]));
        assertEquals("m599", ContentFiles.read(fds[599]));
        for (int fd : fds) Fds.close(fd);
    }

    @Test
    void waitingFdOnlyFdsCountTowardsTheNextWritesLimit() {
        int[] first = files.openAll("w", 253);
        int extra = files.open("extra");
        List<String> contents = new ArrayList<>();
        kit.pair((client, peer) -> {
            recordClient(client, contents);
            peer.write(first, err -> log.add("cb first:" + code(err)));
            // 254 fds would need two messages, so two bytes: one is refused, two are fine.
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> peer.write(new Message(bytes("y"), extra)));
            log.add("threw " + e.code());
            peer.write(new Message(bytes("yz"), extra), err -> log.add("cb extra:" + code(err)));
            peer.end();
        });
        kit.run();
        assertEquals(List.of("threw ERR_OUT_OF_RANGE", "cb first:null", "cb extra:null",
                "fds:253", "data:y", "fds:1", "data:z", "end", "close:false"), log.all());
        List<String> want = new ArrayList<>(contents("w", 253));
        want.add("extra");
        assertEquals(want, contents);
        for (int fd : first) Fds.close(fd);
        Fds.close(extra);
    }

    // ---------------------------------------------------------------- D12

    @Test
    void invalidFdsThrowAtWriteAndNothingIsQueued() {
        int good = files.open("good");
        kit.pair((client, peer) -> {
            // A number no descriptor can have: a number closed here could be given to another
            // thread's descriptor before the calls (and the write would then be a valid one).
            int closed = Integer.MAX_VALUE;
            recordClient(client, new ArrayList<>());
            List<Executable> calls = List.of(
                    () -> peer.write(new int[] {-1}, err -> log.add("cb -1")),
                    () -> peer.write(new int[] {closed}, err -> log.add("cb closed")),
                    () -> peer.write(new Message(bytes("x"), good, closed), err -> log.add("cb good+closed")),
                    () -> peer.end(new Message(bytes("x"), -1), err -> log.add("cb end")));
            for (Executable call : calls) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
                log.add(((CodedError) e).code() + " pending=" + peer.writableLength()
                        + " ended=" + peer.writableEnded());
            }
            peer.end();
        });
        kit.run();
        // No callback ran, and the peer got neither bytes nor fds.
        assertEquals(List.of("ERR_INVALID_FD pending=0 ended=false", "ERR_INVALID_FD pending=0 ended=false",
                "ERR_INVALID_FD pending=0 ended=false", "ERR_INVALID_FD pending=0 ended=false",
                "end", "close:false"), log.all());
        assertEquals("good", ContentFiles.read(good));
        Fds.close(good);
    }

    @Test
    void fdClosedBetweenWriteAndSendFailsWithEbadf() {
        // Moved above the numbers in use: the kernel gives the lowest free number, so another
        // thread opening a descriptor between the close and the send will not be given this one.
        int a = TestFds.moveHigh(files.open("A"));
        kit.pair((client, peer) -> {
            client.on("data", (byte[] d) -> log.add("client data"));
            client.on("fds", (int[] fds) -> log.add("client fds"));
            client.on("end", () -> log.add("client end"));
            peer.on("error", (Throwable e) -> log.add("error:" + code(e)));
            peer.on("close", (Boolean hadError) -> log.add("close:" + hadError));
            peer.cork();
            peer.write(new Message(bytes("x"), a), err -> {
                USocketException e = (USocketException) err;
                log.add("cb:" + e.code() + " " + e.errno() + " " + e.syscall());
            });
            Fds.close(a); // checked at write, gone at send
            peer.uncork();
            log.add("destroyed:" + peer.destroyed());
        });
        kit.run();
        // As node's writable.js: a write that fails inside uncork() (sync) reports through
        // nextTick(onwriteError): the socket is destroyed on the next tick, after the callback.
        assertEquals(List.of("destroyed:false", "cb:EBADF -9 write", "error:EBADF", "close:true", "client end"),
                log.all());
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
        assertNothingLeaked(tight, 4);
        assertEquals(6, tight.size(), tight.toString());

        List<String> roomy = sendToChild(1024, 200);
        assertEquals(List.of("connected", "data=1 queued=200", "close=false"), roomy.subList(1, 4), roomy.toString());
        // The 200 queued fds nobody read are closed with the socket (D14).
        assertNothingLeaked(roomy, 4);
    }

    /**
     * The child's lines from {@code at}: no descriptor open at its end that was not at its
     * baseline, and no more of them. (Fewer is not ours: under a full fd table the JVM itself
     * once dropped one of its own, as TestFds.assertNoLeak allows.)
     */
    private static void assertNothingLeaked(List<String> lines, int at) {
        assertEquals("new={}", lines.get(at + 1), lines.toString());
        int baseline = Integer.parseInt(lines.get(0).substring("baseline=".length()));
        int after = Integer.parseInt(lines.get(at).substring("after=".length()));
        assertTrue(after <= baseline, lines.toString());
    }

    /** Serves one connection that carries {@code count} fds and one byte to a child under {@code ulimit -n limit}. */
    private List<String> sendToChild(int limit, int count) throws IOException, InterruptedException {
        try (SocketTestKit parent = new SocketTestKit(Duration.ofSeconds(20))) {
            String path = kit.path("child-" + limit + ".sock");
            UServer server = new UServer(parent.loop());
            int[] fds = files.openAll("c", count);
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
            Process child = new ProcessBuilder(ChildProcess.javaCommandUnderUlimit(limit, FdTruncationChild.class, path))
                    .redirectErrorStream(true)
                    .start();
            parent.run();
            boolean exited = child.waitFor(20, TimeUnit.SECONDS);
            if (!exited) child.destroyForcibly().waitFor();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String where = "parent " + parent.log + ", child:\n" + out;
            assertFalse(parent.log.contains(SocketTestKit.GUARD), "the parent's loop did not finish: " + where);
            assertTrue(exited, "child still running: " + where);
            assertEquals(0, child.exitValue(), where);
            return Arrays.asList(out.strip().split("\n"));
        }
    }
}
