package io.usocket;

import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Descriptors recognised by content: each opens a temp file of its own whose text names it, and
 * a descriptor that was passed around is read back to tell which file it is. Also pipe ends,
 * written through and read back.
 */
public final class ContentFiles {
    private static final AtomicInteger FILES = new AtomicInteger();

    private final Path dir;

    /** Files are created in {@code dir}. */
    public ContentFiles(Path dir) {
        this.dir = dir;
    }

    /** A new file holding {@code content}, opened read-only (close-on-exec). */
    public int open(String content) {
        Path file = dir.resolve("f" + FILES.incrementAndGet() + ".txt");
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Fds.open(file);
    }

    /** {@code n} new files, file {@code i} holding {@link #content content(prefix, i)}, each opened read-only. */
    public int[] openAll(String prefix, int n) {
        int[] fds = new int[n];
        for (int i = 0; i < n; i++) fds[i] = open(content(prefix, i));
        return fds;
    }

    /** What {@link #openAll} writes into file {@code i}: {@code prefix + i}. */
    public static String content(String prefix, int i) {
        return prefix + i;
    }

    /** The contents of the {@code n} files {@link #openAll} opens, in order. */
    public static List<String> contents(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(content(prefix, i));
        return out;
    }

    /** Everything {@code fd} gives from its offset to EOF (a new descriptor: its whole file); {@code fd} stays open. */
    public static String read(int fd) {
        NativeBuffer buf = new NativeBuffer(4096);
        StringBuilder sb = new StringBuilder();
        while (true) {
            long n = LibC.INSTANCE.read(fd, buf, buf.size());
            if (n < 0) throw new IllegalStateException("read(" + fd + ") failed: errno " + LibC.errno());
            if (n == 0) return sb.toString();
            byte[] b = new byte[(int) n];
            buf.buf.get(0, b, 0, (int) n);
            sb.append(new String(b, StandardCharsets.UTF_8));
        }
    }

    /**
     * The whole file behind {@code fd}, read from offset 0 (pread: a file description shared with
     * other descriptors of it keeps its offset), then closes {@code fd}.
     */
    public static String readAndClose(int fd) {
        try (FileChannel ch = Fds.toFileChannel(fd)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(256);
            for (long pos = 0; ; ) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) break;
                out.write(buf.array(), 0, n);
                pos += n;
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #readAndClose} of each fd, in order. */
    public static List<String> readAndCloseAll(int[] fds) {
        List<String> out = new ArrayList<>(fds.length);
        for (int fd : fds) out.add(readAndClose(fd));
        return out;
    }

    /** Closes every fd. */
    public static void closeAll(int[] fds) {
        for (int fd : fds) Fds.close(fd);
    }

    // ---- pipes ----

    /** Writes {@code text} into a pipe's write end. */
    public static void writeText(int fd, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        NativeBuffer buf = new NativeBuffer(b.length);
        buf.buf.put(0, b);
        long n = LibC.INSTANCE.write(fd, buf, b.length);
        if (n != b.length) throw new IllegalStateException("write(" + fd + ") gave " + n + ", errno " + LibC.errno());
    }

    /** Whatever a pipe's read end holds now (at most 4 KiB, one read). */
    public static String readSome(int fd) {
        NativeBuffer buf = new NativeBuffer(4096);
        long n = LibC.INSTANCE.read(fd, buf, buf.size());
        if (n < 0) throw new IllegalStateException("read(" + fd + ") failed: errno " + LibC.errno());
        byte[] b = new byte[(int) n];
        buf.buf.get(0, b, 0, (int) n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Every byte {@code fd} gives until EOF (a pipe's read end until its writers are gone), then closes it. */
    public static byte[] drainAndClose(int fd) {
        try (InputStream in = Fds.toInputStream(fd)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
