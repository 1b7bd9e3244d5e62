package io.usocket.internal.sys;

import java.nio.charset.Charset;

/** The charset the JDK uses for file names ({@code sun.jnu.encoding}): {@link UnixPaths} encodes a {@link java.nio.file.Path} with it. */
final class PathCharset {
    static final Charset CHARSET = find();

    private PathCharset() {
    }

    private static Charset find() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
