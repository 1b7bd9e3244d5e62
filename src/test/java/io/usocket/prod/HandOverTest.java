package io.usocket.prod;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.ChildProcess;
import io.usocket.EventLog;
import io.usocket.EventLoop;
import io.usocket.Fds;
import io.usocket.HandOver;
import io.usocket.InvalidStateException;
import io.usocket.SocketTestKit;
import io.usocket.UServer;
import io.usocket.USocket;
import io.usocket.USocketException;
import io.usocket.examples.HandOverExample;
import io.usocket.examples.HandOverExample.Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link HandOver}: a listening socket moves from a running server to its replacement while a
 * client connects without pause; no connection is refused or lost, the old server finishes the
 * connections it had, and a taker that goes away half-way changes nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HandOverTest {
    private static final Duration LONG = Duration.ofSeconds(90);

    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit(Duration.ofSeconds(150));
    private final EventLog log = kit.log;

    /** A loop on its own thread, kept running by an interval until the kit closes it. */
    private EventLoop runningLoop() {
        EventLoop loop = kit.newLoop();
        loop.setInterval(() -> { }, 1000);
        loop.start();
        return loop;
    }

    @Test
    void aClientConnectingThroughTheWholeHandOverToAnotherJvmIsNeverRefusedNorLost() throws Exception {
        Path dir = kit.dir();
        String app = dir.resolve("app.sock").toString();
        EventLoop oldLoop = kit.newLoop();
        HandOverExample.startOld(oldLoop, dir, log::add);
        Thread oldThread = oldLoop.start();
        await().atMost(LONG).until(() -> log.contains("old: ready"));

        EventLoop clientLoop = runningLoop();
        Client client = new Client(clientLoop, app);
        client.start(4);
        await().atMost(LONG).until(() -> client.answered("old") >= 100);
        // One connection the old server answers only after handing over: it must still do so.
        List<String> slow = new CopyOnWriteArrayList<>();
        clientLoop.execute(() -> {
            USocket s = new USocket(clientLoop, app);
            s.setEncoding("utf8");
            s.on("data", (String d) -> slow.add(d));
            s.write("ping 0 later\n");
        });
        await().atMost(LONG).until(() -> log.contains("old: holding the answer to ping 0 until the hand-over"));

        ChildProcess fresh = kit.closeWithKit(ChildProcess.start("new", dir, ChildProcess.javaCommand(HandOverExample.class, "new", dir.toString())));
        await("the old server's loop ends").atMost(LONG).until(() -> !oldThread.isAlive());
        List<String> oldLog = log.all();
        assertEquals(4, oldLog.size(), oldLog.toString());
        assertEquals("old: ready", oldLog.get(0));
        assertEquals("old: holding the answer to ping 0 until the hand-over", oldLog.get(1));
        assertTrue(oldLog.get(2).matches("old: handed over; open connections to finish: [1-9]\\d*"), oldLog.toString());
        assertEquals("old: all connections finished, exiting", oldLog.get(3));
        assertEquals(List.of("pong 0 old " + ProcessHandle.current().pid() + "\n"), slow, "an open connection is finished after the hand-over");
        assertFalse(Files.exists(dir.resolve("control.sock")), "the control socket is gone with the old server");
        assertTrue(Files.exists(Path.of(app)), "the served socket's file stays: the new process serves it");
        assertEquals("new: accepting on the socket taken over; the old process let go", fresh.nextLine(LONG));

        int atHandOver = client.attempted.get();
        await().atMost(LONG).until(() -> client.answered("new") >= 100);
        client.stop().get(90, TimeUnit.SECONDS);
        System.out.println("HandOverTest: " + client.summary() + "; " + atHandOver + " attempted when the old loop ended");
        assertEquals(0, client.refused.get(), client.summary());
        assertEquals(0, client.lost.get(), client.summary());
        assertEquals(client.attempted.get(), client.answered(), client.summary());
        assertEquals(client.answered(), client.answered("old") + client.answered("new"), client.summary());

        clientLoop.execute(() -> new USocket(clientLoop, app).end("quit\n"));
        ChildProcess.Result result = fresh.finish(LONG);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(), result.stdout());
    }

    @Test
    void twoServersMoveBetweenLoopsInTheirOrderAndTheTakerHearsDone() throws Exception {
        String a = kit.path("a.sock");
        String b = kit.path("b.sock");
        String control = kit.path("control.sock");
        EventLoop oldLoop = runningLoop();
        EventLoop newLoop = runningLoop();
        UServer oldA = named(oldLoop, "old-a");
        UServer oldB = named(oldLoop, "old-b");
        List<String> events = new CopyOnWriteArrayList<>();
        oldA.listen(a, () -> oldB.listen(b, () -> {
            HandOver h = HandOver.serve(control, oldA, oldB);
            h.on("listening", () -> events.add("offering"));
            h.on("handover", () -> events.add("handover"));
        }));
        oldA.on("close", () -> events.add("old-a close"));
        oldB.on("close", () -> events.add("old-b close"));
        await().atMost(LONG).until(() -> events.contains("offering"));
        assertEquals("old-a", ask(a));

        UServer newA = named(newLoop, "new-a");
        UServer newB = named(newLoop, "new-b");
        HandOver.take(control, List.of(newA, newB), err -> events.add("taken " + err));
        await().atMost(LONG).until(() -> events.contains("taken null"));
        assertEquals("new-a", ask(a));
        assertEquals("new-b", ask(b));
        await().atMost(LONG).until(() -> events.size() == 5);
        // the two loops run side by side: only the old side's order and the taker's 'done' after 'handover' are fixed
        assertEquals(List.of("offering", "handover"), events.subList(0, 2));
        assertTrue(events.containsAll(List.of("taken null", "old-a close", "old-b close")), events.toString());
        assertTrue(Files.exists(Path.of(a)) && Files.exists(Path.of(b)), "the files stay for the new servers");
        assertThrows(InvalidStateException.class, () -> HandOver.take(control, newA, err -> { }), "a listening server cannot take over");
        newA.close();
        newB.close();
    }

    @Test
    void aTakerThatGoesAwayHalfWayLeavesTheOldServerServingAndLosesNothing() throws Exception {
        String app = kit.path("app.sock");
        String control = kit.path("control.sock");
        EventLoop oldLoop = runningLoop();
        UServer server = named(oldLoop, "old");
        List<String> events = new CopyOnWriteArrayList<>();
        server.listen(app, () -> {
            HandOver h = HandOver.serve(control, server);
            h.on("listening", () -> events.add("offering"));
            h.on("abort", () -> events.add("abort"));
            h.on("handover", () -> events.add("handover"));
        });
        await().atMost(LONG).until(() -> events.contains("offering"));

        // A taker that receives the listening socket and dies before it accepts anything.
        EventLoop takerLoop = runningLoop();
        List<Integer> taken = new CopyOnWriteArrayList<>();
        List<String> said = new CopyOnWriteArrayList<>();
        USocket[] taker = {null};
        takerLoop.execute(() -> {
            taker[0] = new USocket(takerLoop, control);
            taker[0].on("fds", (int[] fds) -> {
                for (int fd : fds) taken.add(fd);
            });
            taker[0].on("data", (byte[] d) -> said.add(new String(d, StandardCharsets.US_ASCII)));
        });
        await().atMost(LONG).until(() -> !said.isEmpty() && taken.size() == 1);
        assertEquals(List.of("usocket-handover 1 fds=1\n"), said);
        // The old server has stopped accepting: these wait in the kernel's queue.
        EventLoop clientLoop = runningLoop();
        List<String> answers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            clientLoop.execute(() -> {
                USocket c = new USocket(clientLoop, app);
                c.setEncoding("utf8");
                c.on("data", (String d) -> answers.add(d));
                c.on("error", (USocketException e) -> answers.add("error " + e.code()));
            });
        }
        // A second taker meanwhile is told why not.
        List<Throwable> second = new CopyOnWriteArrayList<>();
        HandOver.take(control, named(takerLoop, "second"), second::add);
        await().atMost(LONG).until(() -> second.size() == 1);
        assertEquals("ERR_HANDOVER", ((USocketException) second.get(0)).code());
        assertEquals("The old process refused the hand-over: a hand-over is under way", second.get(0).getMessage());
        assertEquals(List.of(), answers, "nobody accepts while the hand-over is under way");

        Fds.close(taken.get(0));
        takerLoop.execute(() -> taker[0].destroy());
        await().atMost(LONG).until(() -> answers.size() == 3);
        assertEquals(List.of("old", "old", "old"), answers, "the queued connections are served once the old server resumes");
        assertEquals(List.of("offering", "abort"), events);
        oldLoop.execute(server::close);
    }

    @Test
    void takingFromNowhereFailsWithTheConnectError() {
        EventLoop loop = kit.loop();
        UServer server = new UServer(loop);
        List<Throwable> errors = new ArrayList<>();
        HandOver.take(kit.path("missing.sock"), server, errors::add);
        kit.run();
        assertEquals(1, errors.size());
        assertEquals("ENOENT", ((USocketException) errors.get(0)).code());
        assertFalse(server.listening());
    }

    @Test
    void theExampleRunsBothJvmsWithOneCommandAndCountsNoLoss() {
        ChildProcess example = kit.closeWithKit(ChildProcess.start("example", kit.dir(), ChildProcess.javaCommand(HandOverExample.class)));
        ChildProcess.Result result = example.finish(Duration.ofSeconds(150));
        assertEquals(0, result.exitCode(), result.stderr() + result.stdout());
        String counts = result.stdout().stream().filter(l -> l.contains("connections attempted")).findFirst().orElseThrow();
        System.out.println("HandOverExample: " + counts);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "client: (\\d+) connections attempted, (\\d+) answered \\((\\d+) by the old process, (\\d+) by the new one\\), 0 refused, 0 lost")
                .matcher(counts);
        assertTrue(m.matches(), counts);
        assertEquals(m.group(1), m.group(2));
        assertTrue(result.stdout().contains("client: the old process exited with 0"), result.stdout().toString());
        assertTrue(result.stdout().contains("client: the new process exited with 0"), result.stdout().toString());
        assertTrue(result.stdout().contains("old: all connections finished, exiting"), result.stdout().toString());
    }

    /** A server that answers every connection with its name and ends it. */
    private static UServer named(EventLoop loop, String name) {
        UServer s = new UServer(loop);
        s.on("connection", (USocket c) -> c.end(name));
        return s;
    }

    /** Connects to {@code path} from a fresh loop and returns what the server said. */
    private String ask(String path) {
        EventLoop loop = kit.newLoop();
        StringBuilder got = new StringBuilder();
        USocket c = new USocket(loop, path);
        c.setEncoding("utf8");
        c.on("data", (String d) -> got.append(d));
        loop.run();
        return got.toString();
    }
}
