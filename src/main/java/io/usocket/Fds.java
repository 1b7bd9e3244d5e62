package io.usocket;

import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;
import io.usocket.internal.sys.Sys;
import java.io.Closeable;
import java.io.File;
import io.usocket.internal.sys.UnixPaths;
import io.usocket.internal.sys.UnixSockets;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Stream;

/**
 * Static helpers around raw {@code int} file descriptors: open, close, pipe, and conversions to
 * and from {@link FileDescriptor}, {@link FileChannel} and {@link java.io.InputStream} /
 * {@link java.io.OutputStream}.
 *
 * <p><b>Close-on-exec.</b> Every descriptor this class creates ({@link #open}, {@link #pipe},
 * and the descriptors of the objects the conversions return) carries {@code FD_CLOEXEC}
 * (decisions D19), so it never leaks into a child process.
 *
 * <p><b>Ownership.</b> Converting an {@code int} into a Java object ({@code toFileDescriptor},
 * {@code toInputStream}, {@code toOutputStream}, {@code toFileChannel}) hands the open file
 * behind the descriptor to that object: closing the stream or channel closes it, and the caller
 * must no longer close (or otherwise use) the {@code int}, which the conversion has closed. If a
 * conversion throws, the descriptor stays the caller's. Like any stream Java opens, the object
 * also closes its descriptor if it is garbage-collected unclosed. Converting a Java object back
 * ({@code fromFileDescriptor}, {@code fromChannel}) is only a look-up: the object keeps owning
 * the descriptor.
 *
 * <p><b>How {@code int -> Java object} works with public APIs only</b> (no
 * {@code sun.misc.Unsafe}, no reflection, no {@code --add-opens}; native T11). Java cannot put
 * a number into a {@link FileDescriptor}, but it can open a file, and libc can replace what a
 * descriptor number refers to. So a conversion opens a <em>stand-in</em> with the JDK's own
 * class ({@code FileInputStream}, {@code FileOutputStream} or {@code RandomAccessFile}) and
 * then {@code dup3(fd, standIn, O_CLOEXEC)} makes the stand-in's number refer to the caller's
 * open file; {@code fd} itself is then closed. The object therefore holds the same open file
 * description (same offset, flags, locks; nothing is reopened, so no permission is checked
 * again and a deleted file or a socket works) under a <em>different number</em>:
 * {@link #fromFileDescriptor} and {@link #fromChannel} tell which.
 *
 * <p>The stand-in must be found by number without reading the JDK object's private field. It
 * is a fresh pipe of our own, opened by the JDK through {@code /proc/self/fd/<n>} of one of
 * its ends: the one descriptor, besides the pipe's two ends, whose {@code /proc/self/fd} link
 * names that pipe ({@code pipe:[inode]}) is the stand-in. The pipe's inode is unique to this
 * conversion, so concurrent conversions, or other threads opening files meanwhile, cannot be
 * mistaken for it. The number the JDK will most likely get (the lowest free one) is checked
 * first; only if another thread took it is {@code /proc/self/fd} scanned. This needs
 * {@code /proc} (always there on Linux unless a sandbox hides it; without it the conversions
 * throw the system error reading {@code /proc/self/fd} gave, e.g. {@code readlink ENOENT}).
 *
 * <p><b>Errors</b> (decisions D57). Every failure of a conversion is a coded error, as elsewhere
 * in the library, and leaves {@code fd} the caller's: {@link InvalidArgumentException}
 * {@code ERR_INVALID_FD} for a negative or closed fd; a {@link USocketException} system error
 * (Node's {@code code}, {@code errno}, {@code syscall}, the path as {@code address}) when the
 * kernel refuses a step: {@code pipe EMFILE}, {@code open EMFILE /proc/self/fd/7} (the JDK's
 * open of the stand-in; its {@code IOException} is attached as suppressed),
 * {@code readlink ENOENT /proc/self/fd/7} (no {@code /proc}), {@code dup3 EBADF}; and
 * {@code ERR_INTERNAL_ASSERTION} if the stand-in cannot be told apart (a bug, never expected).
 *
 * <p><b>{@code Java object -> int}.</b> Java has no public way to read the number of a
 * {@link FileDescriptor}, so {@link #fromFileDescriptor} and {@link #fromChannel} answer for
 * the objects the conversions of this class made (they remember the number) and for
 * {@link FileDescriptor#in}, {@link FileDescriptor#out} and {@link FileDescriptor#err}; for a
 * stream or channel Java opened itself they throw {@code ERR_INVALID_ARG_VALUE}. To pass a
 * file you open in Java to a socket, open it with {@link #open(Path, OpenOption...)} instead:
 * that gives the {@code int}, and a conversion gives the Java object.
 * {@link #open}, {@link #close}, {@link #isOpen} and {@link #pipe} never involve any of this.
 */
public final class Fds {
    private static final LibC LIBC = LibC.INSTANCE;

    private Fds() {
    }

    // ------------------------------------------------------------------ open / close / pipe

    /**
     * Opens a file read-only ({@code O_RDONLY | O_CLOEXEC}).
     *
     * <p>Node equivalent: {@code fs.openSync(path)} / {@code fs.openSync(path, 'r')};
     * POSIX: {@code open(path, O_RDONLY | O_CLOEXEC)}.
     *
     * @param path a path of the default file system; relative paths are resolved against the
     *             process's working directory. Its name is encoded as the JDK encodes it
     *             ({@code sun.jnu.encoding}), so it opens the file {@code java.nio.file.Files}
     *             would (decisions D30); socket paths, given as strings, are UTF-8 like Node's.
     * @return the new descriptor, which the caller owns (close it with {@link #close})
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} if {@code path} is null or
     *                                  not of the default file system
     * @throws USocketException         a system error with syscall {@code "open"} and the path as
     *                                  address, e.g. {@code open ENOENT /no/such/file}
     */
    public static int open(Path path) {
        return open(path, new OpenOption[0]);
    }

    /**
     * Opens a file with {@link StandardOpenOption}s, with the meaning they have for
     * {@link java.nio.file.Files#newByteChannel}: {@code READ} → read access (the default when
     * neither {@code READ}, {@code WRITE} nor {@code APPEND} is given), {@code WRITE} → write
     * access ({@code O_RDWR} with {@code READ}, else {@code O_WRONLY}), {@code APPEND} → write
     * access and {@code O_APPEND}, {@code TRUNCATE_EXISTING} → {@code O_TRUNC}, {@code CREATE}
     * → {@code O_CREAT}, {@code CREATE_NEW} → {@code O_CREAT | O_EXCL}, {@code SYNC} →
     * {@code O_SYNC}, {@code DSYNC} → {@code O_DSYNC}; {@code SPARSE} is ignored. As in Java,
     * {@code CREATE}, {@code CREATE_NEW} and {@code TRUNCATE_EXISTING} are ignored when the file
     * is opened only for reading. Created files get mode {@code 0666} (less the umask).
     * {@code O_CLOEXEC} is always added (decisions D19).
     *
     * <p>Node equivalent: {@code fs.openSync(path, flags, 0o666)}; POSIX:
     * {@code open(path, flags | O_CLOEXEC, 0666)}.
     *
     * @return the new descriptor, which the caller owns (close it with {@link #close})
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} for a null path or option;
     *                                  {@code ERR_INVALID_ARG_VALUE} for an option that is not
     *                                  supported ({@code DELETE_ON_CLOSE}, link options) or a
     *                                  combination Java refuses ({@code READ + APPEND},
     *                                  {@code APPEND + TRUNCATE_EXISTING})
     * @throws USocketException         a system error with syscall {@code "open"} and the path as
     *                                  address, e.g. {@code open EEXIST /tmp/x}
     *
     * @param path the socket file (a path, or an abstract name starting with {@code \0})
     * @param options the options
     */
    public static int open(Path path, OpenOption... options) {
        if (path == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"path\" argument must be of type Path. Received null");
        }
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"path\" argument must be a path of the default file system. Received " + path.toUri());
        }
        if (options == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"options\" argument must be an array of OpenOption. Received null");
        }
        int flags = openFlags(options);
        // A Path is opened with the JDK's bytes for it, so it names the file java.nio would (decisions D30).
        int fd = UnixPaths.open(path, flags | Sys.O_CLOEXEC, 0666);
        if (fd < 0) throw USocketException.system(-fd, "open", path.toString());
        return fd;
    }

    private static final int O_DSYNC = 0x1000;     // same on x86_64 and aarch64
    private static final int O_SYNC = 0x101000;    // __O_SYNC | O_DSYNC
    private static final int O_ACCMODE = 3;

    private static int openFlags(OpenOption[] options) {
        boolean read = false, write = false, append = false, truncate = false, create = false,
                createNew = false;
        int extra = 0;
        for (OpenOption o : options) {
            if (o == null) {
                throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                        "The \"options\" argument must not contain null. Received " + Arrays.toString(options));
            }
            if (o == StandardOpenOption.READ) read = true;
            else if (o == StandardOpenOption.WRITE) write = true;
            else if (o == StandardOpenOption.APPEND) append = true;
            else if (o == StandardOpenOption.TRUNCATE_EXISTING) truncate = true;
            else if (o == StandardOpenOption.CREATE) create = true;
            else if (o == StandardOpenOption.CREATE_NEW) createNew = true;
            else if (o == StandardOpenOption.SYNC) extra |= O_SYNC;
            else if (o == StandardOpenOption.DSYNC) extra |= O_DSYNC;
            else if (o == StandardOpenOption.SPARSE) continue;
            else throw badOption(o);
        }
        if (append && read) throw badOption("READ + APPEND");
        if (append && truncate) throw badOption("APPEND + TRUNCATE_EXISTING");
        boolean writes = write || append;
        int flags;
        if (!writes) {
            return Sys.O_RDONLY | extra;
        }
        flags = read ? Sys.O_RDWR : Sys.O_WRONLY;
        if (append) flags |= Sys.O_APPEND;
        if (truncate) flags |= Sys.O_TRUNC;
        if (createNew) flags |= Sys.O_CREAT | Sys.O_EXCL;
        else if (create) flags |= Sys.O_CREAT;
        return flags | extra;
    }

    private static InvalidArgumentException badOption(Object o) {
        String what = o instanceof LinkOption ? "LinkOption." + o : String.valueOf(o);
        return new InvalidArgumentException("ERR_INVALID_ARG_VALUE",
                "The argument 'options' is not supported. Received " + what);
    }

    /**
     * Closes a descriptor. An {@code EINTR} failure counts as closed (on Linux the descriptor is
     * released before close can be interrupted, and retrying could close someone else's).
     *
     * <p>Node equivalent: {@code fs.closeSync(fd)}; POSIX: {@code close(fd)}.
     *
     * @throws InvalidArgumentException {@code ERR_INVALID_FD} for a negative fd
     * @throws USocketException         a system error with syscall {@code "close"}, for example
     *                                  {@code close EBADF} (code {@code EBADF}, errno -9) if the
     *                                  fd is not open
     *
     * @param fd an open descriptor
     */
    public static void close(int fd) {
        checkFd(fd);
        if (LIBC.close(fd) < 0) {
            int errno = LibC.errno();
            if (errno != Errno.EINTR) throw USocketException.system(errno, "close", null);
        }
    }

    /**
     * Whether {@code fd} is an open descriptor of this process.
     *
     * <p>Node equivalent: none directly ({@code fs.fstatSync(fd)} not throwing {@code EBADF});
     * POSIX: {@code fcntl(fd, F_GETFD) != -1}.
     *
     * @return false for a negative fd or one that is not open
     * @param fd an open descriptor
     */
    public static boolean isOpen(int fd) {
        return UnixSockets.isOpen(fd);
    }

    /**
     * Creates a pipe whose two ends are close-on-exec.
     *
     * <p>Node equivalent: none in the public API (libuv's {@code uv_pipe}); POSIX:
     * {@code pipe2(fds, O_CLOEXEC)}.
     *
     * @return {@code {readFd, writeFd}}, both owned by the caller
     * @throws USocketException a system error with syscall {@code "pipe"}, e.g. {@code EMFILE}
     */
    public static int[] pipe() {
        NativeBuffer b = new NativeBuffer(8);
        if (LIBC.pipe2(b, Sys.O_CLOEXEC) < 0) {
            throw USocketException.system(LibC.errno(), "pipe", null);
        }
        return new int[] {b.buf.getInt(0), b.buf.getInt(4)};
    }

    // ------------------------------------------------------------------ conversions

    /** Numbers of the FileDescriptors the conversions made (weak keys: identity, as FileDescriptor has no equals). */
    private static final Map<FileDescriptor, Integer> NUMBERS = Collections.synchronizedMap(new WeakHashMap<>());
    /** The FileDescriptor of each channel toFileChannel made. */
    private static final Map<FileChannel, FileDescriptor> CHANNELS = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Wraps the open file of a descriptor in a new {@link FileDescriptor}, which then owns it.
     * Build a stream on it ({@code new FileInputStream(fdObj)} ...) to use it; closing that
     * stream closes the descriptor. If the fd was opened with {@code O_APPEND}, the object is
     * marked as appending (as Java's own would be), which {@link FileChannel#position()} relies
     * on. The object holds a different number than {@code fd} (see the class comment; ask
     * {@link #fromFileDescriptor}), and {@code fd} is closed.
     *
     * <p>Node equivalent: none (Node uses the int everywhere); POSIX: {@code dup3} onto a
     * descriptor the JDK opened.
     *
     * @param fd an open descriptor, which the returned object then owns
     * @return a valid FileDescriptor holding the same open file
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws USocketException              a system error ({@code "pipe"}, {@code "open"},
     *                                       {@code "readlink"}, {@code "dup3"}), e.g. {@code EMFILE},
     *                                       or {@code ERR_INTERNAL_ASSERTION}; {@code fd} is then
     *                                       still the caller's (see the class comment, Errors)
     */
    public static FileDescriptor toFileDescriptor(int fd) {
        int fl = accessFlags(fd);
        if ((fl & Sys.O_APPEND) != 0) {
            FileOutputStream out = adopt(fd, true, f -> new FileOutputStream(f, true), FileOutputStream::getFD);
            return fd(out::getFD);
        }
        FileInputStream in = adopt(fd, false, FileInputStream::new, FileInputStream::getFD);
        return fd(in::getFD);
    }

    /**
     * The descriptor number held by a {@link FileDescriptor} that {@link #toFileDescriptor},
     * {@link #toInputStream} or {@link #toOutputStream} made, or by {@link FileDescriptor#in}
     * (0), {@link FileDescriptor#out} (1) or {@link FileDescriptor#err} (2); -1 if the object is
     * not valid (closed, or never set). The object keeps owning the descriptor.
     *
     * <p>Node equivalent: none; POSIX: the int itself.
     *
     * @param fd the FileDescriptor to look up
     * @return its number, or -1
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} if {@code fd} is null;
     *                                  {@code ERR_INVALID_ARG_VALUE} for a valid FileDescriptor
     *                                  that Java opened itself (Java has no public way to read
     *                                  its number: open the file with {@link #open} instead)
     */
    public static int fromFileDescriptor(FileDescriptor fd) {
        if (fd == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"fd\" argument must be an instance of FileDescriptor. Received null");
        }
        if (!fd.valid()) return -1;
        if (fd == FileDescriptor.in) return 0;
        if (fd == FileDescriptor.out) return 1;
        if (fd == FileDescriptor.err) return 2;
        Integer n = NUMBERS.get(fd);
        if (n == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE",
                    "The \"fd\" argument must be a FileDescriptor made by Fds (or FileDescriptor.in/out/err):"
                            + " Java has no public way to read the number of one it opened itself;"
                            + " open the file with Fds.open and convert that");
        }
        // valid() again: a close racing with the look-up must not yield a number now free
        return fd.valid() ? n : -1;
    }

    /**
     * A {@link FileInputStream} reading the open file of {@code fd}; closing the stream closes
     * it (ownership passes to the stream, and {@code fd} is closed: see the class comment).
     * Works for any readable descriptor: file, pipe, socket; unlike a plain
     * {@code FileInputStream} on JDK 17.0.15, {@code readAllBytes()}, {@code readNBytes(int)}
     * and {@code skip} also work on pipes and sockets (JDK-8341666).
     *
     * <p>Node equivalent: {@code fs.createReadStream(null, {fd})}; POSIX: {@code read(fd, ...)}.
     *
     * @param fd an open descriptor, which the returned stream then owns
     * @return the stream; {@code fromFileDescriptor(stream.getFD())} gives its number
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws USocketException              see {@link #toFileDescriptor}
     */
    public static FileInputStream toInputStream(int fd) {
        accessFlags(fd);
        return adopt(fd, false, FdInputStream::new, FileInputStream::getFD);
    }

    /**
     * A FileInputStream whose {@code readAllBytes}, {@code readNBytes(int)} and {@code skip}
     * also work on pipes and sockets: JDK 17.0.15's FileInputStream sizes those reads with
     * lseek and fails with "Illegal seek" on any non-seekable fd (JDK-8341666, fixed in JDK 24),
     * which is most of what an fd received over a socket is.
     */
    private static final class FdInputStream extends FileInputStream {
        FdInputStream(File standIn) throws FileNotFoundException {
            super(standIn);
        }

        @Override
        public byte[] readAllBytes() throws IOException {
            return readNBytes(Integer.MAX_VALUE);
        }

        @Override
        public byte[] readNBytes(int len) throws IOException {
            if (len < 0) throw new IllegalArgumentException("len < 0");
            byte[] buf = new byte[Math.min(len, 8192)];
            int n = 0;
            while (n < len) {
                if (n == buf.length) {
                    int grow = (int) Math.min(Math.min(len, Integer.MAX_VALUE - 8), Math.max(2L * buf.length, 8192L));
                    if (grow <= n) throw new OutOfMemoryError("Required array size too large");
                    buf = Arrays.copyOf(buf, grow);
                }
                int r = read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n); // lseek: fails before reading anything on a pipe
            } catch (IOException notSeekable) {
                if (n <= 0) return 0;
                byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
                long left = n;
                while (left > 0) {
                    int r = read(scratch, 0, (int) Math.min(scratch.length, left));
                    if (r < 0) break;
                    left -= r;
                }
                return n - left;
            }
        }
    }

    /**
     * A {@link FileOutputStream} writing to the open file of {@code fd}; closing the stream
     * closes it (ownership passes to the stream, and {@code fd} is closed: see the class
     * comment). Writes go where the descriptor's offset and flags say ({@code O_APPEND} is
     * honoured by the kernel).
     *
     * <p>Node equivalent: {@code fs.createWriteStream(null, {fd})}; POSIX: {@code write(fd, ...)}.
     *
     * @param fd an open descriptor, which the returned stream then owns
     * @return the stream; {@code fromFileDescriptor(stream.getFD())} gives its number
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws USocketException              see {@link #toFileDescriptor}
     */
    public static FileOutputStream toOutputStream(int fd) {
        int fl = accessFlags(fd);
        boolean append = (fl & Sys.O_APPEND) != 0;
        return adopt(fd, true, f -> new FileOutputStream(f, append), FileOutputStream::getFD);
    }

    /**
     * A {@link FileChannel} on the open file of {@code fd}, readable and/or writable as the
     * descriptor's access mode ({@code fcntl(fd, F_GETFL) & O_ACCMODE}) allows; closing the
     * channel closes it (ownership passes to the channel, and {@code fd} is closed: see the
     * class comment).
     * <ul>
     * <li>{@code O_RDONLY}: the channel of a {@code FileInputStream} (writing throws
     *     {@link java.nio.channels.NonWritableChannelException});</li>
     * <li>{@code O_WRONLY}: the channel of a {@code FileOutputStream} (reading throws
     *     {@link java.nio.channels.NonReadableChannelException}); with {@code O_APPEND} it
     *     reports the end of the file as its position, as Java's own append channels do;</li>
     * <li>{@code O_RDWR}: the channel of a {@code RandomAccessFile} opened {@code "rw"} (Java
     *     has no read-write append stream: with {@code O_APPEND} writes still go to the end, as
     *     the kernel decides, but {@code position()} is the descriptor's offset).</li>
     * </ul>
     *
     * <p>Node equivalent: none (a {@code fs.FileHandle} from the fd is the closest); POSIX:
     * {@code read}/{@code write}/{@code pread}/{@code pwrite} on {@code fd}.
     *
     * @param fd an open descriptor, which the returned channel then owns
     * @return the channel; {@link #fromChannel} gives its number
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws USocketException              see {@link #toFileDescriptor}
     */
    public static FileChannel toFileChannel(int fd) {
        int fl = accessFlags(fd);
        FileChannel ch;
        FileDescriptor fdo;
        switch (fl & O_ACCMODE) {
            case Sys.O_RDONLY: {
                FileInputStream in = adopt(fd, false, FileInputStream::new, FileInputStream::getFD);
                fdo = fd(in::getFD);
                ch = in.getChannel();
                break;
            }
            case Sys.O_WRONLY: {
                boolean append = (fl & Sys.O_APPEND) != 0;
                FileOutputStream out = adopt(fd, true, f -> new FileOutputStream(f, append), FileOutputStream::getFD);
                fdo = fd(out::getFD);
                ch = out.getChannel();
                break;
            }
            default: {
                RandomAccessFile raf = adopt(fd, false, f -> new RandomAccessFile(f, "rw"), RandomAccessFile::getFD);
                fdo = fd(raf::getFD);
                ch = raf.getChannel();
                break;
            }
        }
        CHANNELS.put(ch, fdo);
        return ch;
    }

    /**
     * The descriptor number a {@link FileChannel} made by {@link #toFileChannel} reads and
     * writes; -1 once the channel is closed. The channel keeps owning the descriptor.
     *
     * <p>Node equivalent: {@code filehandle.fd}; POSIX: the int itself.
     *
     * @param channel a channel {@link #toFileChannel} returned
     * @return its number, or -1
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} for null;
     *                                  {@code ERR_INVALID_ARG_VALUE} for a channel that Java opened
     *                                  itself (Java has no public way to read its number: open the
     *                                  file with {@link #open} and convert it instead)
     */
    public static int fromChannel(FileChannel channel) {
        if (channel == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"channel\" argument must be an instance of FileChannel. Received null");
        }
        FileDescriptor fdo = CHANNELS.get(channel);
        if (fdo == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_VALUE",
                    "The \"channel\" argument must be a FileChannel made by Fds.toFileChannel:"
                            + " Java has no public way to read the number of one it opened itself;"
                            + " open the file with Fds.open and convert that. Received an instance of "
                            + channel.getClass().getName());
        }
        return channel.isOpen() ? fromFileDescriptor(fdo) : -1;
    }

    // ------------------------------------------------------------------ the stand-in

    /** Opens a JDK object on a stand-in file. */
    private interface Opener<T> {
        T open(File standIn) throws IOException;
    }

    /** The FileDescriptor of a JDK object. */
    private interface FdOf<T> {
        FileDescriptor get(T object) throws IOException;
    }

    private interface FdSupplier {
        FileDescriptor get() throws IOException;
    }

    private static FileDescriptor fd(FdSupplier s) {
        try {
            return s.get();
        } catch (IOException e) {
            // getFD() of an object just opened cannot fail: if it does, it is a bug of ours.
            throw internal("getFD() of a fresh stand-in failed: " + e, e);
        }
    }

    /**
     * Opens a JDK object on a fresh pipe of ours (its write end when {@code write}), finds the
     * stand-in's number through /proc/self/fd, moves {@code fd}'s open file onto that number
     * with dup3(O_CLOEXEC) and closes {@code fd}. On failure the object is closed and {@code fd}
     * is untouched.
     */
    private static <T extends Closeable> T adopt(int fd, boolean write, Opener<T> opener, FdOf<T> fdOf) {
        int[] p = pipe();
        int r = p[0], w = p[1];
        T object = null;
        try {
            String pipe = readlink(r);
            if (!pipe.startsWith("pipe:")) {
                throw internal("/proc/self/fd/" + r + " links to " + pipe + ", not to a pipe: is /proc this process's?", null);
            }
            int likely = lowestFree(r);
            String standInPath = "/proc/self/fd/" + (write ? w : r);
            try {
                object = opener.open(new File(standInPath));
            } catch (IOException e) {
                throw openError(e, standInPath, write);
            }
            FileDescriptor fdo = fdOf.get(object);
            int standIn = likely != r && likely != w && pipe.equals(link(likely)) ? likely : scan(pipe, r, w);
            if (LIBC.dup3(fd, standIn, Sys.O_CLOEXEC) < 0) {
                throw USocketException.system(LibC.errno(), "dup3", null);
            }
            NUMBERS.put(fdo, standIn);
        } catch (Throwable t) {
            if (object != null) {
                try {
                    object.close();
                } catch (IOException e) {
                    t.addSuppressed(e);
                }
            }
            throw rethrow(t);
        } finally {
            LIBC.close(r);
            LIBC.close(w);
        }
        LIBC.close(fd); // its open file now lives on in the stand-in's number
        return object;
    }

    /** The lowest free descriptor number now: where the JDK's next open most likely lands. */
    private static int lowestFree(int any) {
        int n = LIBC.fcntl(any, Sys.F_DUPFD_CLOEXEC, 0);
        if (n >= 0) LIBC.close(n);
        return n;
    }

    /**
     * What /proc/self/fd/n links to, or the system error readlink gave (ENOENT: no /proc), with
     * the JDK's exception attached as suppressed.
     */
    private static String readlink(int n) {
        String path = "/proc/self/fd/" + n;
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            int errno = e instanceof NoSuchFileException ? Errno.ENOENT
                    : e instanceof AccessDeniedException ? Errno.EACCES : Errno.EIO;
            USocketException err = USocketException.system(errno, "readlink", path);
            err.addSuppressed(e);
            return throwIt(err);
        }
    }

    private static String throwIt(USocketException e) {
        throw e;
    }

    /**
     * The JDK's open of the stand-in failed with an IOException, which carries no errno: libc's
     * open of the same path, with the same access, tells it (EMFILE, ENFILE, EACCES...); if that
     * one succeeds, the failure is not the kernel's and is reported as EIO.
     */
    private static USocketException openError(IOException e, String path, boolean write) {
        int fd = UnixPaths.open(Path.of(path), (write ? Sys.O_WRONLY : Sys.O_RDONLY) | Sys.O_CLOEXEC | Sys.O_NONBLOCK, 0);
        int errno;
        if (fd >= 0) {
            LIBC.close(fd);
            errno = Errno.EIO;
        } else {
            errno = -fd;
        }
        USocketException err = USocketException.system(errno, "open", path);
        err.addSuppressed(e);
        return err;
    }

    /** Node's ERR_INTERNAL_ASSERTION: a state this code never expects. */
    private static USocketException internal(String what, Throwable cause) {
        return new USocketException("ERR_INTERNAL_ASSERTION", "This is caused by a bug in usocket, please report it: " + what, cause);
    }

    /** What /proc/self/fd/n links to ("pipe:[1234]", a path, ...), or null if n is not open. */
    private static String link(int n) {
        if (n < 0) return null;
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + n)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The one descriptor other than the pipe's ends r and w that links to {@code pipe}. */
    private static int scan(String pipe, int r, int w) throws IOException {
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                int n;
                try {
                    n = Integer.parseInt(e.getFileName().toString());
                } catch (NumberFormatException notAnFd) {
                    continue;
                }
                if (n != r && n != w && pipe.equals(link(n))) found.add(n);
            }
        }
        if (found.size() != 1) {
            throw internal("the stand-in opened on " + pipe + " is not one descriptor: " + found, null);
        }
        return found.get(0);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException) return (RuntimeException) t;
        if (t instanceof Error) throw (Error) t;
        // Listing /proc/self/fd failed (scan): the kernel's error, as readlink's.
        if (t instanceof IOException) {
            USocketException err = USocketException.system(Errno.EIO, "scandir", "/proc/self/fd");
            err.addSuppressed(t);
            return err;
        }
        return internal(String.valueOf(t), t);
    }

    // ------------------------------------------------------------------ helpers

    /** Throws ERR_INVALID_FD for a negative fd. */
    private static void checkFd(int fd) {
        if (fd < 0) throw invalidFd(fd);
    }

    private static InvalidArgumentException invalidFd(int fd) {
        return new InvalidArgumentException("ERR_INVALID_FD",
                "The \"fd\" argument must be a valid file descriptor. Received " + fd);
    }

    /** fcntl(F_GETFL) of an open fd; ERR_INVALID_FD if negative or not open. */
    private static int accessFlags(int fd) {
        checkFd(fd);
        int fl = LIBC.fcntl(fd, Sys.F_GETFL, 0);
        if (fl < 0) throw invalidFd(fd);
        return fl;
    }
}
