package io.usocket.prod;

import io.usocket.SocketActivation;
import io.usocket.SocketActivation.ListenFd;
import io.usocket.TestFds;
import io.usocket.examples.SocketActivationExample;
import io.usocket.internal.sys.Environ;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The service {@link SocketActivationTest} starts under {@code systemd-socket-activate}: prints
 * what {@link SocketActivation#listenFds()} found and what it left behind, one fact a line, then
 * serves the example's protocol on the fd named {@code echo}.
 */
public final class ActivatedServerMain {
    private ActivatedServerMain() {
    }

    /** Run by systemd-socket-activate with the listening fds from 3. */
    public static void main(String[] args) throws Exception {
        // Java copies the environment the first time anything reads it (a framework, a logger: usually
        // before main gets here); from then on its copy never changes. Take that copy first, as
        // a real service would have.
        System.getenv("PATH");
        List<ListenFd> fds = SocketActivation.listenFds();
        System.out.println("pid=" + ProcessHandle.current().pid());
        System.out.println("fds=" + fds.stream().map(l -> l.fd() + ":" + l.name()).collect(Collectors.toList()));
        System.out.println("cloexec=" + fds.stream().map(l -> TestFds.isCloexec(l.fd())).collect(Collectors.toList()));
        System.out.println("again=" + SocketActivation.listenFds());
        System.out.println("libc env: " + SocketActivationTest.VARIABLES.stream().map(v -> v + "=" + Environ.get(v)).collect(Collectors.joining(" ")));
        System.out.println("java snapshot: LISTEN_FDS=" + System.getenv("LISTEN_FDS"));
        System.out.println("child of a plain ProcessBuilder: LISTEN_FDS=" + child(new ProcessBuilder()));
        ProcessBuilder withEnv = new ProcessBuilder();
        withEnv.environment().put("EXTRA", "1"); // the child now gets Java's copy, plus EXTRA
        System.out.println("child of a ProcessBuilder with an environment: LISTEN_FDS=" + child(withEnv));
        ProcessBuilder scrubbed = new ProcessBuilder();
        scrubbed.environment().put("EXTRA", "1");
        System.out.println("child of a scrubbed ProcessBuilder: LISTEN_FDS=" + child(SocketActivation.scrub(scrubbed)));
        SocketActivationExample.serve(fds);
    }

    private static String child(ProcessBuilder pb) throws Exception {
        Process p = pb.command("sh", "-c", "echo ${LISTEN_FDS-unset}").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }
}
