package io.usocket.internal.sys;

/**
 * The process's environment as the C library holds it ({@code environ}: what native code sees,
 * and what a child exec'd with libc's environment inherits), and its user id. Java's
 * {@link System#getenv()} is a copy the JVM made on first use and never updates: unsetting a
 * variable here does not change it (decisions D42).
 */
public final class Environ {
    private Environ() {
    }

    /** The variable's value in libc's environment now, or null when unset. */
    public static String get(String name) {
        return Native.LIBC.getenv(name);
    }

    /** This process's real user id ({@code getuid(2)}; it cannot fail). */
    public static int uid() {
        return Native.LIBC.getuid();
    }

    /** Removes the variable from libc's environment ({@code unsetenv(3)}): 0, or the errno (EINVAL). */
    public static int unset(String name) {
        return Native.LIBC.unsetenv(name) == 0 ? 0 : Native.errno();
    }
}
