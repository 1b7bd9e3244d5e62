package io.usocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.internal.sys.Platform;
import org.junit.jupiter.api.Test;

/** The one OS check EventLoop.create() makes (through Epoll) before anything native is touched. */
class PlatformTest {
    @Test
    void otherSystemsGetOneClearErrorNamingThem() {
        for (String os : new String[] {"Mac OS X", "Windows 11", "FreeBSD"}) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> Platform.requireLinux(os));
            assertEquals("usocket needs Linux (epoll, eventfd, SCM_RIGHTS); this is " + os, e.getMessage());
        }
        UnsupportedOperationException unknown = assertThrows(UnsupportedOperationException.class,
                () -> Platform.requireLinux(null));
        assertEquals("usocket needs Linux (epoll, eventfd, SCM_RIGHTS); this is an unknown OS (os.name not set)",
                unknown.getMessage());
    }

    @Test
    void linuxPasses() {
        assertDoesNotThrow(() -> Platform.requireLinux("Linux"));
        assertEquals("Linux", System.getProperty("os.name"));
        EventLoop loop = EventLoop.create();
        loop.close();
    }
}
