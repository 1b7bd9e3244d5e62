package io.usocket.internal.sys;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.ObjectParameterInfo;
import com.kenai.jffi.ObjectParameterStrategy;
import com.kenai.jffi.Type;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * The raw libc binding, reachable only from this package. Its calls take raw addresses
 * ({@code long}) of memory the caller keeps alive (direct ByteBuffers), so a call copies nothing
 * and allocates nothing; used wrongly they read or write any memory of the process, which is why
 * nothing outside {@code io.usocket.internal.sys} may name them: the rest of the library goes
 * through {@link LibC} (fd- and path-level calls, bounds-checked buffers), {@link Epoll},
 * {@link MsgIo} and {@link UnixSockets}.
 *
 * <p>Each function is called through jffi directly (native T17): its address is looked up once
 * with {@code dlsym} in the process's global namespace (libc is always loaded in a JVM) and every
 * call is one {@link Invoker} {@code invokeN} call, the JNI entry jnr-ffi's fastest generated
 * invokers end in, with every argument passed as a 64-bit integer. That binds libc in a few
 * milliseconds and a few dozen classes, where jnr-ffi generated and loaded several hundred
 * (decisions D75). Every context saves errno, read with {@link #errno()} (native T13, T18).
 */
final class Native {
    private static final Invoker INVOKER;
    private static final LastError LAST_ERROR;
    private static final MemoryIO MEMORY;
    private static final Library LIBRARY;

    static {
        // Before jffi loads its stub: elsewhere the first use fails with one clear error (native T16).
        Platform.requireLinux(System.getProperty("os.name"));
        INVOKER = Invoker.getInstance();
        LAST_ERROR = LastError.getInstance();
        MEMORY = MemoryIO.getInstance();
        LIBRARY = Library.getDefault();
    }

    private Native() {
    }

    /** errno of the last call made on this thread through {@link #LIBC} (jffi saves it per thread, native T13). */
    static int errno() {
        return LAST_ERROR.get();
    }

    /** The address of a direct buffer's memory, for the calls of this package only. */
    static long address(ByteBuffer direct) {
        return MEMORY.getDirectBufferAddress(direct);
    }

    /** The address of libc's function {@code name}; a missing one is a broken platform, not a runtime case. */
    private static long symbol(String name) {
        long address = LIBRARY.getSymbolAddress(name);
        if (address == 0) throw new UnsatisfiedLinkError("libc has no " + name + ": " + Library.getLastError());
        return address;
    }

    private static final Type I = Type.SINT;
    private static final Type P = Type.POINTER;
    private static final Type L = Type.SLONG;

    /** The bound library: one per process (after the types above, which its contexts use). */
    static final Calls LIBC = new Calls();

    /** A call context (libffi's description of a signature) whose calls save errno. */
    private static CallContext context(Type result, Type... params) {
        return CallContext.getCallContext(result, params, CallingConvention.DEFAULT, true);
    }

    /**
     * A heap byte range handed to a call pinned, not copied: the JVM keeps the array in place for
     * the call (JNI's critical access), as jnr-ffi's {@code @Pinned @In} did.
     */
    private static final class HeapBytes extends ObjectParameterStrategy<ByteBuffer> {
        static final HeapBytes INSTANCE = new HeapBytes();

        private HeapBytes() {
            super(HEAP);
        }

        @Override
        public long address(ByteBuffer b) {
            return 0;
        }

        @Override
        public Object object(ByteBuffer b) {
            return b.array();
        }

        @Override
        public int offset(ByteBuffer b) {
            return b.arrayOffset() + b.position();
        }

        @Override
        public int length(ByteBuffer b) {
            return b.remaining();
        }
    }

    /**
     * The libc functions the library calls, each named and typed as in C. {@code int} results
     * come back in the low 32 bits of the call's result, hence the casts.
     */
    static final class Calls {
        private static final CallContext I_I = context(I, I);
        private static final CallContext I_II = context(I, I, I);
        private static final CallContext I_III = context(I, I, I, I);
        private static final CallContext I_IIIP = context(I, I, I, I, P);
        private static final CallContext I_IIIPI = context(I, I, I, I, P, I);
        private static final CallContext I_IIIPP = context(I, I, I, I, P, P);
        private static final CallContext I_IIPI = context(I, I, I, P, I);
        private static final CallContext I_IPI = context(I, I, P, I);
        private static final CallContext I_IPPI = context(I, I, P, P, I);
        private static final CallContext I_PI = context(I, P, I);
        private static final CallContext I_PII = context(I, P, I, I);
        private static final CallContext I_IPII = context(I, I, P, I, I);
        private static final CallContext I_V = context(I);
        private static final CallContext I_P = context(I, P);
        private static final CallContext P_P = context(P, P);
        private static final CallContext L_IPL = context(L, I, P, L);
        private static final CallContext L_IPI = context(L, I, P, I);
        private static final CallContext L_IPLI = context(L, I, P, L, I);
        private static final CallContext I_IPIIP = context(I, I, P, I, Type.UINT, P);

        private static final long EPOLL_CREATE1 = symbol("epoll_create1");
        private static final long EPOLL_CTL = symbol("epoll_ctl");
        private static final long EPOLL_WAIT = symbol("epoll_wait");
        private static final long EVENTFD = symbol("eventfd");
        private static final long READ = symbol("read");
        private static final long WRITE = symbol("write");
        private static final long CLOSE = symbol("close");
        private static final long DUP3 = symbol("dup3");
        private static final long FCNTL = symbol("fcntl");
        private static final long PIPE2 = symbol("pipe2");
        private static final long OPEN = symbol("open");
        private static final long SOCKET = symbol("socket");
        private static final long SOCKETPAIR = symbol("socketpair");
        private static final long BIND = symbol("bind");
        private static final long LISTEN = symbol("listen");
        private static final long ACCEPT4 = symbol("accept4");
        private static final long CONNECT = symbol("connect");
        private static final long SHUTDOWN = symbol("shutdown");
        private static final long GETSOCKOPT = symbol("getsockopt");
        private static final long SETSOCKOPT = symbol("setsockopt");
        private static final long SENDMSG = symbol("sendmsg");
        private static final long SEND = symbol("send");
        private static final long RECVMSG = symbol("recvmsg");
        private static final long CHMOD = symbol("chmod");
        private static final long UNLINK = symbol("unlink");
        private static final long STATX = symbol("statx");
        private static final long GETENV = symbol("getenv");
        private static final long UNSETENV = symbol("unsetenv");
        private static final long GETUID = symbol("getuid");

        /** send's buffer is its second parameter (index 1), read by the call and never written. */
        private static final ObjectParameterInfo SEND_BUFFER = ObjectParameterInfo.create(1,
                ObjectParameterInfo.ARRAY, ObjectParameterInfo.BYTE, ObjectParameterInfo.IN | ObjectParameterInfo.PINNED);

        private Calls() {
        }

        int epoll_create1(int flags) {
            return (int) INVOKER.invokeN1(I_I, EPOLL_CREATE1, flags);
        }

        int epoll_ctl(int epfd, int op, int fd, long event) {
            return (int) INVOKER.invokeN4(I_IIIP, EPOLL_CTL, epfd, op, fd, event);
        }

        int epoll_wait(int epfd, long events, int maxevents, int timeoutMs) {
            return (int) INVOKER.invokeN4(I_IPII, EPOLL_WAIT, epfd, events, maxevents, timeoutMs);
        }

        int eventfd(int initval, int flags) {
            return (int) INVOKER.invokeN2(I_II, EVENTFD, initval, flags);
        }

        long read(int fd, long buf, long count) {
            return INVOKER.invokeN3(L_IPL, READ, fd, buf, count);
        }

        long write(int fd, long buf, long count) {
            return INVOKER.invokeN3(L_IPL, WRITE, fd, buf, count);
        }

        int close(int fd) {
            return (int) INVOKER.invokeN1(I_I, CLOSE, fd);
        }

        int dup3(int oldfd, int newfd, int flags) {
            return (int) INVOKER.invokeN3(I_III, DUP3, oldfd, newfd, flags);
        }

        /** fcntl with a numeric third argument only (LibC lets no pointer command through). */
        int fcntl(int fd, int cmd, int arg) {
            return (int) INVOKER.invokeN3(I_III, FCNTL, fd, cmd, arg);
        }

        int pipe2(long fds, int flags) {
            return (int) INVOKER.invokeN2(I_PI, PIPE2, fds, flags);
        }

        /** {@code path}: NUL-terminated bytes as {@link UnixPaths} makes them. */
        int open(byte[] path, int flags, int mode) {
            NativeBuffer p = cString(path);
            try {
                return (int) INVOKER.invokeN3(I_PII, OPEN, p.address, flags, mode);
            } finally {
                Reference.reachabilityFence(p);
            }
        }

        int socket(int domain, int type, int protocol) {
            return (int) INVOKER.invokeN3(I_III, SOCKET, domain, type, protocol);
        }

        int socketpair(int domain, int type, int protocol, long fds) {
            return (int) INVOKER.invokeN4(I_IIIP, SOCKETPAIR, domain, type, protocol, fds);
        }

        int bind(int fd, long addr, int len) {
            return (int) INVOKER.invokeN3(I_IPI, BIND, fd, addr, len);
        }

        int listen(int fd, int backlog) {
            return (int) INVOKER.invokeN2(I_II, LISTEN, fd, backlog);
        }

        int accept4(int fd, long addr, long lenAddr, int flags) {
            return (int) INVOKER.invokeN4(I_IPPI, ACCEPT4, fd, addr, lenAddr, flags);
        }

        int connect(int fd, long addr, int len) {
            return (int) INVOKER.invokeN3(I_IPI, CONNECT, fd, addr, len);
        }

        int shutdown(int fd, int how) {
            return (int) INVOKER.invokeN2(I_II, SHUTDOWN, fd, how);
        }

        int getsockopt(int fd, int level, int name, long value, long lenAddr) {
            return (int) INVOKER.invokeN5(I_IIIPP, GETSOCKOPT, fd, level, name, value, lenAddr);
        }

        int setsockopt(int fd, int level, int name, long value, int len) {
            return (int) INVOKER.invokeN5(I_IIIPI, SETSOCKOPT, fd, level, name, value, len);
        }

        long sendmsg(int fd, long msghdr, int flags) {
            return INVOKER.invokeN3(L_IPI, SENDMSG, fd, msghdr, flags);
        }

        /** Sends straight from a heap buffer's array (pinned for the call, not copied): large writes without fds. */
        long send(int fd, ByteBuffer heap, long len, int flags) {
            return INVOKER.invokeN4O1(L_IPLI, SEND, fd, 0, len, flags, heap, HeapBytes.INSTANCE, SEND_BUFFER);
        }

        long recvmsg(int fd, long msghdr, int flags) {
            return INVOKER.invokeN3(L_IPI, RECVMSG, fd, msghdr, flags);
        }

        int chmod(byte[] path, int mode) {
            NativeBuffer p = cString(path);
            try {
                return (int) INVOKER.invokeN2(I_PI, CHMOD, p.address, mode);
            } finally {
                Reference.reachabilityFence(p);
            }
        }

        int unlink(byte[] path) {
            NativeBuffer p = cString(path);
            try {
                return (int) INVOKER.invokeN1(I_P, UNLINK, p.address);
            } finally {
                Reference.reachabilityFence(p);
            }
        }

        int statx(int dirfd, byte[] path, int flags, int mask, long statxbuf) {
            NativeBuffer p = cString(path);
            try {
                return (int) INVOKER.invokeN5(I_IPIIP, STATX, dirfd, p.address, flags, mask, statxbuf);
            } finally {
                Reference.reachabilityFence(p);
            }
        }

        /**
         * libc's environment (what native code and children exec'd through libc see), not Java's
         * copy. Names and values in the JVM's default charset, as jnr-ffi converted them.
         */
        String getenv(String name) {
            NativeBuffer n = cString(name.getBytes(Charset.defaultCharset()));
            try {
                long value = INVOKER.invokeN1(P_P, GETENV, n.address);
                return value == 0 ? null : new String(MEMORY.getZeroTerminatedByteArray(value), Charset.defaultCharset());
            } finally {
                Reference.reachabilityFence(n);
            }
        }

        int unsetenv(String name) {
            NativeBuffer n = cString(name.getBytes(Charset.defaultCharset()));
            try {
                return (int) INVOKER.invokeN1(I_P, UNSETENV, n.address);
            } finally {
                Reference.reachabilityFence(n);
            }
        }

        int getuid() {
            return (int) INVOKER.invokeN0(I_V, GETUID);
        }

        /** {@code bytes} in native memory, NUL-terminated (a NUL already at the end is kept, not doubled). */
        private static NativeBuffer cString(byte[] bytes) {
            boolean terminated = bytes.length > 0 && bytes[bytes.length - 1] == 0;
            NativeBuffer b = new NativeBuffer(terminated ? bytes.length : bytes.length + 1);
            b.buf.put(0, terminated ? bytes : Arrays.copyOf(bytes, bytes.length + 1));
            return b;
        }
    }
}
