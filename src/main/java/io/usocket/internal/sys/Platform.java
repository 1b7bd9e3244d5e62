package io.usocket.internal.sys;

/**
 * The one check that the library runs where it can: Linux (epoll, eventfd, accept4, SCM_RIGHTS
 * with {@code MSG_CMSG_CLOEXEC}). Made before libc is bound, so that elsewhere the first use
 * fails with one clear {@link UnsupportedOperationException} naming the OS instead of an
 * {@code UnsatisfiedLinkError} or a wrong syscall.
 */
public final class Platform {
    private Platform() {
    }

    /**
     * Throws unless {@code osName} (the {@code os.name} system property) is Linux.
     *
     * @param osName the operating system's name as Java reports it, may be null
     * @throws UnsupportedOperationException naming {@code osName} when it is not Linux
     */
    public static void requireLinux(String osName) {
        if (osName == null || !osName.startsWith("Linux")) {
            throw new UnsupportedOperationException("usocket needs Linux (epoll, eventfd, SCM_RIGHTS); this is "
                    + (osName == null ? "an unknown OS (os.name not set)" : osName));
        }
    }
}
