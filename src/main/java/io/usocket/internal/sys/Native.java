package io.usocket.internal.sys;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Pinned;

/**
 * The raw libc binding, reachable only from this package. Its calls take raw addresses
 * ({@code long}) of memory the caller keeps alive (direct ByteBuffers), so a call copies nothing
 * and allocates nothing; used wrongly they read or write any memory of the process, which is why
 * nothing outside {@code io.usocket.internal.sys} may name them: the rest of the library goes
 * through {@link LibC} (fd- and path-level calls, bounds-checked buffers), {@link Epoll},
 * {@link MsgIo} and {@link UnixSockets}.
 *
 * <p>Why a public interface in a package-private class: jnr-ffi implements {@link Calls} with a
 * class it generates in a class loader of its own (another runtime package, an unnamed module),
 * and a class can only implement an interface it can access, so the interface must be public.
 * Its enclosing class is package-private, so Java code outside this package cannot name it and
 * cannot reach {@link #LIBC} (see docs/modules.md).
 */
final class Native {
    /** The libc functions the library calls (jnr-ffi binds each by its name). */
    public interface Calls {
        int epoll_create1(int flags);
        int epoll_ctl(int epfd, int op, int fd, long event);
        int epoll_wait(int epfd, long events, int maxevents, int timeoutMs);
        int eventfd(int initval, int flags);

        long read(int fd, long buf, long count);
        long write(int fd, long buf, long count);
        int close(int fd);
        int dup3(int oldfd, int newfd, int flags);
        int fcntl(int fd, int cmd, int arg);
        int pipe2(long fds, int flags);
        /** {@code path} as {@link UnixPaths} makes it: jnr-ffi would encode a String with the default charset. */
        int open(@In byte[] path, int flags, int mode);

        int socket(int domain, int type, int protocol);
        int socketpair(int domain, int type, int protocol, long fds);
        int bind(int fd, long addr, int len);
        int listen(int fd, int backlog);
        int accept4(int fd, long addr, long lenAddr, int flags);
        int connect(int fd, long addr, int len);
        int shutdown(int fd, int how);
        int getsockopt(int fd, int level, int name, long value, long lenAddr);
        int setsockopt(int fd, int level, int name, long value, int len);
        long sendmsg(int fd, long msghdr, int flags);
        /** Sends straight from a Java array (pinned for the call, not copied): for large writes without fds. */
        long send(int fd, @Pinned @In ByteBuffer buf, long len, int flags);
        long recvmsg(int fd, long msghdr, int flags);
        int chmod(@In byte[] path, int mode);
        int unlink(@In byte[] path);
        int statx(int dirfd, @In byte[] path, int flags, int mask, long statxbuf);
        /** libc's environment (what native code and children exec'd through libc see), not Java's copy. */
        String getenv(String name);
        int unsetenv(String name);
        int getuid();
    }

    /** The bound library: one per process. */
    static final Calls LIBC = load();
    /** The jnr runtime of {@link #LIBC}, for errno and buffer addresses. */
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {
    }

    private static Calls load() {
        Platform.requireLinux(System.getProperty("os.name"));
        return LibraryLoader.create(Calls.class).load("c");
    }

    /** errno of the last call made on this thread through {@link #LIBC} (jnr-ffi saves it, native T13). */
    static int errno() {
        return RUNTIME.getLastError();
    }
}
