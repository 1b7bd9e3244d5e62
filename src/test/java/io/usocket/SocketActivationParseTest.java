package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usocket.SocketActivation.ListenFd;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link SocketActivation} reads the three variables: as {@code sd_listen_fds_with_names} does. */
class SocketActivationParseTest {
    private static final long PID = 4242;

    @Test
    void notActivatedOrActivatedForAnotherProcessGivesNothing() {
        assertEquals(List.of(), SocketActivation.parse(null, "2", "a:b", PID));
        assertEquals(List.of(), SocketActivation.parse("4243", "2", "a:b", PID), "LISTEN_PID is another process's");
        assertEquals(List.of(), SocketActivation.parse("4242", null, null, PID));
    }

    @Test
    void fdsStartAtThreeAndTakeTheirNamesInOrder() {
        assertEquals(List.of(new ListenFd(3, "web"), new ListenFd(4, "admin")), SocketActivation.parse("4242", "2", "web:admin", PID));
        assertEquals(List.of(new ListenFd(3, "unknown"), new ListenFd(4, "unknown")), SocketActivation.parse("4242", "2", null, PID));
        assertEquals(List.of(new ListenFd(3, "a"), new ListenFd(4, "a"), new ListenFd(5, "")), SocketActivation.parse("4242", "3", "a:a:", PID));
    }

    @Test
    void malformedVariablesAreErrorsNotGuesses() {
        assertCode("LISTEN_PID is not a positive number: 'x'", () -> SocketActivation.parse("x", "1", null, PID));
        assertCode("LISTEN_PID is not a positive number: '0'", () -> SocketActivation.parse("0", "1", null, PID));
        assertCode("LISTEN_FDS is not a positive number: '0'", () -> SocketActivation.parse("4242", "0", null, PID));
        assertCode("LISTEN_FDS is not a positive number: '-1'", () -> SocketActivation.parse("4242", "-1", null, PID));
        assertCode("LISTEN_FDS is not a positive number: 'two'", () -> SocketActivation.parse("4242", "two", null, PID));
        assertCode("LISTEN_FDNAMES has 1 names for LISTEN_FDS=2: 'web'", () -> SocketActivation.parse("4242", "2", "web", PID));
    }

    @Test
    void aProcessThatWasNotActivatedGetsNothingAndKeepsNothing() {
        // the test JVM itself: no LISTEN_PID (or not ours)
        assertEquals(List.of(), SocketActivation.listenFds());
        assertEquals(List.of(), SocketActivation.listenFds());
    }

    private static void assertCode(String message, Runnable r) {
        USocketException e = assertThrows(USocketException.class, r::run);
        assertEquals("ERR_SOCKET_ACTIVATION", e.code());
        assertEquals(message, e.getMessage());
    }
}
