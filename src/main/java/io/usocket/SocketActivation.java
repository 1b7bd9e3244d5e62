package io.usocket;

import io.usocket.internal.sys.Environ;
import io.usocket.internal.sys.UnixSockets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Socket activation: the listening sockets a service manager (systemd, {@code
 * systemd-socket-activate}, or anything speaking the same protocol) opened for this process and
 * passed to it as fds 3, 4, ... with the variables {@code LISTEN_PID}, {@code LISTEN_FDS} and
 * {@code LISTEN_FDNAMES}. {@link #listenFds()} does what {@code sd_listen_fds_with_names(1, ...)}
 * does in C; each fd is ready for {@code server.listen(new ListenOptions().fd(fd))}:
 *
 * <pre>{@code
 * for (SocketActivation.ListenFd l : SocketActivation.listenFds()) {
 *     if (l.name().equals("web")) webServer.listen(new ListenOptions().fd(l.fd()));
 * }
 * }</pre>
 *
 * <p>The variables are read from, and removed from, the C library's environment: what native
 * code sees, and what a child started by a {@link ProcessBuilder} whose {@code environment()}
 * was never asked for inherits. Java cannot change its own {@link System#getenv()}: that map
 * is a copy the JVM makes the first time anything reads the environment (often before
 * {@code main}) and never updates, and a {@code ProcessBuilder}'s {@code environment()} starts
 * as a copy of it; if the copy was made before this call, both still hold the variables. Such
 * a child is protected by {@code LISTEN_PID} (not its pid), and {@link #scrub(ProcessBuilder)}
 * removes them from its environment for good
 * (decisions D42). Node has no equivalent (a node service reads the variables itself and calls
 * {@code server.listen({fd: 3})}).
 */
public final class SocketActivation {
    /** The first passed fd: {@code SD_LISTEN_FDS_START}. */
    public static final int LISTEN_FDS_START = 3;
    /** The variables of the protocol, in the order they are checked. */
    static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    private SocketActivation() {
    }

    /**
     * One passed descriptor: its number and the name the service manager gave it
     * ({@code FileDescriptorName=} in a .socket unit, {@code --fdname} of
     * {@code systemd-socket-activate}; {@code "unknown"} when none was given).
     *
     * @param fd   the descriptor, close-on-exec, owned by the caller
     * @param name its name (several fds may share one)
     */
    public record ListenFd(int fd, String name) {
    }

    /**
     * The fds passed to this process, in order (fd 3 first), each marked close-on-exec; an
     * empty list when none were (no {@code LISTEN_PID}, or one that is not this process's pid:
     * they were meant for another process). The three variables are then removed from the C
     * library's environment whatever the outcome, as {@code sd_listen_fds(1)} does, so a second
     * call, or a library asking later, gets an empty list: the fds are handed out once, and their
     * owner is the caller. Thread-safe.
     *
     * @return the passed fds, in order; empty when there are none for this process
     * @throws USocketException {@code ERR_SOCKET_ACTIVATION} when the variables are malformed
     *         ({@code LISTEN_PID} or {@code LISTEN_FDS} not a positive number, a name count that
     *         differs from {@code LISTEN_FDS}) or a passed fd is not open ({@code EBADF}): the
     *         service manager and this process disagree, and guessing would serve the wrong socket
     */
    public static synchronized List<ListenFd> listenFds() {
        try {
            List<ListenFd> fds = parse(Environ.get("LISTEN_PID"), Environ.get("LISTEN_FDS"),
                    Environ.get("LISTEN_FDNAMES"), ProcessHandle.current().pid());
            for (ListenFd l : fds) {
                int err = UnixSockets.setCloexec(l.fd());
                if (err != 0) {
                    throw new USocketException("ERR_SOCKET_ACTIVATION", "LISTEN_FDS names fd " + l.fd()
                            + ", which cannot be made close-on-exec: " + USocketException.system(err, "fcntl", null).getMessage());
                }
            }
            return fds;
        } finally {
            for (String name : VARIABLES) Environ.unset(name);
        }
    }

    /**
     * Removes the activation variables from {@code builder}'s environment (which Java copies
     * from its startup snapshot, where {@link #listenFds()} could not remove them), so the child
     * cannot take this process's sockets for its own. Returns {@code builder}.
     *
     * @param builder the builder of the child process
     * @return {@code builder}
     */
    public static ProcessBuilder scrub(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        for (String name : VARIABLES) env.remove(name);
        return builder;
    }

    /**
     * The fds the three variables describe for process {@code pid}, as {@code
     * sd_listen_fds_with_names} reads them; nothing is checked against the descriptor table here.
     */
    static List<ListenFd> parse(String listenPid, String listenFds, String listenFdNames, long pid) {
        if (listenPid == null) return List.of();
        long forPid = positive("LISTEN_PID", listenPid);
        if (forPid != pid) return List.of();
        if (listenFds == null) return List.of();
        long n = positive("LISTEN_FDS", listenFds);
        if (n > Integer.MAX_VALUE - LISTEN_FDS_START) throw malformed("LISTEN_FDS", listenFds);
        List<String> names;
        if (listenFdNames == null) {
            names = Collections.nCopies((int) n, "unknown");
        } else {
            names = List.of(listenFdNames.split(":", -1));
            if (names.size() != n) {
                throw new USocketException("ERR_SOCKET_ACTIVATION", "LISTEN_FDNAMES has " + names.size()
                        + " names for LISTEN_FDS=" + n + ": '" + listenFdNames + "'");
            }
        }
        List<ListenFd> out = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) out.add(new ListenFd(LISTEN_FDS_START + i, names.get(i)));
        return List.copyOf(out);
    }

    private static long positive(String name, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw malformed(name, value);
    }

    private static USocketException malformed(String name, String value) {
        return new USocketException("ERR_SOCKET_ACTIVATION", name + " is not a positive number: '" + value + "'");
    }
}
