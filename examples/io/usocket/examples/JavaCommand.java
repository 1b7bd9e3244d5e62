package io.usocket.examples;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts another JVM on the examples' class path (for the two-process examples). */
final class JavaCommand {
    private JavaCommand() {
    }

    /** {@code java [our native-access flags] -cp <our class path> <main> args...}. */
    static List<String> of(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // The child gets the native-access flags we got (on JDK 22+, --enable-native-access=ALL-UNNAMED
        // keeps the JDK's warning about jffi's native library away; see README "Java 22 and newer").
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--enable-native-access") || flag.startsWith("--sun-misc-unsafe-memory-access")) {
                cmd.add(flag);
            }
        }
        cmd.addAll(List.of("-cp", classPath(), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Our class path: exec:java runs us inside Maven's JVM, where java.class.path is Maven's own. */
    static String classPath() {
        if (!(JavaCommand.class.getClassLoader() instanceof URLClassLoader loader)) {
            return System.getProperty("java.class.path");
        }
        List<String> entries = new ArrayList<>();
        try {
            for (URL url : loader.getURLs()) entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return String.join(File.pathSeparator, entries);
    }
}
