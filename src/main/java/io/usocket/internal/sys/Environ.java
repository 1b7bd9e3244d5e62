package io.usocket.internal.sys;

/**
 * The C library's environment ({@code environ}), which native code and programs started through
 * libc ({@code execve(environ)}) see. Java's {@link System#getenv()} is a snapshot the JVM took
 * at startup and never changes, and {@link ProcessBuilder} starts children from a copy of that
 * snapshot: unsetting a variable here does not hide it from either.
 */
public final class Environ {
    private Environ() {
    }

    /** The variable's value in libc's environment now, or null when unset. */
    public static String get(String name) {
        return LibC.INSTANCE.getenv(name);
    }

    /** Removes the variable from libc's environment ({@code unsetenv(3)}): 0, or the errno (EINVAL). */
    public static int unset(String name) {
        return LibC.INSTANCE.unsetenv(name) == 0 ? 0 : LibC.errno();
    }
}
