package io.usocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;
import io.usocket.internal.sys.Sys;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdsTest {
    @TempDir
    Path dir;

    private int baseline;

    /**
     * Loads every class the tests touch (jars the class loader opens stay open), so that the
     * per-test fd count measures the code under test only.
     */
    @BeforeAll
    static void warmUp(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("warm");
        Files.writeString(p, "w");
        try (FileChannel ch = Fds.toFileChannel(Fds.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            Fds.fromChannel(ch);
        }
        try (FileChannel ch = Fds.toFileChannel(Fds.open(p, StandardOpenOption.APPEND))) {
            ch.position();
        }
        int[] fds = Fds.pipe();
        Fds.toInputStream(fds[0]).close();
        Fds.toOutputStream(fds[1]).close();
        assertThrows(USocketException.class, () -> Fds.close(fds[0]));
        assertThrows(USocketException.class, () -> Fds.open(tmp.resolve("missing")));
        assertThrows(InvalidArgumentException.class, () -> Fds.close(-1));
        Files.getAttribute(p, "unix:mode");
    }

    @BeforeEach
    void countFds() {
        baseline = TestFds.openFdCount();
    }

    @AfterEach
    void noLeak() {
        // Everything here closes synchronously; assertNoLeak only allows for transient fds of
        // the JVM and surefire (seen: one that comes and goes while a child process is reaped).
        TestFds.assertNoLeak(baseline);
    }

    private Path file(String content) throws Exception {
        Path p = dir.resolve("f.txt");
        Files.writeString(p, content);
        return p;
    }

    private static boolean cloexec(int fd) {
        int flags = LibC.INSTANCE.fcntl(fd, Sys.F_GETFD, 0);
        assertTrue(flags >= 0, "fcntl F_GETFD " + fd);
        return (flags & Sys.FD_CLOEXEC) != 0;
    }

    private static int accMode(int fd) {
        return LibC.INSTANCE.fcntl(fd, Sys.F_GETFL, 0) & 3;
    }

    /** What /proc/self/fd/n links to: the file (or pipe:[inode]) behind descriptor n. */
    private static String behind(int fd) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    /**
     * The kernel refusing the JDK's open of the stand-in (EMFILE, in a child JVM under
     * {@code ulimit -n}) is a coded system error naming the call and path, and the fd stays the
     * caller's (decisions D57). Before D57 it was an uncoded UncheckedIOException.
     */
    @Test
    void aConversionTheKernelRefusesIsACodedSystemErrorAndTheFdStaysTheCallers() {
        ChildProcess.Result r = ChildProcess.start("fds-emfile", dir,
                ChildProcess.javaCommandUnderUlimit(128, FdsConversionChild.class)).finish(Duration.ofSeconds(120));
        assertEquals(List.of("full=EMFILE",
                "error=USocketException code=EMFILE errno=-24 syscall=open address=/proc/self/fd/N suppressed=1",
                "kept=true"), r.stdout(), r.stderr());
        assertEquals(0, r.exitCode(), r.stderr());
    }

    @Test
    void openReadsThroughInputStream() throws Exception {
        Path p = file("hello fds\n");
        int fd = Fds.open(p);
        String id = TestFds.identity(fd);
        assertTrue(fd > 2);
        assertEquals(Sys.O_RDONLY, accMode(fd));
        try (InputStream in = Fds.toInputStream(fd)) {
            assertEquals("hello fds\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        TestFds.assertClosed(fd, id, "closing the stream closes the fd");
    }

    @Test
    void writesThroughOutputStream() throws Exception {
        Path p = file("old content that is longer");
        int fd = Fds.open(p, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        String id = TestFds.identity(fd);
        assertEquals(Sys.O_WRONLY, accMode(fd));
        try (OutputStream out = Fds.toOutputStream(fd)) {
            out.write("new".getBytes(StandardCharsets.UTF_8));
        }
        TestFds.assertClosed(fd, id, "closing the stream closes the fd");
        assertEquals("new", Files.readString(p));
    }

    @Test
    void openOptionsMapToFlags() throws Exception {
        Path p = dir.resolve("created");
        int fd = Fds.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        int fl = LibC.INSTANCE.fcntl(fd, Sys.F_GETFL, 0);
        assertEquals(Sys.O_WRONLY, fl & 3);
        Fds.close(fd);
        assertTrue(Files.exists(p));
        int mode = (int) Files.getAttribute(p, "unix:mode") & 0777;
        assertEquals(0, mode & ~0666, "created with mode 0666 less umask: " + Integer.toOctalString(mode));

        USocketException exists = assertThrows(USocketException.class,
                () -> Fds.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        assertEquals(-17, exists.errno()); // EEXIST
        assertTrue(exists.getMessage().startsWith("open E"), exists.getMessage());
        assertTrue(exists.getMessage().endsWith(" " + p), exists.getMessage());
        assertEquals("open", exists.syscall());
        assertEquals(p.toString(), exists.address());

        Files.writeString(p, "ab");
        int ap = Fds.open(p, StandardOpenOption.APPEND);
        fl = LibC.INSTANCE.fcntl(ap, Sys.F_GETFL, 0);
        assertEquals(Sys.O_WRONLY, fl & 3);
        assertTrue((fl & Sys.O_APPEND) != 0);
        try (FileChannel ch = Fds.toFileChannel(ap)) {
            assertEquals(2, ch.position(), "append channel reports the end as its position");
            ch.write(ByteBuffer.wrap("cd".getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals("abcd", Files.readString(p));

        int rw = Fds.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        assertEquals(Sys.O_RDWR, accMode(rw));
        Fds.close(rw);

        // CREATE is ignored when only reading, as in Java
        Path missing = dir.resolve("missing");
        USocketException enoent = assertThrows(USocketException.class,
                () -> Fds.open(missing, StandardOpenOption.READ, StandardOpenOption.CREATE));
        assertEquals("ENOENT", enoent.code());
        assertEquals(-2, enoent.errno());
        assertEquals("open ENOENT " + missing, enoent.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void opensNonAsciiPath() throws Exception {
        Path p = dir.resolve("caf\u00e9-\u20ac.txt");
        Files.writeString(p, "x");
        int fd = Fds.open(p);
        try (InputStream in = Fds.toInputStream(fd)) {
            assertEquals("x", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void fileChannelRoundTrip() throws Exception {
        Path p = file("0123456789");
        int fd = Fds.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel ch = Fds.toFileChannel(fd);
        int held = Fds.fromChannel(ch);
        String heldId = TestFds.identity(held);
        assertTrue(Fds.isOpen(held));
        assertTrue(cloexec(held));
        assertEquals(Sys.O_RDWR, accMode(held));
        assertEquals(10, ch.size());
        ch.write(ByteBuffer.wrap("AB".getBytes(StandardCharsets.US_ASCII)), 3);
        ByteBuffer b = ByteBuffer.allocate(10);
        assertEquals(10, ch.read(b, 0));
        assertEquals("012AB56789", new String(b.array(), StandardCharsets.US_ASCII));
        ch.position(8);
        ch.write(ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII)));
        ch.close();
        TestFds.assertClosed(held, heldId, "closing the channel closes its fd");
        assertEquals(-1, Fds.fromChannel(ch));
        assertEquals("012AB567xyz", Files.readString(p));
    }

    @Test
    void readOnlyAndWriteOnlyChannelsHoldTheSameOpenFile() throws Exception {
        Path p = file("abc");
        int r = Fds.open(p);
        String rId = TestFds.identity(r);
        try (FileChannel ch = Fds.toFileChannel(r)) {
            int held = Fds.fromChannel(ch);
            assertNotEquals(r, held, "the open file moved to the stand-in's number");
            TestFds.assertClosed(r, rId, "the caller's number is closed");
            assertEquals(p.toRealPath().toString(), behind(held));
            assertEquals(Sys.O_RDONLY, accMode(held));
            assertTrue(cloexec(held));
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, ch.read(b));
            assertEquals("abc", new String(b.array(), StandardCharsets.US_ASCII));
            assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
        }

        int w = Fds.open(p, StandardOpenOption.WRITE);
        try (FileChannel ch = Fds.toFileChannel(w)) {
            int held = Fds.fromChannel(ch);
            assertEquals(p.toRealPath().toString(), behind(held));
            assertEquals(Sys.O_WRONLY, accMode(held));
            ch.write(ByteBuffer.wrap("Z".getBytes(StandardCharsets.US_ASCII)));
            assertThrows(NonReadableChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        }
        assertEquals("Zbc", Files.readString(p));
    }

    /** The open file itself moves: its offset comes along, and nothing is opened again by name. */
    @Test
    void conversionKeepsTheOpenFileNotThePath() throws Exception {
        Path p = file("0123456789");
        int fd = Fds.open(p);
        // advance fd's offset to 4 behind the library's back, then delete the name
        assertEquals(4, LibC.INSTANCE.read(fd, new NativeBuffer(4), 4));
        Files.delete(p);
        try (InputStream in = Fds.toInputStream(fd)) {
            assertEquals("456789", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Conversions on several threads at once, while another thread keeps opening and closing
     * files: each stand-in is found by its own pipe, so every stream reads its own file.
     */
    @Test
    void concurrentConversionsEachGetTheirOwnFile() throws Exception {
        int threads = 4, each = 40;
        for (int t = 0; t < threads; t++) Files.writeString(dir.resolve("t" + t), "content of " + t);
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                try (InputStream in = new FileInputStream("/dev/null")) {
                    in.read();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        churn.start();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Path p = dir.resolve("t" + t);
                String expected = "content of " + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        int fd = Fds.open(p);
                        try (InputStream in = Fds.toInputStream(fd)) {
                            assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
            stop.set(true);
            churn.join();
        }
    }

    @Test
    void objectsJavaOpenedItselfHaveNoNumberToTell() throws Exception {
        Path p = file("abc");
        try (FileChannel ch = FileChannel.open(p);
             RandomAccessFile raf = new RandomAccessFile(p.toFile(), "r")) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Fds.fromChannel(ch));
            assertEquals("ERR_INVALID_ARG_VALUE", e.code());
            assertTrue(e.getMessage().contains("Fds.open"), e.getMessage());
            assertEquals("ERR_INVALID_ARG_VALUE", assertThrows(InvalidArgumentException.class,
                    () -> Fds.fromChannel(raf.getChannel())).code());
            assertEquals("ERR_INVALID_ARG_VALUE", assertThrows(InvalidArgumentException.class,
                    () -> Fds.fromFileDescriptor(raf.getFD())).code());
        }
    }

    @Test
    void pipeWriteRead() throws Exception {
        int[] fds = Fds.pipe();
        String readId = TestFds.identity(fds[0]);
        String writeId = TestFds.identity(fds[1]);
        assertEquals(2, fds.length);
        assertNotEquals(fds[0], fds[1]);
        assertTrue(cloexec(fds[0]));
        assertTrue(cloexec(fds[1]));
        assertEquals(Sys.O_RDONLY, accMode(fds[0]));
        assertEquals(Sys.O_WRONLY, accMode(fds[1]));
        try (OutputStream out = Fds.toOutputStream(fds[1]); InputStream in = Fds.toInputStream(fds[0])) {
            byte[] big = new byte[20000];
            for (int i = 0; i < big.length; i++) big[i] = (byte) i;
            out.write(new byte[] {1, 2, 3, 4, 5});
            out.write(big);
            out.close();
            // JDK 17.0.15's FileInputStream fails these on a pipe ("Illegal seek", JDK-8341666)
            assertArrayEquals(new byte[] {1, 2}, in.readNBytes(2));
            assertEquals(2, in.skip(2));
            assertEquals(5, in.read());
            assertArrayEquals(big, in.readAllBytes());
            assertEquals(-1, in.read());
        }
        TestFds.assertClosed(fds[0], readId, "the read end");
        TestFds.assertClosed(fds[1], writeId, "the write end");
    }

    @Test
    void openIsCloseOnExec() throws Exception {
        int fd = Fds.open(file("x"));
        try {
            assertTrue(cloexec(fd));
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void isOpenAndClose() throws Exception {
        int fd = Fds.open(file("x"));
        String id = TestFds.identity(fd);
        assertTrue(Fds.isOpen(fd));
        Fds.close(fd);
        TestFds.assertClosed(fd, id, "closed");
        assertFalse(Fds.isOpen(-1));
        assertFalse(Fds.isOpen(Integer.MAX_VALUE));

        // Closing again is EBADF. Not with fd's own number: another thread may have been given it
        // meanwhile, and this would close that thread's descriptor. A number no thread can hold.
        USocketException e = assertThrows(USocketException.class, () -> Fds.close(Integer.MAX_VALUE));
        assertEquals("EBADF", e.code());
        assertEquals(-9, e.errno());
        assertEquals("close", e.syscall());
        assertEquals("close EBADF", e.getMessage());
    }

    @Test
    void fileDescriptorConversions() throws Exception {
        int fd = Fds.open(file("x"));
        FileDescriptor fdo = Fds.toFileDescriptor(fd);
        assertTrue(fdo.valid());
        int held = Fds.fromFileDescriptor(fdo);
        String heldId = TestFds.identity(held);
        assertNotEquals(fd, held);
        assertEquals(dir.resolve("f.txt").toRealPath().toString(), behind(held));
        assertTrue(cloexec(held));
        assertEquals(0, Fds.fromFileDescriptor(FileDescriptor.in));
        assertEquals(1, Fds.fromFileDescriptor(FileDescriptor.out));
        assertEquals(2, Fds.fromFileDescriptor(FileDescriptor.err));
        assertEquals(-1, Fds.fromFileDescriptor(new FileDescriptor()));
        try (FileInputStream in = new FileInputStream(fdo)) {
            assertEquals('x', in.read());
        }
        TestFds.assertClosed(held, heldId, "closing the stream closes the held fd");
        assertFalse(fdo.valid());
        assertEquals(-1, Fds.fromFileDescriptor(fdo));

        int w = Fds.open(dir.resolve("y"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try (FileOutputStream out = Fds.toOutputStream(w)) {
            int n = Fds.fromFileDescriptor(out.getFD());
            assertTrue(Fds.isOpen(n));
            assertEquals(Sys.O_WRONLY, accMode(n));
            out.write('y');
        }
        assertEquals("y", Files.readString(dir.resolve("y")));
    }

    @Test
    void badArguments() throws Exception {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Fds.close(-1));
        assertEquals("ERR_INVALID_FD", e.code());
        assertEquals("The \"fd\" argument must be a valid file descriptor. Received -1", e.getMessage());

        for (int bad : new int[] {-1, -42}) {
            assertEquals("ERR_INVALID_FD", assertThrows(InvalidArgumentException.class,
                    () -> Fds.toFileDescriptor(bad)).code());
            assertEquals("ERR_INVALID_FD", assertThrows(InvalidArgumentException.class,
                    () -> Fds.toInputStream(bad)).code());
            assertEquals("ERR_INVALID_FD", assertThrows(InvalidArgumentException.class,
                    () -> Fds.toOutputStream(bad)).code());
            assertEquals("ERR_INVALID_FD", assertThrows(InvalidArgumentException.class,
                    () -> Fds.toFileChannel(bad)).code());
        }
        // not open
        int fd = Fds.open(file("x"));
        Fds.close(fd);
        InvalidArgumentException closed = assertThrows(InvalidArgumentException.class, () -> Fds.toInputStream(fd));
        assertEquals("ERR_INVALID_FD", closed.code());
        assertEquals("The \"fd\" argument must be a valid file descriptor. Received " + fd, closed.getMessage());

        InvalidArgumentException np = assertThrows(InvalidArgumentException.class, () -> Fds.open(null));
        assertEquals("ERR_INVALID_ARG_TYPE", np.code());
        assertTrue(np instanceof IllegalArgumentException);
        assertEquals("ERR_INVALID_ARG_TYPE", assertThrows(InvalidArgumentException.class,
                () -> Fds.open(null, StandardOpenOption.READ)).code());
        assertEquals("ERR_INVALID_ARG_TYPE", assertThrows(InvalidArgumentException.class,
                () -> Fds.open(dir, (StandardOpenOption) null)).code());
        assertEquals("ERR_INVALID_ARG_TYPE", assertThrows(InvalidArgumentException.class,
                () -> Fds.fromFileDescriptor(null)).code());
        assertEquals("ERR_INVALID_ARG_TYPE", assertThrows(InvalidArgumentException.class,
                () -> Fds.fromChannel(null)).code());
        assertEquals("ERR_INVALID_ARG_VALUE", assertThrows(InvalidArgumentException.class,
                () -> Fds.open(dir.resolve("z"), StandardOpenOption.DELETE_ON_CLOSE)).code());
        assertEquals("ERR_INVALID_ARG_VALUE", assertThrows(InvalidArgumentException.class,
                () -> Fds.open(dir.resolve("z"), LinkOption.NOFOLLOW_LINKS)).code());
        assertEquals("ERR_INVALID_ARG_VALUE", assertThrows(InvalidArgumentException.class,
                () -> Fds.open(dir.resolve("z"), StandardOpenOption.READ, StandardOpenOption.APPEND)).code());
    }

    /** A child JVM with the same class path converts fds without --add-opens and prints nothing on stderr. */
    @Test
    void conversionsPrintNoWarningInAChildJvm() throws Exception {
        Path p = file("child");
        // with the test JVM's own native-access flags (on JDK 25: deny Unsafe, allow native access)
        ProcessBuilder pb = new ProcessBuilder(ChildProcess.javaCommand(Child.class, p.toString()));
        File err = dir.resolve("stderr").toFile();
        File out = dir.resolve("stdout").toFile();
        pb.redirectError(err).redirectOutput(out).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process proc = pb.start();
        proc.getOutputStream().close();
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "child finished");
        assertEquals("", Files.readString(err.toPath()), "child stderr");
        assertEquals("ok child 0\n", Files.readString(out.toPath()));
        assertEquals(0, proc.exitValue());
    }

    /** Run by {@link #conversionsPrintNoWarningInAChildJvm} in a separate JVM. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            int fd = Fds.open(Path.of(args[0]));
            FileDescriptor fdo = Fds.toFileDescriptor(fd);
            if (Fds.fromFileDescriptor(fdo) < 0 || Fds.isOpen(fd) && Fds.fromFileDescriptor(fdo) == fd) {
                throw new AssertionError("fd");
            }
            String s;
            try (InputStream in = new FileInputStream(fdo)) {
                s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int[] pipe = Fds.pipe();
            try (FileChannel r = Fds.toFileChannel(pipe[0]); FileChannel w = Fds.toFileChannel(pipe[1])) {
                if (!Fds.isOpen(Fds.fromChannel(r))) throw new AssertionError("channel");
                w.write(ByteBuffer.wrap(new byte[1]));
            }
            System.out.println("ok " + s + " " + Fds.fromFileDescriptor(FileDescriptor.in));
        }
    }
}
