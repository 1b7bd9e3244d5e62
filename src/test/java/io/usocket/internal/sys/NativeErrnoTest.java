package io.usocket.internal.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.TestFds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jffi binding's errno and argument passing (native T13, T17, T18, T20): errno is saved per
 * thread right after each call, int results are the call's 32-bit result, and a heap array
 * handed to {@code send} pinned arrives from the right offset.
 */
class NativeErrnoTest {
    private static final LibC C = LibC.INSTANCE;

    @Test
    void errnoIsSavedPerThreadRightAfterTheCall() throws Exception {
        int rounds = 20_000;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // close(-1) fails with EBADF; dup3(0, 0, 0) with EINVAL (oldfd == newfd): interleaved
            // on two threads, each must read its own errno every time.
            Future<Integer> badf = pool.submit(() -> {
                start.await();
                int wrong = 0;
                for (int i = 0; i < rounds; i++) {
                    if (C.close(-1) != -1 || LibC.errno() != Errno.EBADF) wrong++;
                }
                return wrong;
            });
            Future<Integer> inval = pool.submit(() -> {
                start.await();
                int wrong = 0;
                for (int i = 0; i < rounds; i++) {
                    if (C.dup3(0, 0, 0) != -1 || LibC.errno() != Errno.EINVAL) wrong++;
                }
                return wrong;
            });
            assertEquals(0, badf.get(60, TimeUnit.SECONDS), "close(-1) calls that did not read EBADF");
            assertEquals(0, inval.get(60, TimeUnit.SECONDS), "dup3(0, 0, 0) calls that did not read EINVAL");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void resultsAndErrnoOfCallsWithManyArgumentKinds() {
        int before = TestFds.openFdCount();
        NativeBuffer pair = new NativeBuffer(8);
        assertEquals(0, C.socketpair(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0, pair));
        int a = pair.buf.getInt(0);
        int b = pair.buf.getInt(4);
        try {
            assertTrue(a >= 0 && b >= 0 && a != b);
            // fcntl's int result: FD_CLOEXEC set by the socketpair call
            assertEquals(Sys.FD_CLOEXEC, C.fcntl(a, Sys.F_GETFD, 0));
            MsgIo io = new MsgIo();
            // nothing to read: -EAGAIN, errno taken right after recvmsg
            assertEquals(-Errno.EAGAIN, io.receive(b));
            byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) data[i] = (byte) i;
            // the pinned heap array is read from its offset, for its length
            assertEquals(100, io.sendDirect(a, data, 37, 100));
            assertEquals(100, io.receive(b));
            byte[] expected = new byte[100];
            System.arraycopy(data, 37, expected, 0, 100);
            assertArrayEquals(expected, io.receivedBytes(100));
            assertNull(io.receivedFds());
            // on a closed descriptor: minus EBADF
            assertEquals(-Errno.EBADF, io.sendDirect(-1, data, 0, 1));
        } finally {
            C.close(a);
            C.close(b);
        }
        TestFds.assertNoLeak(before);
    }

    @Test
    void pathAndEnvironmentCallsTakeTheirStrings() {
        List<Integer> results = new ArrayList<>();
        results.add(UnixPaths.unlink("/nonexistent-usocket-dir/x"));
        results.add(-UnixPaths.mode("/nonexistent-usocket-dir/x"));
        assertEquals(List.of(Errno.ENOENT, Errno.ENOENT), results);
        assertTrue((UnixPaths.mode("/") & UnixPaths.S_IFMT) == 0040000, "/ is a directory");
        assertEquals(System.getenv("PATH"), Environ.get("PATH"));
        assertNull(Environ.get("USOCKET_SURELY_UNSET_VARIABLE"));
        assertEquals(Errno.EINVAL, Environ.unset("A=B"));
    }
}
