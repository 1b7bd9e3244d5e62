package io.usocket.internal.sys;

import java.io.IOException;
import java.util.Objects;

/**
 * An epoll instance plus an eventfd for wake-ups (native T1, T12, T14). The event array
 * is laid out per architecture: {@code struct epoll_event} is packed (12 bytes) on x86_64 and
 * 16 bytes with {@code data} at offset 8 elsewhere. The fd itself is stored as the event data.
 */
public final class Epoll implements AutoCloseable {
    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    private static final int EVENT_SIZE = PACKED ? 12 : 16;
    private static final int DATA_OFFSET = PACKED ? 4 : 8;
    private static final int MAX_EVENTS = 256;

    private final Native.Calls libc;
    private final int epfd;
    private final int wakeFd;
    private final NativeBuffer events;
    private final NativeBuffer ctl;
    private final NativeBuffer wakeBuf;
    private final NativeBuffer drainBuf;
    private boolean closed;

    /**
     * A new epoll instance and its wake-up eventfd, both close-on-exec.
     *
     * @throws UnsupportedOperationException on an OS other than Linux (checked before libc is
     *                                       touched, so that is the one error seen there)
     * @throws IOException                   if epoll_create1 or eventfd fails (e.g. EMFILE)
     */
    public Epoll() throws IOException {
        Platform.requireLinux(System.getProperty("os.name"));
        libc = Native.LIBC;
        // Initialise LibC now, with the loop: sockets close received fds through it when the
        // process may have no descriptor left to open a class file with (a receiver out of fds,
        // decisions D13), and a class that cannot be loaded then would lose those fds.
        Objects.requireNonNull(LibC.INSTANCE);
        events = new NativeBuffer(EVENT_SIZE * MAX_EVENTS);
        ctl = new NativeBuffer(16);
        wakeBuf = new NativeBuffer(8);
        drainBuf = new NativeBuffer(8);
        epfd = libc.epoll_create1(Sys.EPOLL_CLOEXEC);
        if (epfd < 0) throw new IOException("epoll_create1 " + Errno.name(Native.errno()));
        wakeBuf.buf.putLong(0, 1L);
        wakeFd = libc.eventfd(0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC);
        if (wakeFd < 0) {
            int err = Native.errno();
            libc.close(epfd);
            throw new IOException("eventfd " + Errno.name(err));
        }
        int rc = control(Sys.EPOLL_CTL_ADD, wakeFd, Sys.EPOLLIN);
        if (rc != 0) {
            close();
            throw new IOException("epoll_ctl " + Errno.name(rc));
        }
    }

    /** The fd that {@link #wakeup()} makes readable; events for it are drained by {@link #poll}. */
    public int wakeFd() {
        return wakeFd;
    }

    /** EPOLL_CTL_ADD/MOD/DEL; returns 0 or the errno. */
    public int control(int op, int fd, int interest) {
        ctl.buf.putInt(0, interest);
        ctl.buf.putLong(DATA_OFFSET, fd);
        return libc.epoll_ctl(epfd, op, fd, ctl.address) == 0 ? 0 : Native.errno();
    }

    /**
     * Waits up to {@code timeoutMs} (-1: forever) and returns how many events are ready; read
     * them with {@link #fd(int)} and {@link #ops(int)}. EINTR counts as zero events.
     */
    public int poll(int timeoutMs) {
        int n = libc.epoll_wait(epfd, events.address, MAX_EVENTS, timeoutMs);
        if (n < 0) {
            int err = Native.errno();
            if (err == Errno.EINTR) return 0;
            throw new IllegalStateException("epoll_wait " + Errno.name(err));
        }
        return n;
    }

    public int fd(int i) {
        return (int) events.buf.getLong(i * EVENT_SIZE + DATA_OFFSET);
    }

    public int ops(int i) {
        return events.buf.getInt(i * EVENT_SIZE);
    }

    /**
     * Drops {@code fd}'s events from the first {@code n} of the last {@link #poll} (their fd
     * reads as -1): libuv's {@code uv__platform_invalidate_fd}. A descriptor closed while its
     * batch is dispatched may be reused before its event comes up.
     */
    public void invalidate(int fd, int n) {
        for (int i = 0; i < n; i++) {
            if (fd(i) == fd) events.buf.putLong(i * EVENT_SIZE + DATA_OFFSET, -1L);
        }
    }

    /** Makes a sleeping {@link #poll} return; calls coalesce in the eventfd counter. */
    public void wakeup() {
        libc.write(wakeFd, wakeBuf.address, 8);
    }

    /** Resets the eventfd counter after a wake-up was seen. */
    public void drainWakeup() {
        libc.read(wakeFd, drainBuf.address, 8);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        libc.close(wakeFd);
        libc.close(epfd);
    }
}
