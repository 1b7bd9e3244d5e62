package io.usocket;

import static io.usocket.ContentFiles.readAndCloseAll;
import static io.usocket.EventLog.bytes;
import static io.usocket.EventLog.code;
import static io.usocket.TestFds.descriptorsOf;
import static io.usocket.TestFds.pathOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * File-descriptor passing between two sockets of one loop: {@code read(size, count)} (decisions D7),
 * the {@code 'fds'} event (D8), {@code unshift(data, fds)} (D9), how a write's fds travel (D10),
 * who closes what (D14) and reading past the high-water mark for fds (D15).
 *
 * <p>Every fd is checked by content: it opens its own temp file whose text names it
 * ({@code "A"}, {@code "B"}, ...), and a received fd is read from its start. Each test asserts a
 * whole event sequence and that the process has no more descriptors open afterwards.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FdPassingTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(10));
    /** Made before a test opens its files: a number a test frees must not go to the loop's own descriptors. */
    private final EventLoop loop = kit.loop();
    private final EventLog log = kit.log;
    private final ContentFiles files = new ContentFiles(kit.dir());

    /** {data, [contents of fds]}; reads and closes the fds. */
    private static String describe(Message m) {
        if (m == null) return "null";
        String data = m.data() == null ? "null" : new String(m.data(), StandardCharsets.UTF_8);
        return "{" + data + "," + readAndCloseAll(m.fds()) + "}";
    }

    private void logEndAndClose(USocket s, String who) {
        s.on("end", () -> log.add(who + "end"));
        s.on("close", (Boolean hadError) -> log.add(who + "close:" + hadError));
    }

    // ---------------------------------------------------------------- D7 read(size, count)

    @Test
    void readSizeCountReturnsNullConsumingNothingWhileBytesOrFdsAreShort() {
        int fd = files.open("W");
        int[] step = {0};
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("readable", () -> {
                switch (step[0]++) {
                    case 0 -> { // "hello" buffered, no fd yet
                        log.add("read(5,1)=" + describe(client.read(5, 1)));
                        log.add("read(6,null)=" + describe(client.read(6, null)));
                        log.add("read(6,0)=" + describe(client.read(6, 0)));
                        log.add("buffered=" + client.readableLength() + "/" + client.queuedFds());
                        peer.write(new Message(bytes("world"), fd), err -> Fds.close(fd));
                    }
                    case 1 -> { // "helloworld" and one fd
                        log.add("read(11,1)=" + describe(client.read(11, 1)));
                        log.add("read(10,2)=" + describe(client.read(10, 2)));
                        log.add("buffered=" + client.readableLength() + "/" + client.queuedFds());
                        log.add("read(10,1)=" + describe(client.read(10, 1)));
                        peer.end();
                    }
                    default -> log.add("read(1,0)=" + describe(client.read(1, 0))); // EOF, nothing left
                }
            });
            peer.write(bytes("hello"));
        });
        kit.run();
        assertEquals(List.of("read(5,1)=null", "read(6,null)=null", "read(6,0)=null", "buffered=5/0",
                "read(11,1)=null", "read(10,2)=null", "buffered=10/1", "read(10,1)={helloworld,[W]}",
                "read(1,0)=null", "end", "close:false"), log.all());
    }

    @Test
    void readZeroOneGivesOnlyAnFdAndNullNullGivesEverything() {
        int a = files.open("A");
        int b = files.open("B");
        int c = files.open("C");
        int[] step = {0};
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("readable", () -> {
                switch (step[0]++) {
                    case 0 -> {
                        log.add("read(0,1)=" + describe(client.read(0, 1)));
                        log.add("read(null,null)=" + describe(client.read(null, null)));
                        peer.write(new Message(bytes("z!"), b, c));
                    }
                    case 1 -> {
                        log.add("read(1,null)=" + describe(client.read(1, null)));
                        log.add("read(null,null)=" + describe(client.read(null, null)));
                        log.add("read(null,null)=" + describe(client.read(null, null)));
                        peer.end();
                    }
                    default -> log.add("read(null,null)=" + describe(client.read(null, null)));
                }
            });
            peer.write(new Message(bytes("xy"), a));
        });
        kit.run();
        assertEquals(List.of("read(0,1)={null,[A]}", "read(null,null)={xy,[]}",
                "read(1,null)={z,[B, C]}", "read(null,null)={!,[]}", "read(null,null)={null,[]}",
                "read(null,null)=null", "end", "close:false"), log.all());
        for (int fd : new int[] {a, b, c}) Fds.close(fd);
    }

    @Test
    void atEofTheRemainderCountsForSizeAndEndFollowsTheReadThatEmptiedTheBuffer() {
        int fd = files.open("F");
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            // Only read(size, count) reads: the fd condition must not hold 'end' back (D7).
            client.on("readable", () -> log.add("read(10,1)=" + describe(client.read(10, 1))
                    + " ended=" + client.readableEnded()));
            peer.end(new Message(bytes("abc"), fd), err -> Fds.close(fd));
        });
        kit.run();
        // The bytes, the fd and EOF may come in one wakeup or several: any early reads find nothing.
        List<String> log = this.log.all();
        assertEquals(List.of("read(10,1)={abc,[F]} ended=false", "end", "close:false"),
                log.subList(log.size() - 3, log.size()), log.toString());
        for (String e : log.subList(0, log.size() - 3)) assertEquals("read(10,1)=null ended=false", e, log.toString());
    }

    @Test
    void fdThatArrivesAfterItsBytesCompletesTheRead() {
        int fd = files.open("F");
        int[] step = {0};
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("readable", () -> {
                switch (step[0]++) {
                    case 0 -> {
                        log.add("read(4,1)=" + describe(client.read(4, 1)));
                        // Plain bytes first, then a message whose fd belongs to them in the reader's eyes.
                        peer.write(new Message(bytes("efgh"), fd), err -> Fds.close(fd));
                    }
                    case 1 -> {
                        log.add("read(4,1)=" + describe(client.read(4, 1)));
                        log.add("read(4,0)=" + describe(client.read(4, 0)));
                        peer.end();
                    }
                    default -> log.add("read(4,0)=" + describe(client.read(4, 0)));
                }
            });
            peer.write(bytes("abcd"));
        });
        kit.run();
        assertEquals(List.of("read(4,1)=null", "read(4,1)={abcd,[F]}", "read(4,0)={efgh,[]}",
                "read(4,0)=null", "end", "close:false"), log.all());
    }

    /** The npm README: read(7, 1) is the only read, and run() must still return (D7). */
    @Test
    void npmReadmeFlowLetsTheLoopFinish() {
        UServer server = new UServer(loop);
        USocket client = new USocket(loop);
        String path = kit.path("socket");
        server.listen(path, () -> client.connect(path));
        server.on("connection", (USocket connection) -> {
            byte[] msg = bytes("message");
            int fd = files.open("the file");
            loop.setTimeout(() -> connection.end(new Message(msg, fd), err -> Fds.close(fd)), 50);
        });
        client.on("connected", () -> client.read(0));
        client.on("readable", () -> {
            Message msg = client.read(7, 1);
            if (msg == null) return;
            log.add("received " + describe(msg));
            server.close();
            client.end();
        });
        server.on("close", () -> log.add("server close"));
        logEndAndClose(client, "client ");
        kit.run();
        // The server's 'close' and the client's 'end' come from different sockets: their order is free.
        assertEquals("received {message,[the file]}", log.all().get(0));
        assertEquals(List.of("client end", "client close:false"),
                log.all().stream().filter(e -> e.startsWith("client")).toList());
        assertEquals(4, log.all().size(), log.toString());
        assertTrue(log.contains("server close"), log.toString());
    }

    // ---------------------------------------------------------------- D8 'fds' event

    @Test
    void fdsEventComesBeforeItsBytesAndItsFdsAreNotQueued() {
        int a = files.open("A");
        int b = files.open("B");
        int c = files.open("C");
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("fds", (int[] fds) -> log.add("fds:" + readAndCloseAll(fds)));
            client.on("readable", () -> {
                log.add("read(0,1)=" + describe(client.read(0, 1)) + " queued=" + client.queuedFds());
                byte[] data = client.read();
                if (data != null) log.add("data:" + new String(data, StandardCharsets.UTF_8));
            });
            // Two fd messages never share a recvmsg, so each batch has its own bytes.
            peer.write(new Message(bytes("first"), a));
            peer.write(new Message(bytes("second"), b, c));
            peer.end();
        });
        kit.run();
        // Both messages may arrive in one wakeup (up to 32 reads per wakeup, as libuv): then their
        // 'readable' events merge, but each batch's 'fds' still precede the bytes that came with it.
        List<String> log = this.log.all();
        assertEquals("fds:[A]", log.get(0), log.toString());
        assertEquals(List.of("end", "close:false"), log.subList(log.size() - 2, log.size()), log.toString());
        StringBuilder data = new StringBuilder();
        int firstData = -1;
        int secondData = -1;
        for (int i = 0; i < log.size(); i++) {
            String e = log.get(i);
            if (e.startsWith("read(0,1)=")) assertEquals("read(0,1)=null queued=0", e, log.toString());
            if (!e.startsWith("data:")) continue;
            if (firstData < 0) firstData = i;
            data.append(e.substring(5));
            if (secondData < 0 && data.toString().contains("second")) secondData = i;
        }
        assertEquals("firstsecond", data.toString(), log.toString());
        int bc = log.indexOf("fds:[B, C]");
        assertTrue(bc > 0 && bc < secondData, log.toString());
        assertTrue(firstData > 0, log.toString());
        for (int fd : new int[] {a, b, c}) Fds.close(fd);
    }

    @Test
    void fdsEventPrecedesDataInFlowingMode() {
        int a = files.open("A");
        int b = files.open("B");
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("fds", (int[] fds) -> log.add("fds:" + readAndCloseAll(fds)));
            client.on("data", (byte[] d) -> log.add("data:" + new String(d, StandardCharsets.UTF_8)));
            peer.write(new Message(bytes("one"), a));
            peer.write(new Message(bytes("two"), b));
            peer.end();
        });
        kit.run();
        assertEquals(List.of("fds:[A]", "data:one", "fds:[B]", "data:two", "end", "close:false"), log.all());
        Fds.close(a);
        Fds.close(b);
    }

    @Test
    void withoutFdsListenerFdsWaitInTheQueue() {
        int a = files.open("A");
        int b = files.open("B");
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("readable", () -> {
                if (client.readableLength() == 0) { // the EOF 'readable'
                    client.read();
                    return;
                }
                log.add("queued=" + client.queuedFds());
                log.add("read(0,1)=" + describe(client.read(0, 1)));
                log.add("read(0,1)=" + describe(client.read(0, 1)));
                log.add("read(0,1)=" + describe(client.read(0, 1)));
                log.add("read()=" + new String(client.read(), StandardCharsets.UTF_8));
                peer.end();
            });
            peer.write(new Message(bytes("m"), a, b), err -> {
                Fds.close(a);
                Fds.close(b);
            });
        });
        kit.run();
        assertEquals(List.of("queued=2", "read(0,1)={null,[A]}", "read(0,1)={null,[B]}", "read(0,1)=null",
                "read()=m", "end", "close:false"), log.all());
    }

    // ---------------------------------------------------------------- D9 unshift(data, fds)

    @Test
    void unshiftPutsBytesAndFdsBackInFront() {
        int a = files.open("A");
        int b = files.open("B");
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("readable", () -> {
                Message first = client.read(2, 1);
                if (first == null) return;
                log.add("took " + new String(first.data(), StandardCharsets.UTF_8) + " + " + first.fds().length
                        + " fd, left " + client.readableLength() + "/" + client.queuedFds());
                client.unshift(first.data(), first.fds());
                log.add("after unshift " + client.readableLength() + "/" + client.queuedFds());
                Message again = client.read(5, 2);
                log.add("same fd number: " + (again.fds()[0] == first.fds()[0]));
                log.add("read(5,2)=" + describe(again));
                peer.end();
            });
            peer.write(new Message(bytes("hello"), a, b), err -> {
                Fds.close(a);
                Fds.close(b);
            });
        });
        kit.run();
        assertEquals(List.of("took he + 1 fd, left 3/1", "after unshift 5/2", "same fd number: true",
                "read(5,2)={hello,[A, B]}", "end", "close:false"), log.all());
    }

    // ---------------------------------------------------------------- D10 sending

    @Test
    void megabyteWritesWithFdsToAPausedPeerDeliverEachFdOnce() {
        int size = 1 << 20;
        byte[] one = pattern(size, 1);
        byte[] two = pattern(size, 2);
        int a = files.open("A");
        int b = files.open("B");
        List<String> fdsSeen = new ArrayList<>();
        CRC32 crc = new CRC32();
        long[] received = {0};
        kit.pair((client, peer) -> {
            logEndAndClose(client, "client ");
            // Announced at once (not queued), even while nobody consumes the bytes.
            client.on("fds", (int[] fds) -> fdsSeen.add(received[0] + ":" + readAndCloseAll(fds)));
            peer.write(new Message(one, a), err -> log.add("cb A:" + code(err)));
            peer.write(new Message(two, b), err -> log.add("cb B:" + code(err)));
            peer.end();
            // The reader is paused for a while: the sender's sendmsg calls come back partial.
            client.pause();
            loop.setTimeout(() -> {
                // bytesWritten counts buffered bytes too (node, issue #9 item 19): writableLength tells what is unsent
                log.add("sender blocked: " + (peer.writableLength() > 0));
                client.on("data", (byte[] d) -> {
                    crc.update(d);
                    received[0] += d.length;
                });
                client.resume();
            }, 50);
        });
        kit.run();
        assertEquals(List.of("sender blocked: true", "cb A:null", "cb B:null", "client end", "client close:false"),
                log.all());
        CRC32 want = new CRC32();
        want.update(one);
        want.update(two);
        assertEquals(2L * size, received[0]);
        assertEquals(want.getValue(), crc.getValue());
        assertEquals(2, fdsSeen.size(), fdsSeen.toString());
        assertEquals("0:[A]", fdsSeen.get(0));
        // B rides with its write's first bytes: by then at most the bytes of A's write were delivered.
        long at = Long.parseLong(fdsSeen.get(1).substring(0, fdsSeen.get(1).indexOf(':')));
        assertTrue(at <= size, "B announced after " + at + " bytes");
        assertTrue(fdsSeen.get(1).endsWith(":[B]"), fdsSeen.toString());
        Fds.close(a);
        Fds.close(b);
    }

    private static byte[] pattern(int size, int seed) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) out[i] = (byte) (i * 31 + seed);
        return out;
    }

    @Test
    void writeWithFdsOnAFullSendBufferKeepsItsFdsForTheRetry() {
        int a = files.open("A");
        long[] filled = {0};
        long[] received = {0};
        byte[] last = new byte[1];
        List<String> fdsSeen = new ArrayList<>();
        kit.pair((client, peer) -> {
            logEndAndClose(client, "client ");
            filled[0] = fillSendBuffer(peer.fd);
            peer.write(new Message(bytes("x"), a), err -> log.add("cb:" + code(err) + " open:" + Fds.isOpen(a)));
            // Still queued: the first sendmsg hit EAGAIN before any byte left, so the fd did not either.
            log.add("pending after write: " + peer.writableLength());
            peer.end();
            client.on("fds", (int[] fds) -> fdsSeen.add(received[0] + ":" + readAndCloseAll(fds)));
            client.on("data", (byte[] d) -> {
                received[0] += d.length;
                last[0] = d[d.length - 1];
            });
        });
        kit.run();
        assertEquals(List.of("pending after write: 1", "cb:null open:true", "client end", "client close:false"),
                log.all());
        assertEquals(filled[0] + 1, received[0]);
        assertEquals('x', last[0]);
        assertEquals(1, fdsSeen.size(), fdsSeen.toString());
        assertTrue(fdsSeen.get(0).endsWith(":[A]"), fdsSeen.toString());
        Fds.close(a);
    }

    /** D12 when the first sendmsg meets a full buffer: a closed fd is still refused at once. */
    @Test
    void closedFdIsRefusedAtOnceEvenWhenTheSendBufferIsFull() {
        int closed = files.open("closed");
        Fds.close(closed);
        kit.pair((client, peer) -> {
            logEndAndClose(client, "client ");
            client.resume();
            fillSendBuffer(peer.fd);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> peer.write(new Message(bytes("x"), closed), err -> log.add("cb " + code(err))));
            log.add(e.code() + " pending=" + peer.writableLength());
            peer.end();
        });
        kit.run();
        assertEquals(List.of("ERR_INVALID_FD pending=0", "client end", "client close:false"), log.all());
    }

    /** D12: an fd closed after write() queued it (buffer full) fails the send with EBADF, not an exception. */
    @Test
    void fdClosedWhileItsWriteWaitsForRoomFailsWithEbadf() {
        int a = files.open("A");
        kit.pair((client, peer) -> {
            client.on("close", (Boolean had) -> log.add("client close:" + had));
            fillSendBuffer(peer.fd);
            peer.write(new Message(bytes("x"), a), err -> log.add("cb " + code(err)));
            peer.on("error", (USocketException err) -> log.add("error " + err.code() + " " + err.syscall()));
            peer.on("close", (Boolean had) -> log.add("peer close:" + had));
            Fds.close(a);
            client.resume();
        });
        kit.run();
        List<String> all = log.all();
        assertEquals(List.of("cb EBADF", "error EBADF write", "peer close:true"),
                all.stream().filter(e -> !e.startsWith("client")).toList(), all.toString());
    }

    /** Writes to the non-blocking socket behind the library's back until even one byte does not fit. */
    private static long fillSendBuffer(int fd) {
        NativeBuffer buf = new NativeBuffer(64 * 1024);
        long total = 0;
        for (int chunk = buf.size(); chunk >= 1; ) {
            long n = LibC.INSTANCE.write(fd, buf, chunk);
            if (n > 0) {
                total += n;
            } else if (LibC.errno() == Errno.EAGAIN) {
                chunk /= 2;
            } else {
                throw new IllegalStateException("write errno " + LibC.errno());
            }
        }
        return total;
    }

    @Test
    void fdOnlyWritesRideOnTheNextBytesInOrder() {
        int a = files.open("A");
        int b = files.open("B");
        int c = files.open("C");
        int d = files.open("D");
        List<String> clientLog = new ArrayList<>();
        kit.pair((client, peer) -> {
            client.on("fds", (int[] fds) -> clientLog.add("fds:" + readAndCloseAll(fds)));
            client.on("data", (byte[] data) -> clientLog.add("data:" + new String(data, StandardCharsets.UTF_8)));
            client.on("end", () -> clientLog.add("end"));
            peer.write(new int[] {a}, err -> log.add("cb A:" + code(err) + " open:" + Fds.isOpen(a)));
            peer.write(new int[] {b, c}, err -> log.add("cb BC:" + code(err)));
            log.add("pending fds wait");
            loop.setTimeout(() -> {
                log.add("write D");
                peer.write(new Message(bytes("data"), d), err -> log.add("cb D:" + code(err)));
                peer.end();
            }, 30);
        });
        kit.run();
        assertEquals(List.of("pending fds wait", "write D", "cb A:null open:true", "cb BC:null", "cb D:null"), log.all());
        assertEquals(List.of("fds:[A, B, C, D]", "data:data", "end"), clientLog);
        for (int fd : new int[] {a, b, c, d}) Fds.close(fd);
    }

    @Test
    void endingWhileFdOnlyFdsWaitFailsThatWrite() {
        int a = files.open("A");
        kit.pair((client, peer) -> {
            logEndAndClose(client, "client ");
            peer.on("error", (Throwable e) -> log.add("error:" + code(e)));
            peer.on("close", (Boolean hadError) -> log.add("close:" + hadError));
            peer.on("finish", () -> log.add("finish"));
            peer.write(new int[] {a}, err -> log.add("cb:" + code(err)));
            peer.end();
            log.add("destroyed:" + peer.destroyed());
        });
        kit.run();
        List<String> peerLog = log.all().stream().filter(s -> !s.startsWith("client")).toList();
        assertEquals(List.of("destroyed:true", "cb:ERR_FDS_WITHOUT_DATA", "error:ERR_FDS_WITHOUT_DATA", "close:true"),
                peerLog);
        assertTrue(log.all().containsAll(List.of("client end", "client close:false")), log.toString());
        // The fd was never sent and is still the caller's.
        assertEquals("A", ContentFiles.read(a));
        Fds.close(a);
    }

    // ---------------------------------------------------------------- D14 ownership

    @Test
    void fdsStillQueuedAtCloseAreClosedByTheLibrary() {
        int a = files.open("A");
        int b = files.open("B");
        Path fileA = pathOf(a);
        Path fileB = pathOf(b);
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            // Bytes are consumed, the fds never are.
            client.on("data", (byte[] d) -> log.add("data:" + new String(d, StandardCharsets.UTF_8)));
            client.on("end", () -> log.add("queued=" + client.queuedFds() + " open copies="
                    + descriptorsOf(fileA) + "," + descriptorsOf(fileB)));
            peer.write(new Message(bytes("x"), a, b), err -> {
                Fds.close(a);
                Fds.close(b);
            });
            peer.end();
        });
        kit.run();
        assertEquals(List.of("data:x", "end", "queued=2 open copies=1,1", "close:false"), log.all());
        assertEquals(0, descriptorsOf(fileA));
        assertEquals(0, descriptorsOf(fileB));
    }

    @Test
    void fdsStillQueuedAtDestroyAreClosedByTheLibrary() {
        int a = files.open("A");
        Path fileA = pathOf(a);
        kit.pair((client, peer) -> {
            logEndAndClose(client, "client ");
            peer.on("close", (Boolean hadError) -> log.add("peer close:" + hadError));
            client.on("readable", () -> {
                log.add("queued=" + client.queuedFds() + " open copies=" + descriptorsOf(fileA));
                client.destroy();
            });
            peer.write(new Message(bytes("x"), a), err -> Fds.close(a));
        });
        kit.run();
        assertEquals(List.of("queued=1 open copies=1", "client close:false", "peer close:false"), log.all());
        assertEquals(0, descriptorsOf(fileA));
    }

    @Test
    void fdsGivenToWriteStayTheCallersAfterTheCallback() {
        int a = files.open("A");
        int[] pipe = Fds.pipe();
        kit.pair((client, peer) -> {
            logEndAndClose(client, "client ");
            client.on("readable", () -> {
                Message m = client.read(1, 2);
                if (m == null) return;
                // The received write end reaches the same pipe: bytes written through it come out here.
                ContentFiles.writeText(m.fds()[1], "through the passed pipe");
                log.add("pipe:" + ContentFiles.readSome(pipe[0]));
                log.add("file:" + ContentFiles.read(m.fds()[0]));
                Fds.close(m.fds()[0]);
                Fds.close(m.fds()[1]);
            });
            peer.write(new Message(bytes("x"), a, pipe[1]), err -> {
                log.add("cb:" + code(err) + " open:" + Fds.isOpen(a) + "," + Fds.isOpen(pipe[1]));
                peer.end();
            });
        });
        kit.run();
        assertEquals(List.of("cb:null open:true,true", "pipe:through the passed pipe", "file:A",
                "client end", "client close:false"), log.all());
        // Still open after the loop is gone: the library never closes what it was given to send.
        assertTrue(Fds.isOpen(a));
        ContentFiles.writeText(pipe[1], "still mine");
        assertEquals("still mine", ContentFiles.readSome(pipe[0]));
        Fds.close(a);
        Fds.close(pipe[0]);
        Fds.close(pipe[1]);
    }

    // ---------------------------------------------------------------- D15 no stall

    @Test
    void readerWaitingForFdsKeepsReadingPastTheHighWaterMark() {
        int a = files.open("A");
        byte[] bulk = new byte[100_000];
        Arrays.fill(bulk, (byte) 'p');
        int[] maxWhileWaiting = {0};
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("readable", () -> {
                Message m = client.read(null, 1);
                if (m == null) {
                    maxWhileWaiting[0] = Math.max(maxWhileWaiting[0], client.readableLength());
                    return;
                }
                log.add("got " + m.data().length + " bytes ending in " + (char) m.data()[m.data().length - 1]
                        + " and " + readAndCloseAll(m.fds()));
                peer.end();
            });
            peer.write(bulk);
            peer.write(new Message(bytes("z"), a), err -> Fds.close(a));
        });
        kit.run();
        assertEquals(List.of("got 100001 bytes ending in z and [A]", "end", "close:false"), log.all());
        assertTrue(maxWhileWaiting[0] > 16 * 1024, "buffered while waiting: " + maxWhileWaiting[0]);
    }

    @Test
    void readAskingForMoreThanTheHighWaterMarkAfterItsFdArrivedGetsAllTheBytes() {
        int a = files.open("A");
        byte[] bulk = new byte[100_000];
        Arrays.fill(bulk, (byte) 'q');
        kit.pair((client, peer) -> {
            logEndAndClose(client, "");
            client.on("readable", () -> {
                Message m = client.read(100_001, 1);
                if (m == null) return;
                log.add("got " + m.data().length + " bytes starting with " + (char) m.data()[0]
                        + " and " + readAndCloseAll(m.fds()));
                peer.end();
            });
            // The fd comes first, so fds are not short: only the bytes are, far above 16 KiB.
            peer.write(new Message(bytes("z"), a), err -> Fds.close(a));
            peer.write(bulk);
        });
        kit.run();
        assertEquals(List.of("got 100001 bytes starting with z and [A]", "end", "close:false"), log.all());
    }

    @Test
    void receivedFdsAreCloseOnExec() {
        int a = files.open("A");
        // The sender's copy is not close-on-exec: the flag must come from the receiving side (D13, D19).
        assertEquals(0, LibC.INSTANCE.fcntl(a, io.usocket.internal.sys.Sys.F_SETFD, 0));
        assertFalse(TestFds.isCloexec(a));
        kit.pair((client, peer) -> {
            client.on("fds", (int[] fds) -> {
                log.add("cloexec:" + TestFds.isCloexec(fds[0]) + " " + readAndCloseAll(fds));
                client.end();
            });
            client.resume();
            peer.write(new Message(bytes("x"), a), err -> Fds.close(a));
        });
        kit.run();
        assertEquals(List.of("cloexec:true [A]"), log.all());
    }
}
