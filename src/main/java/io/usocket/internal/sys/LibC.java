package io.usocket.internal.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Pinned;

import java.nio.ByteBuffer;

/**
 * The libc calls the library makes, bound with jnr-ffi. Buffers are passed as raw addresses
 * ({@code long}) of memory the caller keeps alive (direct ByteBuffers), so a call copies nothing
 * and allocates nothing; errno is saved by jnr-ffi after each call and read with {@link #errno()}.
 */
public interface LibC {
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
    /** {@code path} as {@link UnixPaths} encodes it (a String would be encoded with the default charset). */
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
    /** Path arguments are NUL-terminated bytes made by {@link UnixPaths}, the one path encoder. */
    int chmod(@In byte[] path, int mode);
    int unlink(@In byte[] path);
    int statx(int dirfd, @In byte[] path, int flags, int mask, long statxbuf);

    /** The bound library: one per process. */
    LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");
    /** The jnr runtime of {@link #INSTANCE}, for errno. */
    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

    /** errno of the last call made on this thread through {@link #INSTANCE}. */
    static int errno() {
        return RUNTIME.getLastError();
    }
}
