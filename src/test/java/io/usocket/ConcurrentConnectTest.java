package io.usocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code connect()} from two threads at once on one socket (decisions D20, D58): the whole
 * connect runs on the loop, so the two calls are two connects in a row, and the second does what
 * node 20's second {@code connect()} does: libuv connects the same fd again, the kernel answers
 * {@code EISCONN}, the socket emits {@code 'error'} then {@code 'close'(true)}. Neither call
 * throws, one fd is opened per socket, and none is left open (the kit checks /proc/self/fd).
 * Before D58 both calls could pass the "already connecting" check off the loop.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentConnectTest {
    private static final int ROUNDS = 200;
    private static final long WAIT = 30;

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(280));
    private final EventLoop loop = kit.loop();

    @Test
    void twoThreadsConnectingOneSocketAreTwoConnectsInARow() throws Exception {
        String path = kit.path("race.sock");
        UServer server = new UServer(loop);
        AtomicInteger serverSideClosed = new AtomicInteger();
        server.on(UServer.CONNECTION, s -> {
            s.on(USocket.CLOSE, had -> serverSideClosed.incrementAndGet());
            s.resume();
        });
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        loop.onUncaughtException(uncaught::add);
        Promises.listen(server, path);
        loop.start();
        await().atMost(Duration.ofSeconds(WAIT)).until(server::listening);

        for (int round = 0; round < ROUNDS; round++) {
            USocket c = new USocket(loop);
            List<String> events = new CopyOnWriteArrayList<>();
            c.on(USocket.CONNECT, () -> events.add("connect"));
            c.on(USocket.ERROR, e -> events.add("error " + ((CodedError) e).code()));
            c.on(USocket.CLOSE, had -> events.add("close " + had));
            CyclicBarrier together = new CyclicBarrier(2);
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread th = new Thread(() -> {
                    try {
                        together.await();
                        c.connect(path);
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                }, "connect-" + t);
                th.start();
                threads.add(th);
            }
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(WAIT));
                assertFalse(th.isAlive(), th.getName() + " still inside connect()");
            }
            assertEquals(List.of(), thrown, "neither connect() throws (node does not refuse the second)");
            await().atMost(Duration.ofSeconds(WAIT)).until(() -> events.contains("close true"));
            // The second connect ran before the first completed, or after 'connect': EISCONN either way.
            if (events.get(0).equals("connect")) {
                assertEquals(List.of("connect", "error EISCONN", "close true"), events, "round " + round);
            } else {
                assertEquals(List.of("error EISCONN", "close true"), events, "round " + round);
            }
        }
        int rounds = ROUNDS;
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> serverSideClosed.get() == rounds);
        assertEquals(List.of(), uncaught);
        server.close();
    }
}
