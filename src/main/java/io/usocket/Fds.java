package io.usocket;

import io.usocket.internal.sys.Errno;
import io.usocket.internal.sys.LibC;
import io.usocket.internal.sys.NativeBuffer;
import io.usocket.internal.sys.Sys;
import io.usocket.internal.sys.UnixPaths;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Static helpers around raw {@code int} file descriptors: open, close, pipe, and conversions to
 * and from {@link FileDescriptor}, {@link FileChannel} and {@link java.io.InputStream} /
 * {@link java.io.OutputStream}.
 *
 * <p><b>Close-on-exec.</b> Every descriptor this class creates ({@link #open}, {@link #pipe})
 * carries {@code FD_CLOEXEC} (SPEC D19), so it never leaks into a child process.
 *
 * <p><b>Ownership.</b> Converting an {@code int} into a Java object ({@code toFileDescriptor},
 * {@code toInputStream}, {@code toOutputStream}, {@code toFileChannel}) hands the descriptor to
 * that object: closing the stream or channel closes the descriptor, and the caller must no longer
 * close (or otherwise use) the {@code int}. If a conversion throws, the descriptor stays the
 * caller's. These objects have no cleaner (except the read-write channel, see
 * {@link #toFileChannel}): close them, or the descriptor stays open until the process exits.
 * Converting a Java object into an {@code int} ({@code fromFileDescriptor}, {@code fromChannel})
 * is only a look-up: the object keeps owning the descriptor.
 *
 * <p><b>How {@code int <-> FileDescriptor} works without {@code --add-opens}.</b> Java has no
 * public API to read or set the {@code int} held by a {@link FileDescriptor} (its private field
 * {@code fd}). jnr-posix's helper uses {@code setAccessible}, which Java 17 refuses without
 * {@code --add-opens java.base/java.io=ALL-UNNAMED} (NATIVE.md trap 11). This class reaches the
 * field in one of two ways, chosen once when first needed:
 * <ol>
 * <li>if {@code java.io} is open to this code (someone passed {@code --add-opens}), through a
 *     {@link VarHandle} from {@link MethodHandles#privateLookupIn};</li>
 * <li>otherwise through {@code sun.misc.Unsafe} from the {@code jdk.unsupported} module, which
 *     exports and <em>opens</em> {@code sun.misc} to everyone: its {@code theUnsafe} field is read
 *     by reflection, then {@code objectFieldOffset(FileDescriptor.class.getDeclaredField("fd"))}
 *     (getting a {@code Field} object needs no access check) and {@code getInt}/{@code putInt}
 *     at that offset. Unsafe is called through method handles, so compiling this class raises no
 *     "internal proprietary API" warning, and on Java 17 nothing is printed at run time.</li>
 * </ol>
 * If neither is possible (a runtime without {@code jdk.unsupported}), the conversions throw
 * {@link UnsupportedOperationException}. {@link #open}, {@link #close}, {@link #isOpen} and
 * {@link #pipe} never need this.
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
     * {@code O_CLOEXEC} is always added (SPEC D19).
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
     */
    public static boolean isOpen(int fd) {
        return fd >= 0 && LIBC.fcntl(fd, Sys.F_GETFD, 0) >= 0;
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
        if (LIBC.pipe2(b.address, Sys.O_CLOEXEC) < 0) {
            throw USocketException.system(LibC.errno(), "pipe", null);
        }
        return new int[] {b.buf.getInt(0), b.buf.getInt(4)};
    }

    // ------------------------------------------------------------------ conversions

    /**
     * Wraps a descriptor in a new {@link FileDescriptor}. Ownership passes to whatever stream is
     * built on it ({@code new FileInputStream(fdObj)} ...): closing that stream closes
     * {@code fd}. The {@code FileDescriptor} itself has no cleaner. If the fd was opened with
     * {@code O_APPEND}, the object is marked as appending (as Java's own would be), which
     * {@link FileChannel#position()} relies on.
     *
     * <p>Node equivalent: none (Node uses the int everywhere); POSIX: the int itself. See the
     * class comment for how the private {@code fd} field is set without {@code --add-opens}.
     *
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws UnsupportedOperationException if the runtime offers no way to set the field
     */
    public static FileDescriptor toFileDescriptor(int fd) {
        return wrap(fd, accessFlags(fd));
    }

    private static FileDescriptor wrap(int fd, int fl) {
        FieldAccess.require();
        FileDescriptor fdo = new FileDescriptor();
        try {
            FieldAccess.FD_SET.invokeExact(fdo, fd);
            if ((fl & Sys.O_APPEND) != 0 && FieldAccess.APPEND_SET != null) {
                FieldAccess.APPEND_SET.invokeExact(fdo, true);
            }
        } catch (Throwable t) {
            throw FieldAccess.rethrow(t);
        }
        return fdo;
    }

    /**
     * The descriptor number held by a {@link FileDescriptor}, e.g. 0 for
     * {@link FileDescriptor#in}; -1 if the object is not valid (closed, or never set). The
     * object keeps owning the descriptor.
     *
     * <p>Node equivalent: none; POSIX: the int itself. See the class comment for how the private
     * field is read without {@code --add-opens}.
     *
     * @throws InvalidArgumentException      {@code ERR_INVALID_ARG_TYPE} if {@code fd} is null
     * @throws UnsupportedOperationException if the runtime offers no way to read the field
     */
    public static int fromFileDescriptor(FileDescriptor fd) {
        if (fd == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"fd\" argument must be an instance of FileDescriptor. Received null");
        }
        FieldAccess.require();
        try {
            return (int) FieldAccess.FD_GET.invokeExact(fd);
        } catch (Throwable t) {
            throw FieldAccess.rethrow(t);
        }
    }

    /**
     * A {@link FileInputStream} reading {@code fd}; closing the stream closes the descriptor
     * (ownership passes to the stream). Works for any readable descriptor: file, pipe, socket;
     * unlike a plain {@code FileInputStream} on JDK 17.0.15, {@code readAllBytes()},
     * {@code readNBytes(int)} and {@code skip} also work on pipes and sockets (JDK-8341666).
     *
     * <p>Node equivalent: {@code fs.createReadStream(null, {fd})}; POSIX: {@code read(fd, ...)}.
     *
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws UnsupportedOperationException see {@link #toFileDescriptor}
     */
    public static FileInputStream toInputStream(int fd) {
        return new FdInputStream(toFileDescriptor(fd));
    }

    /**
     * A FileInputStream whose {@code readAllBytes}, {@code readNBytes(int)} and {@code skip}
     * also work on pipes and sockets: JDK 17.0.15's FileInputStream sizes those reads with
     * lseek and fails with "Illegal seek" on any non-seekable fd (JDK-8341666, fixed in JDK 24),
     * which is most of what an fd received over a socket is.
     */
    private static final class FdInputStream extends FileInputStream {
        FdInputStream(FileDescriptor fdo) {
            super(fdo);
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
     * A {@link FileOutputStream} writing {@code fd}; closing the stream closes the descriptor
     * (ownership passes to the stream). Writes go where the descriptor's offset and flags say
     * ({@code O_APPEND} is honoured by the kernel).
     *
     * <p>Node equivalent: {@code fs.createWriteStream(null, {fd})}; POSIX: {@code write(fd, ...)}.
     *
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws UnsupportedOperationException see {@link #toFileDescriptor}
     */
    public static FileOutputStream toOutputStream(int fd) {
        return new FileOutputStream(toFileDescriptor(fd));
    }

    /**
     * A {@link FileChannel} on {@code fd}, readable and/or writable as the descriptor's access
     * mode ({@code fcntl(fd, F_GETFL) & O_ACCMODE}) allows; closing the channel closes the
     * descriptor (ownership passes to the channel).
     *
     * <p>Java can build a channel on a {@link FileDescriptor} only through
     * {@code FileInputStream.getChannel()} (read-only) or {@code FileOutputStream.getChannel()}
     * (write-only), so:
     * <ul>
     * <li>{@code O_RDONLY}: the channel of a {@code FileInputStream} on {@code fd} (writing
     *     throws {@link java.nio.channels.NonWritableChannelException});</li>
     * <li>{@code O_WRONLY}: the channel of a {@code FileOutputStream} on {@code fd} (reading
     *     throws {@link java.nio.channels.NonReadableChannelException});</li>
     * <li>{@code O_RDWR}: the channel of a {@code RandomAccessFile} opened {@code "rw"} on
     *     {@code /dev/null} whose descriptor is then replaced by {@code fd} with
     *     {@code dup3(fd, rafFd, O_CLOEXEC)}, after which {@code fd} itself is closed. The channel
     *     therefore holds the same open file (same offset, flags and locks) under a
     *     <em>different number</em>: ask {@link #fromChannel} for it. This channel, like any
     *     {@code RandomAccessFile}'s, also closes its descriptor if it is garbage-collected
     *     unclosed.</li>
     * </ul>
     *
     * <p>Node equivalent: none (a {@code fs.FileHandle} from the fd is the closest); POSIX:
     * {@code read}/{@code write}/{@code pread}/{@code pwrite} on {@code fd}.
     *
     * @throws InvalidArgumentException      {@code ERR_INVALID_FD} if {@code fd} is negative or
     *                                       not open
     * @throws USocketException              a system error ({@code "open"} of /dev/null or
     *                                       {@code "dup3"}) for a read-write fd; {@code fd} is
     *                                       then still the caller's
     * @throws UnsupportedOperationException see {@link #toFileDescriptor}
     */
    public static FileChannel toFileChannel(int fd) {
        int fl = accessFlags(fd);
        switch (fl & O_ACCMODE) {
            case Sys.O_RDONLY:
                return new FileInputStream(wrap(fd, fl)).getChannel();
            case Sys.O_WRONLY:
                return new FileOutputStream(wrap(fd, fl)).getChannel();
            default:
                return readWriteChannel(fd, fl);
        }
    }

    private static FileChannel readWriteChannel(int fd, int fl) {
        FieldAccess.require();
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile("/dev/null", "rw");
        } catch (FileNotFoundException e) {
            USocketException x = USocketException.system(Errno.ENOENT, "open", "/dev/null");
            x.initCause(e);
            throw x;
        }
        try {
            FileDescriptor fdo = raf.getFD();
            int slot = fromFileDescriptor(fdo);
            if (LIBC.dup3(fd, slot, Sys.O_CLOEXEC) < 0) {
                throw USocketException.system(LibC.errno(), "dup3", null);
            }
            if ((fl & Sys.O_APPEND) != 0 && FieldAccess.APPEND_SET != null) {
                FieldAccess.APPEND_SET.invokeExact(fdo, true);
            }
        } catch (Throwable t) {
            try {
                raf.close();
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw FieldAccess.rethrow(t);
        }
        LIBC.close(fd); // now duplicated into the RandomAccessFile's slot
        return raf.getChannel();
    }

    /**
     * The descriptor number a {@link FileChannel} obtained from {@link #toFileChannel},
     * {@link FileInputStream#getChannel()}, {@link FileOutputStream#getChannel()},
     * {@link RandomAccessFile#getChannel()} or {@link FileChannel#open} reads and writes; -1 once
     * the channel is closed. The channel keeps owning the descriptor.
     *
     * <p>Node equivalent: {@code filehandle.fd}; POSIX: the int itself. The JDK's channel class
     * ({@code sun.nio.ch.FileChannelImpl}) keeps a private {@link FileDescriptor}; it is read the
     * same way as the {@code fd} field (see the class comment).
     *
     * @throws InvalidArgumentException      {@code ERR_INVALID_ARG_TYPE} for null or a channel
     *                                       class other than the JDK's
     * @throws UnsupportedOperationException if the runtime offers no way to read the field
     */
    public static int fromChannel(FileChannel channel) {
        if (channel == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"channel\" argument must be an instance of FileChannel. Received null");
        }
        FieldAccess.require();
        MethodHandle get = FieldAccess.CHANNEL_FD_GET;
        if (get == null || channel.getClass() != FieldAccess.CHANNEL_CLASS) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"channel\" argument must be a FileChannel of the JDK. Received an instance of "
                            + channel.getClass().getName());
        }
        try {
            FileDescriptor fdo = (FileDescriptor) get.invokeExact((Object) channel);
            return fromFileDescriptor(fdo);
        } catch (Throwable t) {
            throw FieldAccess.rethrow(t);
        }
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


    /**
     * Access to {@code FileDescriptor.fd}, {@code FileDescriptor.append} and
     * {@code FileChannelImpl.fd}, resolved once: a VarHandle when the package is open to us,
     * else {@code sun.misc.Unsafe} offsets; all exposed as exact-typed method handles.
     */
    private static final class FieldAccess {
        /** (FileDescriptor)int */
        static final MethodHandle FD_GET;
        /** (FileDescriptor,int)void */
        static final MethodHandle FD_SET;
        /** (FileDescriptor,boolean)void, or null */
        static final MethodHandle APPEND_SET;
        /** sun.nio.ch.FileChannelImpl, or null */
        static final Class<?> CHANNEL_CLASS;
        /** (Object)FileDescriptor, valid only for an instance of exactly CHANNEL_CLASS; or null */
        static final MethodHandle CHANNEL_FD_GET;
        /** Why the fd field cannot be reached, or null. */
        static final Throwable FAILURE;

        private static final Object UNSAFE;

        static {
            Object unsafe = null;
            try {
                Class<?> uc = Class.forName("sun.misc.Unsafe");
                Field f = uc.getDeclaredField("theUnsafe");
                f.setAccessible(true); // allowed: jdk.unsupported opens sun.misc
                unsafe = f.get(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                unsafe = null;
            }
            UNSAFE = unsafe;

            MethodHandle fdGet = null, fdSet = null;
            Throwable failure = null;
            try {
                fdGet = accessor(FileDescriptor.class, "fd", int.class, false);
                fdSet = accessor(FileDescriptor.class, "fd", int.class, true);
            } catch (Throwable t) {
                failure = t;
                fdGet = null;
                fdSet = null;
            }
            FD_GET = fdGet;
            FD_SET = fdSet;
            FAILURE = failure;

            MethodHandle appendSet;
            try {
                appendSet = accessor(FileDescriptor.class, "append", boolean.class, true);
            } catch (Throwable t) {
                appendSet = null;
            }
            APPEND_SET = appendSet;

            Class<?> cc;
            MethodHandle chGet;
            try {
                cc = Class.forName("sun.nio.ch.FileChannelImpl");
                chGet = accessor(cc, "fd", FileDescriptor.class, false)
                        .asType(MethodType.methodType(FileDescriptor.class, Object.class));
            } catch (Throwable t) {
                cc = null;
                chGet = null;
            }
            CHANNEL_CLASS = cc;
            CHANNEL_FD_GET = chGet;
        }

        private FieldAccess() {
        }

        static void require() {
            if (FD_GET == null) {
                throw new UnsupportedOperationException(
                        "int <-> java.io.FileDescriptor conversion needs sun.misc.Unsafe (module jdk.unsupported)"
                                + " or --add-opens java.base/java.io=ALL-UNNAMED", FAILURE);
            }
        }

        static RuntimeException rethrow(Throwable t) {
            if (t instanceof RuntimeException) return (RuntimeException) t;
            if (t instanceof Error) throw (Error) t;
            if (t instanceof IOException) return new UncheckedIOException((IOException) t);
            return new IllegalStateException(t);
        }

        /**
         * A getter {@code (owner)type} or setter {@code (owner,type)void} of a private instance
         * field: a VarHandle if the owner's package is open to this class, else Unsafe.
         */
        private static MethodHandle accessor(Class<?> owner, String name, Class<?> type, boolean set)
                throws Throwable {
            Field field = owner.getDeclaredField(name);
            if (field.getType() != type) throw new NoSuchFieldException(owner.getName() + "." + name + " is not " + type);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            try {
                VarHandle vh = MethodHandles.privateLookupIn(owner, lookup).findVarHandle(owner, name, type);
                return vh.toMethodHandle(set ? VarHandle.AccessMode.SET : VarHandle.AccessMode.GET);
            } catch (IllegalAccessException notOpen) {
                // the usual case: fall back to Unsafe
            }
            if (UNSAFE == null) throw new IllegalAccessException("sun.misc.Unsafe is not available");
            Class<?> uc = UNSAFE.getClass();
            long offset = (long) lookup.findVirtual(uc, "objectFieldOffset",
                    MethodType.methodType(long.class, Field.class)).invoke(UNSAFE, field);
            String kind = type == int.class ? "Int" : type == boolean.class ? "Boolean" : "Object";
            Class<?> raw = type.isPrimitive() ? type : Object.class;
            MethodHandle mh = set
                    ? lookup.findVirtual(uc, "put" + kind, MethodType.methodType(void.class, Object.class, long.class, raw))
                    : lookup.findVirtual(uc, "get" + kind, MethodType.methodType(raw, Object.class, long.class));
            mh = MethodHandles.insertArguments(mh.bindTo(UNSAFE), 1, offset);
            return set
                    ? mh.asType(MethodType.methodType(void.class, owner, type))
                    : mh.asType(MethodType.methodType(type, owner));
        }
    }
}
