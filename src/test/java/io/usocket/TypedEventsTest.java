package io.usocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.tools.JavaCompiler;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Typed event keys (decisions D50): the README's socket example written with implicit lambdas
 * compiles and runs; a wrong payload type, a misspelled key or an untyped implicit lambda is a
 * compile error (checked by compiling snippets with javac against the library); typed listeners
 * are ordinary listeners (string names still work, {@code off} removes by identity); payloads
 * that depend on state are checked at emit with a clear code.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TypedEventsTest {
    @RegisterExtension
    final SocketTestKit kit = new SocketTestKit();
    private final EventLog log = kit.log;
    private final EventLoop loop = kit.loop();

    /** The README's "socket API in short" example, as printed there (implicit lambdas), with its output recorded. */
    @Test
    void readmeExampleWithImplicitLambdasCompilesAndRuns() throws IOException {
        String path = kit.path("echo.sock");
        Path hostname = Files.createTempFile(kit.dir(), "hostname", ".txt");
        List<String> printed = new ArrayList<>();
        // ---- the README example (System.out.println replaced by printed::add) ----
        UServer server = new UServer(loop);
        server.on(UServer.CONNECTION, s -> {
            s.on(USocket.DATA, chunk -> s.write(chunk));                      // echo
            s.on(USocket.FDS, fds -> { for (int fd : fds) Fds.close(fd); });   // ours: close them
        });
        server.listen(path, () -> printed.add("listening"));

        int fd = Fds.open(hostname);
        USocket client = new USocket(loop);
        client.connect(path, () -> {
            client.write("hello");                                               // like net.Socket#write
            client.write(new Message("with fd".getBytes(), fd), err -> Fds.close(fd));  // bytes + fds
            client.end();
        });
        client.on(USocket.DATA, chunk -> printed.add(new String(chunk)));
        client.on(USocket.CLOSE, hadError -> server.close());
        loop.run();
        // ----
        assertEquals("listening", printed.get(0));
        assertEquals("hellowith fd", String.join("", printed.subList(1, printed.size())), printed::toString);
        assertEquals(0, TestFds.descriptorsOf(hostname), "the fd sent and the one received are both closed");
    }

    @Test
    void wrongPayloadTypesAndMisspelledEventsAreCompileErrors() throws IOException {
        String ok = compile("server.on(UServer.CONNECTION, s -> s.write(\"hi\"));"
                + "socket.on(USocket.CLOSE, hadError -> { boolean b = hadError; });"
                + "socket.on(USocket.FDS, fds -> { int n = fds.length; });"
                + "socket.on(USocket.ERROR, e -> e.getMessage());"
                + "socket.on(USocket.END, () -> {});"
                + "socket.once(USocket.TEXT, text -> text.length());"
                + "java.util.concurrent.CompletableFuture<USocket> f = Promises.once(server, UServer.CONNECTION);");
        assertEquals("", ok);
        String wrongType = compile("server.on(UServer.CONNECTION, (String s) -> {});");
        assertTrue(wrongType.contains("no suitable method found for on(Event<USocket>,(String s)->{ })"), wrongType);
        assertEquals("", compile("socket.on(USocket.DATA, chunk -> { int n = chunk.length; });"));
        assertTrue(compile("socket.on(USocket.DATA, chunk -> chunk.toUpperCase());").contains("cannot find symbol"),
                "byte[] has no String methods");
        assertTrue(compile("socket.on(USocket.DAT, chunk -> {});").contains("cannot find symbol"), "a misspelled key");
        assertTrue(compile("socket.on(UServer.CONECTION, s -> {});").contains("cannot find symbol"), "a misspelled key");
        assertFalse(compile("server.on(\"connection\", s -> s.write(\"hi\"));").isEmpty(),
                "the string form cannot type an implicit lambda: what the keys are for");
    }

    @Test
    void typedAndStringListenersAreTheSameListeners() {
        USocket s = new USocket(loop);
        Consumer<Boolean> onClose = hadError -> log.add("close " + hadError);
        s.on(USocket.CLOSE, onClose);
        assertEquals(1, s.listenerCount("close"));
        assertSame(onClose, s.listeners("close").get(0), "an unchecked key registers the listener itself");
        s.off("close", onClose);
        assertEquals(0, s.listenerCount(USocket.CLOSE));

        // A checked key ('data') wraps the listener; off with the same object still removes it, latest copy first.
        Consumer<byte[]> onData = d -> log.add("a");
        Consumer<byte[]> other = d -> log.add("b");
        s.on(USocket.DATA, onData);
        s.on(USocket.DATA, other);
        s.on(USocket.DATA, onData);
        s.off(USocket.DATA, onData);
        assertEquals(2, s.listenerCount(USocket.DATA));
        s.off(USocket.DATA, onData);
        s.off(USocket.DATA, onData);   // nothing left of it: ignored, as in Node
        assertEquals(1, s.listenerCount("data"));
        s.emit("data", (Object) new byte[] {1});
        assertEquals(List.of("b"), log.all());
        s.off(USocket.DATA, other);
        assertEquals(0, s.listenerCount("data"));

        Runnable onEnd = () -> log.add("end");
        s.once(USocket.END, onEnd);
        s.off(USocket.END, onEnd);
        assertEquals(0, s.listenerCount("end"));
        s.destroy();
        loop.run();
    }

    @Test
    void aKeyOfAnotherEmitterIsRefused() {
        UServer server = new UServer(loop);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> server.on(USocket.DATA, d -> { }));
        assertEquals("ERR_INVALID_ARG_VALUE", e.code());
        assertEquals("USocket.DATA is an event of USocket, not of UServer: it would never be emitted", e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> new USocket(loop).once(UServer.CONNECTION, () -> { }));
    }

    /** 'data' carries byte[] or, after setEncoding, String: each key gets its own, the wrong one a clear error. */
    @Test
    void dataAndTextKeysFollowSetEncoding() {
        List<Throwable> uncaught = new ArrayList<>();
        loop.onUncaughtException(uncaught::add);
        kit.pair((c, s) -> {
            s.setEncoding("utf8");
            s.on(USocket.TEXT, text -> log.add("S text " + text));
            s.on(USocket.END, () -> s.end());
            c.on(USocket.DATA, bytes -> log.add("C bytes " + bytes.length));
            c.on(USocket.CLOSE, h -> log.add("C close " + h));
            c.write("héllo");
            s.on(USocket.DATA, bytes -> log.add("never: a byte[] listener on an encoded socket"));
            c.end();
        });
        loop.run();
        assertEquals(List.of("S text héllo", "C close false"), log.all());
        assertEquals(1, uncaught.size());
        assertEquals("ERR_EVENT_PAYLOAD_TYPE", ((CodedError) uncaught.get(0)).code());
        assertTrue(uncaught.get(0).getMessage().startsWith("A listener of USocket.DATA expects byte[] but 'data' carried String"),
                uncaught.get(0).getMessage());
    }

    @Test
    void keysForYourOwnEmitters() {
        Event<Integer> tick = Event.of("tick", Integer.class);
        EventEmitter e = new EventEmitter();
        e.on(tick, n -> log.add("tick " + (n + 1)));
        assertTrue(e.emit(tick, 41));
        assertEquals(List.of("tick 42"), log.all());
        assertEquals("Event(tick)", tick.toString());
        assertEquals("USocket.DATA", USocket.DATA.toString());
        assertEquals("data", USocket.TEXT.name());
    }

    // ---- javac on snippets ----

    /** Compiles {@code body} inside a method with {@code server} and {@code socket} in scope; returns the diagnostics ("" when it compiled). */
    private String compile(String body) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String src = "package snippet; import io.usocket.*; class Snippet { void f(UServer server, USocket socket) { " + body + " } }";
        SimpleJavaFileObject file;
        try {
            file = new SimpleJavaFileObject(new URI("string:///snippet/Snippet.java"), SimpleJavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return src;
                }
            };
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path out = Files.createTempDirectory(kit.dir(), "javac");
        String classes = Path.of(USocket.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-proc:none", "-classpath", classes, "-d", out.toString(), "-encoding", StandardCharsets.UTF_8.name()),
                null, List.of(file)).call();
        String text = diagnostics.toString();
        return ok ? "" : (text.isEmpty() ? "failed" : text);
    }
}
