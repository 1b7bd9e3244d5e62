package io.usocket.interop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The frame protocol shared with the peer programs (src/test/resources/interop/README.md): a
 * scenario of messages {@code LEN:NFDS[!]}, the bytes and fd contents each side generates on its
 * own, and the report a receiver prints.
 */
final class InteropScenario {
    /** The peer programs' sources (src/test/resources/interop), run from the source tree. */
    static final Path RESOURCES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("src/test/resources/interop").toAbsolutePath();

    /** One frame: {@code len} payload bytes, {@code nfds} fds, {@code sync}: the sender waits for an ack. */
    record Msg(int len, int nfds, boolean sync) {
    }

    final String spec;
    final List<Msg> msgs;

    private InteropScenario(String spec, List<Msg> msgs) {
        this.spec = spec;
        this.msgs = List.copyOf(msgs);
    }

    static InteropScenario parse(String spec) {
        List<Msg> msgs = new ArrayList<>();
        for (String part : spec.split(",")) {
            boolean sync = part.endsWith("!");
            String[] f = part.replace("!", "").split(":");
            msgs.add(new Msg(Integer.parseInt(f[0]), Integer.parseInt(f[1]), sync));
        }
        return new InteropScenario(spec, msgs);
    }

    /** Payload of message {@code i}: byte {@code j} is {@code (i * 37 + j) % 251}. */
    static byte[] payload(int i, int n) {
        byte[] b = new byte[n];
        int v = (i * 37) % 251;
        for (int j = 0; j < n; j++) {
            b[j] = (byte) v;
            if (++v == 251) v = 0;
        }
        return b;
    }

    /** Content of the file behind fd {@code j} of message {@code i}. */
    static byte[] content(int i, int j) {
        return ("message " + i + " fd " + j + "\n").repeat((i + j) % 7 + 1).getBytes(StandardCharsets.US_ASCII);
    }

    /** Header (length, fd count; 32-bit big-endian) and payload of message {@code i}. */
    byte[] frame(int i) {
        Msg m = msgs.get(i);
        ByteBuffer b = ByteBuffer.allocate(8 + m.len());
        b.putInt(m.len()).putInt(m.nfds()).put(payload(i, m.len()));
        return b.array();
    }

    /** What a receiver that got everything right prints. */
    List<String> expectedReport() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            Msg m = msgs.get(i);
            out.add(msgLine(i, payload(i, m.len()), m.nfds()));
            for (int j = 0; j < m.nfds(); j++) out.add(fdLine(i, j, content(i, j)));
        }
        out.add("eof");
        return out;
    }

    static String msgLine(int i, byte[] data, int nfds) {
        return "msg " + i + " len " + data.length + " crc " + crc(data) + " fds " + nfds;
    }

    static String fdLine(int i, int j, byte[] content) {
        return "fd " + i + "." + j + " size " + content.length + " crc " + crc(content);
    }

    static String crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return String.format("%08x", c.getValue());
    }

    @Override
    public String toString() {
        return spec;
    }
}
