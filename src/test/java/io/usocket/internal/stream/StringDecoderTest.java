package io.usocket.internal.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usocket.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StringDecoderTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    /** Decodes {@code all} cut at the given offsets, concatenating write results and end(). */
    private static String chunked(String encoding, byte[] all, int... cuts) {
        StringDecoder d = new StringDecoder(encoding);
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (int cut : cuts) {
            sb.append(d.write(Arrays.copyOfRange(all, from, cut)));
            from = cut;
        }
        sb.append(d.write(Arrays.copyOfRange(all, from, all.length)));
        return sb.append(d.end()).toString();
    }

    @Test
    void euroSplitAcrossThreeChunks() {
        StringDecoder d = new StringDecoder("utf8");
        assertEquals("", d.write(bytes(0xE2)));
        assertEquals("", d.write(bytes(0x82)));
        assertEquals("\u20ac", d.write(bytes(0xAC)));
        assertEquals("", d.end());
    }

    @Test
    void fourByteEmojiSplit() {
        byte[] smile = "a\uD83D\uDE00b".getBytes(StandardCharsets.UTF_8); // 61 F0 9F 98 80 62
        assertEquals(6, smile.length);
        StringDecoder d = new StringDecoder("UTF-8");
        assertEquals("a", d.write(Arrays.copyOfRange(smile, 0, 2)));
        assertEquals("", d.write(Arrays.copyOfRange(smile, 2, 3)));
        assertEquals("", d.write(Arrays.copyOfRange(smile, 3, 4)));
        assertEquals("\uD83D\uDE00b", d.write(Arrays.copyOfRange(smile, 4, 6)));
        for (int i = 0; i <= 6; i++) {
            for (int j = i; j <= 6; j++) {
                assertEquals("a\uD83D\uDE00b", chunked("utf8", smile, i, j), "cuts " + i + "," + j);
            }
        }
    }

    @Test
    void utf8EndFlushesIncompleteAsReplacement() {
        StringDecoder d = new StringDecoder();
        assertEquals("x", d.write(bytes('x', 0xE2, 0x82)));
        assertEquals("\uFFFD", d.end());
        // usable again after end()
        assertEquals("ok", d.write("ok".getBytes(StandardCharsets.UTF_8)));
        assertEquals("", d.end());

        StringDecoder e = new StringDecoder();
        assertEquals("", e.write(bytes(0xF0, 0x9F, 0x98)));
        assertEquals("\uFFFD", e.end());
        assertEquals("\u00e9\uFFFD", new StringDecoder().end(bytes(0xC3, 0xA9, 0xC3)));
    }

    @Test
    void utf8BrokenSequenceAcrossChunks() {
        StringDecoder d = new StringDecoder();
        assertEquals("", d.write(bytes(0xE2, 0x82)));
        assertEquals("\uFFFDA", d.write(bytes('A')));
        // a byte that can never start a character is not held
        assertEquals("\uFFFD", d.write(bytes(0xFF)));
        // a lead whose next byte is out of range for it is not held either (E0 80 is overlong)
        assertEquals("\uFFFD\uFFFD", d.write(bytes(0xE0, 0x80)));
        assertEquals("", d.end());
    }

    /**
     * Reference UTF-8 decoder: one U+FFFD per maximal subpart of an ill-formed sequence (Unicode
     * 3.9 / WHATWG Encoding, which V8 and so Node's Buffer#toString and string_decoder follow).
     */
    private static String reference(byte[] b) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            if (n == 0) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
            int hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            int cp = c & (0xFF >> (n + 1));
            int j = 1;
            for (; j < n && i + j < b.length; j++) {
                int x = b[i + j] & 0xFF;
                if (x < lo || x > hi) break;
                lo = 0x80;
                hi = 0xBF;
                cp = cp << 6 | (x & 0x3F);
            }
            if (j == n) sb.appendCodePoint(cp);
            else sb.append('\uFFFD');
            i += j;
        }
        return sb.toString();
    }

    @Test
    void utf8MalformedLikeNode() {
        // an encoded surrogate: Java's own decoder gives one U+FFFD for these 3 bytes, V8 three
        assertEquals("\uFFFD\uFFFD\uFFFDx", new StringDecoder().end(bytes(0xED, 0xA0, 0x80, 'x')));
        assertEquals("\uFFFD\uFFFD", new StringDecoder().end(bytes(0xED, 0xBF)));
        assertEquals("\uFFFD\uFFFDB", new StringDecoder().end(bytes(0xED, 0xBC, 'B')));
        assertEquals("\uFFFDA", new StringDecoder().end(bytes(0xED, 0x80, 'A')));   // valid prefix: one
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", new StringDecoder().end(bytes(0xF4, 0x90, 0x80, 0x80)));
        assertEquals("\uFFFD\uFFFD", new StringDecoder().end(bytes(0xC0, 0xAF)));
        assertEquals("\uD800\uDC00", new StringDecoder().end(bytes(0xF0, 0x90, 0x80, 0x80)));
    }

    /** Chunked decoding equals the reference decoding of everything at once, for random (partly invalid) bytes. */
    @Test
    void utf8ChunkedEqualsWhole() {
        Random r = new Random(42);
        String text = "h\u00e9llo \u20ac \uD83D\uDE00 \u4e2d\u6587 \uD834\uDD1E end";
        byte[] valid = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(text, reference(valid));
        for (int round = 0; round < 20000; round++) {
            byte[] all;
            if (round % 10 == 0) {
                all = valid;
            } else {
                all = new byte[r.nextInt(16)];
                for (int i = 0; i < all.length; i++) {
                    int k = r.nextInt(5);
                    all[i] = (byte) (k == 0 ? r.nextInt(0x80) : k <= 2 ? 0x80 + r.nextInt(0x40)
                            : k == 3 ? 0xC0 + r.nextInt(0x40) : 0xE0 + r.nextInt(0x16));
                }
            }
            int n = r.nextInt(5);
            int[] cuts = new int[n];
            for (int i = 0; i < n; i++) cuts[i] = r.nextInt(all.length + 1);
            Arrays.sort(cuts);
            String want = reference(all);
            assertEquals(want, chunked("utf8", all, cuts), () -> Arrays.toString(all) + " cut " + Arrays.toString(cuts));
            assertEquals(want, new StringDecoder().end(all), () -> Arrays.toString(all));
        }
    }

    @Test
    void base64ChunksOfOneTwoFour() {
        byte[] all = new byte[7 * 6];
        for (int i = 0; i < all.length; i++) all[i] = (byte) (i * 37 + 11);
        StringDecoder d = new StringDecoder("base64");
        StringBuilder sb = new StringBuilder();
        int[] sizes = {1, 2, 4};
        int off = 0;
        for (int k = 0; off < all.length; k++) {
            int n = Math.min(sizes[k % 3], all.length - off);
            String part = d.write(Arrays.copyOfRange(all, off, off + n));
            assertEquals(0, part.length() % 4, "whole groups only: " + part);
            assertTrue(part.indexOf('=') < 0, "no padding before end: " + part);
            sb.append(part);
            off += n;
        }
        sb.append(d.end());
        assertEquals(Base64.getEncoder().encodeToString(all), sb.toString());

        // leftovers of 1 and 2 bytes are padded at end()
        StringDecoder e = new StringDecoder("BASE64");
        assertEquals("", e.write(bytes('d')));
        assertEquals("ZA==", e.end());
        assertEquals("", e.write(bytes('a', 'b')));
        assertEquals("YWI=", e.end());
        assertEquals("", e.end());
    }

    @Test
    void base64url() {
        byte[] all = bytes(0xFB, 0xFF, 0xBF, 0xFE, 0x01);
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(all), chunked("base64url", all, 1, 4));
    }

    @Test
    void hexLatin1Ascii() {
        assertEquals("00ff10ab", chunked("hex", bytes(0x00, 0xFF, 0x10, 0xAB), 1, 3));
        assertEquals("caf\u00e9\u00ff", new StringDecoder("latin1").write(bytes('c', 'a', 'f', 0xE9, 0xFF)));
        assertEquals("caf\u00e9", new StringDecoder("binary").write(bytes('c', 'a', 'f', 0xE9)));
        // Node's ascii clears the high bit
        assertEquals("cafi", new StringDecoder("ascii").write(bytes('c', 'a', 'f', 0xE9)));
        assertEquals("plain", new StringDecoder("Ascii").write("plain".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void utf16le() {
        String s = "a\u20ac\uD83D\uDE00z";
        byte[] all = s.getBytes(StandardCharsets.UTF_16LE);
        for (int i = 0; i <= all.length; i++) {
            for (int j = i; j <= all.length; j++) {
                assertEquals(s, chunked("utf16le", all, i, j), "cuts " + i + "," + j);
            }
        }
        StringDecoder d = new StringDecoder("ucs2");
        assertEquals("", d.write(bytes('a')));                  // odd byte held
        assertEquals("a", d.write(bytes(0, 0x3D)));              // 'a', then half of D83D
        assertEquals("", d.write(bytes(0xD8)));                  // high surrogate held
        assertEquals("\uD83D", d.end());                         // emitted as is at end
        assertEquals("", d.write(bytes('b')));
        assertEquals("", d.end());                               // a lone odd byte is dropped
    }

    @Test
    void encodingNames() {
        assertEquals("utf8", new StringDecoder().encoding());
        assertEquals("utf8", new StringDecoder(null).encoding());
        assertEquals("utf8", StringDecoder.normalizeEncoding("UTF-8"));
        assertEquals("utf16le", StringDecoder.normalizeEncoding("UCS-2"));
        assertEquals("utf16le", StringDecoder.normalizeEncoding("utf-16le"));
        assertEquals("latin1", StringDecoder.normalizeEncoding("Binary"));
        assertEquals("hex", StringDecoder.normalizeEncoding("HEX"));
        assertEquals("base64url", StringDecoder.normalizeEncoding("base64url"));
    }

    @Test
    void unknownEncoding() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new StringDecoder("xyz"));
        assertEquals("ERR_UNKNOWN_ENCODING", e.code());
        assertEquals("Unknown encoding: xyz", e.getMessage());
        assertEquals("ERR_UNKNOWN_ENCODING",
                assertThrows(InvalidArgumentException.class, () -> StringDecoder.encode("a", "utf32")).code());
        assertEquals("ERR_INVALID_ARG_TYPE",
                assertThrows(InvalidArgumentException.class, () -> new StringDecoder().write(null)).code());
        assertEquals("ERR_INVALID_ARG_TYPE",
                assertThrows(InvalidArgumentException.class, () -> StringDecoder.encode(null, "utf8")).code());
    }

    @Test
    void encode() {
        assertArrayEquals("b".getBytes(StandardCharsets.US_ASCII), StringDecoder.encode("62", "hex"));
        assertArrayEquals(bytes(0xAB, 0xCD), StringDecoder.encode("abCD", "hex"));
        assertArrayEquals(bytes(0xAB), StringDecoder.encode("abc", "hex"));      // odd digit dropped
        assertArrayEquals(bytes(0xA1), StringDecoder.encode("a1zz22", "hex"));   // stops at a bad pair
        assertArrayEquals("d".getBytes(StandardCharsets.US_ASCII), StringDecoder.encode("ZA==", "base64"));
        assertArrayEquals("d".getBytes(StandardCharsets.US_ASCII), StringDecoder.encode("ZA", "base64"));
        assertArrayEquals(bytes(0xFB, 0xFF), StringDecoder.encode("-_8", "base64"));   // url alphabet too
        assertArrayEquals(bytes(0xFB, 0xFF), StringDecoder.encode("+/8=", "base64url"));
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                StringDecoder.encode("aGVs\nbG8=", "base64"));                   // whitespace skipped
        assertArrayEquals(bytes('d'), StringDecoder.encode("ZA==ZA==", "base64")); // stops at '='
        byte[] rnd = new byte[100];
        new Random(7).nextBytes(rnd);
        assertArrayEquals(rnd, StringDecoder.encode(Base64.getEncoder().encodeToString(rnd), "base64"));
        assertArrayEquals(bytes(0xE9, 0xAC), StringDecoder.encode("\u00e9\u20ac", "latin1")); // low byte
        assertArrayEquals(bytes(0xE9, 0xAC), StringDecoder.encode("\u00e9\u20ac", "ascii"));
        assertArrayEquals(bytes(0x61, 0x00, 0xAC, 0x20), StringDecoder.encode("a\u20ac", "utf16le"));
        assertArrayEquals("\u20ac\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), StringDecoder.encode("\u20ac\uD83D\uDE00", "utf8"));
        // a lone surrogate is written as U+FFFD, as Node does (Java's getBytes would write '?')
        assertArrayEquals(bytes('a', 0xEF, 0xBF, 0xBD, 'b'), StringDecoder.encode("a\uD83Db", null));
        assertArrayEquals(bytes(0xEF, 0xBF, 0xBD), StringDecoder.encode("\uDE00", "utf-8"));
        assertArrayEquals(new byte[0], StringDecoder.encode("", "base64"));
    }
}
