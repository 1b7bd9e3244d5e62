package io.usocket.internal.stream;

import io.usocket.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Node's {@code string_decoder} for a byte stream: turns chunks into text without splitting a
 * character across two strings, and {@link #encode} for {@code write(string, encoding)}.
 *
 * <p>Encodings (Node's names, case-insensitive): {@code utf8}/{@code utf-8} (also the default
 * for null), {@code utf16le}/{@code utf-16le}/{@code ucs2}/{@code ucs-2}, {@code latin1}/
 * {@code binary}, {@code ascii}, {@code hex}, {@code base64}, {@code base64url}.
 *
 * <ul>
 * <li>utf8: an incomplete character at the end of a chunk is held until its remaining bytes
 *     arrive; only a tail that can still become a well-formed character is held, so decoding
 *     chunk by chunk gives exactly the string of decoding all bytes at once. Malformed bytes
 *     become one U+FFFD per maximal subpart (Unicode's recommended practice, which V8 and so
 *     Node follow); an incomplete character left at {@link #end()} becomes one U+FFFD.
 *     Decoding uses {@code new String(bytes, UTF_8)} (replacing, intrinsic ASCII fast path)
 *     rather than a CharsetDecoder: same replacement, no buffers to manage.</li>
 * <li>utf16le: an odd byte and a trailing high surrogate are held; {@code end()} emits a held
 *     surrogate as is and drops a lone odd byte (Node). Lone surrogates are kept, as JS does.</li>
 * <li>base64/base64url: output comes in groups of 3 input bytes; 1–2 leftover bytes are held
 *     and {@code end()} emits them (padded for base64, unpadded for base64url).</li>
 * <li>latin1, ascii (high bit cleared, as Node), hex: no state.</li>
 * </ul>
 *
 * <p>Not thread-safe; one instance per stream.
 */
public final class StringDecoder {
    private static final int UTF8 = 0, UTF16LE = 1, LATIN1 = 2, ASCII = 3, HEX = 4, BASE64 = 5,
            BASE64URL = 6;
    private static final String[] NAMES = {"utf8", "utf16le", "latin1", "ascii", "hex", "base64", "base64url"};
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] B64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] B64URL =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] EMPTY = new byte[0];

    private final int enc;
    /** Held bytes of an incomplete character / base64 group (at most 3). */
    private final byte[] pending = new byte[4];
    private int pendingLen;
    /** utf8: the length of the character whose first bytes are pending. */
    private int pendingNeed;

    /** A utf8 decoder. */
    public StringDecoder() {
        this(null);
    }

    /**
     * A decoder for one of Node's encodings (see the class comment); null means utf8.
     *
     * @throws InvalidArgumentException {@code ERR_UNKNOWN_ENCODING} ({@code Unknown encoding: xyz})
     */
    public StringDecoder(String encoding) {
        this.enc = code(encoding);
    }

    /** Node's canonical name of this decoder's encoding ({@code decoder.encoding}), e.g. {@code "utf8"}. */
    public String encoding() {
        return NAMES[enc];
    }

    /**
     * Node's canonical name for an encoding name ({@code "UTF-8"} → {@code "utf8"},
     * {@code "binary"} → {@code "latin1"}, {@code "ucs2"} → {@code "utf16le"}); null → utf8.
     *
     * @throws InvalidArgumentException {@code ERR_UNKNOWN_ENCODING}
     */
    public static String normalizeEncoding(String encoding) {
        return NAMES[code(encoding)];
    }

    private static int code(String encoding) {
        if (encoding == null) return UTF8;
        switch (encoding.toLowerCase(Locale.ROOT)) {
            case "utf8": case "utf-8": return UTF8;
            case "utf16le": case "utf-16le": case "ucs2": case "ucs-2": return UTF16LE;
            case "latin1": case "binary": return LATIN1;
            case "ascii": return ASCII;
            case "hex": return HEX;
            case "base64": return BASE64;
            case "base64url": return BASE64URL;
            default:
                throw new InvalidArgumentException("ERR_UNKNOWN_ENCODING", "Unknown encoding: " + encoding);
        }
    }

    // ------------------------------------------------------------------ decoding

    /** {@link #write(byte[], int, int)} of a whole chunk. */
    public String write(byte[] chunk) {
        if (chunk == null) throw nullChunk();
        return write(chunk, 0, chunk.length);
    }

    /**
     * Decodes {@code len} bytes of {@code b} from {@code off}: returns the text of every complete
     * character (possibly {@code ""}) and holds an incomplete trailing one for the next call.
     */
    public String write(byte[] b, int off, int len) {
        if (b == null) throw nullChunk();
        if (off < 0 || len < 0 || len > b.length - off) throw new IndexOutOfBoundsException(
                "off " + off + ", len " + len + ", length " + b.length);
        switch (enc) {
            case UTF8: return utf8(b, off, len);
            case UTF16LE: return utf16(b, off, len);
            case LATIN1: return new String(b, off, len, StandardCharsets.ISO_8859_1);
            case ASCII: return ascii(b, off, len);
            case HEX: return hex(b, off, len);
            default: return base64(b, off, len);
        }
    }

    /** Node's {@code decoder.end(buf)}: {@code write(chunk) + end()}. */
    public String end(byte[] chunk) {
        String s = write(chunk);
        String rest = end();
        return rest.isEmpty() ? s : s + rest;
    }

    /**
     * Flushes what is held: an incomplete UTF-8 character → U+FFFD; a held UTF-16 high
     * surrogate as is (a lone odd byte is dropped); leftover base64 bytes as a final group.
     * Returns {@code ""} when nothing is held. The decoder can be used again afterwards.
     */
    public String end() {
        int n = pendingLen;
        if (n == 0) return "";
        pendingLen = 0;
        pendingNeed = 0;
        switch (enc) {
            case UTF8:
                return utf8String(pending, 0, n);
            case UTF16LE:
                return n >= 2 ? String.valueOf(unit(pending, 0)) : "";
            default: { // base64 / base64url
                byte[] out = new byte[enc == BASE64 ? 4 : (n * 4 + 2) / 3];
                encodeTail(pending, 0, n, out, 0, enc == BASE64 ? B64 : B64URL, enc == BASE64);
                return new String(out, StandardCharsets.ISO_8859_1);
            }
        }
    }

    private static InvalidArgumentException nullChunk() {
        return new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                "The \"buf\" argument must be an instance of Buffer, TypedArray, or DataView. Received null");
    }

    // utf8 --------------------------------------------------------------

    /** The length of the sequence a lead byte starts, or 0 if it cannot start one (Unicode table 3-7). */
    private static int seqLen(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) return 2;
        if (lead >= 0xE0 && lead <= 0xEF) return 3;
        if (lead >= 0xF0 && lead <= 0xF4) return 4;
        return 0;
    }

    /** Whether {@code b} may follow at index {@code pos} (1..3) of a sequence started by {@code lead}. */
    private static boolean validNext(int lead, int pos, int b) {
        if (pos == 1) {
            switch (lead) {
                case 0xE0: return b >= 0xA0 && b <= 0xBF;
                case 0xED: return b >= 0x80 && b <= 0x9F;
                case 0xF0: return b >= 0x90 && b <= 0xBF;
                case 0xF4: return b >= 0x80 && b <= 0x8F;
                default: return b >= 0x80 && b <= 0xBF;
            }
        }
        return b >= 0x80 && b <= 0xBF;
    }

    private String utf8(byte[] b, int off, int len) {
        int end = off + len;
        String head = null;
        if (pendingLen > 0) {
            // Complete the held character with the first bytes of this chunk.
            int lead = pending[0] & 0xFF;
            while (pendingLen < pendingNeed && off < end && validNext(lead, pendingLen, b[off] & 0xFF)) {
                pending[pendingLen++] = b[off++];
            }
            if (pendingLen == pendingNeed || off < end) {
                // complete, or broken by a byte that cannot continue it (→ U+FFFD, as whole decoding)
                head = utf8String(pending, 0, pendingLen);
                pendingLen = 0;
                pendingNeed = 0;
            } else {
                return ""; // chunk used up, still incomplete
            }
        }
        // Hold an incomplete but still valid character at the end.
        int cut = end;
        for (int i = end - 1; i >= off && i >= end - 3; i--) {
            int c = b[i] & 0xFF;
            if (c >= 0x80 && c <= 0xBF) continue; // continuation: keep looking for the lead
            int n = seqLen(c);
            if (n > end - i && (i + 1 == end || validNext(c, 1, b[i + 1] & 0xFF))) {
                cut = i;
                pendingNeed = n;
            }
            break;
        }
        if (cut < end) {
            pendingLen = end - cut;
            System.arraycopy(b, cut, pending, 0, pendingLen);
        }
        if (cut == off) return head == null ? "" : head;
        String body = utf8String(b, off, cut - off);
        return head == null ? body : head.concat(body);
    }

    /**
     * UTF-8 → String with one U+FFFD per maximal subpart of an ill-formed sequence, as V8 (so
     * Node) decodes. Java's decoder does the same except for an encoded surrogate
     * ({@code ED A0..BF ..}), which it replaces by a single U+FFFD for 2-3 bytes where V8 gives
     * one per byte; such input always yields a U+FFFD, so only then is it looked for.
     */
    private static String utf8String(byte[] b, int off, int len) {
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') < 0) return s; // immediate for Latin-1 results
        int end = off + len;
        int i = surrogateLead(b, off, end);
        if (i < 0) return s;
        StringBuilder sb = new StringBuilder(s.length() + 2);
        int start = off;
        do {
            sb.append(new String(b, start, i - start, StandardCharsets.UTF_8)).append('\uFFFD');
            start = i + 1; // the continuation bytes after it are decoded as strays: U+FFFD each
            i = surrogateLead(b, start, end);
        } while (i >= 0);
        return sb.append(new String(b, start, end - start, StandardCharsets.UTF_8)).toString();
    }

    /** The index of the first {@code ED} followed by {@code A0..BF} in [from, end), or -1. */
    private static int surrogateLead(byte[] b, int from, int end) {
        for (int i = from; i < end - 1; i++) {
            if (b[i] == (byte) 0xED && (b[i + 1] & 0xE0) == 0xA0) return i;
        }
        return -1;
    }

    // utf16le -----------------------------------------------------------

    private static char unit(byte[] b, int i) {
        return (char) ((b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8);
    }

    private String utf16(byte[] b, int off, int len) {
        int held = pendingLen;
        int total = held + len;
        int units = total >> 1;
        char[] out = new char[units];
        int k = 0; // virtual index into pending ++ chunk
        for (int u = 0; u < units; u++, k += 2) {
            int lo = k < held ? pending[k] & 0xFF : b[off + k - held] & 0xFF;
            int hi = k + 1 < held ? pending[k + 1] & 0xFF : b[off + k + 1 - held] & 0xFF;
            out[u] = (char) (lo | hi << 8);
        }
        int emit = units;
        if (emit > 0 && Character.isHighSurrogate(out[emit - 1])) emit--;
        // Hold the bytes from unit 'emit' on (a high surrogate and/or an odd byte).
        int from = emit * 2;
        byte[] newPending = new byte[4];
        int n = 0;
        for (int v = from; v < total; v++) {
            newPending[n++] = v < held ? pending[v] : b[off + v - held];
        }
        System.arraycopy(newPending, 0, pending, 0, n);
        pendingLen = n;
        return emit == 0 ? "" : new String(out, 0, emit);
    }

    // single-byte encodings --------------------------------------------

    private static String ascii(byte[] b, int off, int len) {
        byte[] out = null;
        for (int i = 0; i < len; i++) {
            if (b[off + i] < 0) {
                out = new byte[len];
                for (int j = 0; j < len; j++) out[j] = (byte) (b[off + j] & 0x7F);
                break;
            }
        }
        return out == null ? new String(b, off, len, StandardCharsets.ISO_8859_1)
                : new String(out, StandardCharsets.ISO_8859_1);
    }

    private static String hex(byte[] b, int off, int len) {
        byte[] out = new byte[len * 2];
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            out[2 * i] = HEX_DIGITS[v >>> 4];
            out[2 * i + 1] = HEX_DIGITS[v & 0xF];
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    // base64 ------------------------------------------------------------

    private String base64(byte[] b, int off, int len) {
        byte[] alphabet = enc == BASE64 ? B64 : B64URL;
        int end = off + len;
        int held = pendingLen;
        if (held + len < 3) {
            System.arraycopy(b, off, pending, held, len);
            pendingLen = held + len;
            return "";
        }
        int first = held == 0 ? 0 : 3 - held; // chunk bytes completing the held group
        int groups = (len - first) / 3;
        byte[] out = new byte[(held == 0 ? 0 : 4) + groups * 4];
        int o = 0;
        if (held > 0) {
            System.arraycopy(b, off, pending, held, first);
            o = encodeGroup(pending, 0, out, o, alphabet);
            off += first;
        }
        for (int g = 0; g < groups; g++, off += 3) o = encodeGroup(b, off, out, o, alphabet);
        pendingLen = end - off;
        System.arraycopy(b, off, pending, 0, pendingLen);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static int encodeGroup(byte[] b, int i, byte[] out, int o, byte[] alphabet) {
        int v = (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
        out[o] = alphabet[v >>> 18];
        out[o + 1] = alphabet[(v >>> 12) & 0x3F];
        out[o + 2] = alphabet[(v >>> 6) & 0x3F];
        out[o + 3] = alphabet[v & 0x3F];
        return o + 4;
    }

    /** Encodes a final 1- or 2-byte group, padded with '=' if {@code pad}; returns the new out index. */
    private static int encodeTail(byte[] b, int i, int n, byte[] out, int o, byte[] alphabet, boolean pad) {
        int v = (b[i] & 0xFF) << 16 | (n > 1 ? (b[i + 1] & 0xFF) << 8 : 0);
        out[o++] = alphabet[v >>> 18];
        out[o++] = alphabet[(v >>> 12) & 0x3F];
        if (n > 1) out[o++] = alphabet[(v >>> 6) & 0x3F];
        else if (pad) out[o++] = '=';
        if (pad) out[o++] = '=';
        return o;
    }

    // ------------------------------------------------------------------ encoding

    /**
     * Node's {@code Buffer.from(string, encoding)}, for {@code write(string, encoding)}:
     * <ul>
     * <li>utf8: UTF-8, a lone surrogate becomes U+FFFD (EF BF BD);</li>
     * <li>utf16le: two bytes per UTF-16 unit, little-endian;</li>
     * <li>latin1, ascii: the low 8 bits of each UTF-16 unit;</li>
     * <li>hex: pairs of hex digits, stopping at the first pair that is not one (a trailing odd
     *     digit is dropped);</li>
     * <li>base64, base64url: either alphabet, padding optional, other characters (whitespace)
     *     skipped, decoding stops at the first {@code '='}.</li>
     * </ul>
     *
     * @throws InvalidArgumentException {@code ERR_INVALID_ARG_TYPE} if {@code s} is null,
     *                                  {@code ERR_UNKNOWN_ENCODING} for an unknown encoding
     */
    public static byte[] encode(String s, String encoding) {
        if (s == null) {
            throw new InvalidArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"string\" argument must be of type string. Received null");
        }
        switch (code(encoding)) {
            case UTF8: return utf8Bytes(s);
            case UTF16LE: {
                byte[] out = new byte[s.length() * 2];
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    out[2 * i] = (byte) c;
                    out[2 * i + 1] = (byte) (c >>> 8);
                }
                return out;
            }
            case LATIN1:
            case ASCII: {
                byte[] out = new byte[s.length()];
                for (int i = 0; i < out.length; i++) out[i] = (byte) s.charAt(i);
                return out;
            }
            case HEX: return fromHex(s);
            default: return fromBase64(s);
        }
    }

    private static byte[] utf8Bytes(String s) {
        boolean lone = false;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    lone = true;
                    break;
                }
            }
        }
        if (!lone) return s.getBytes(StandardCharsets.UTF_8);
        // Java would write '?' for a lone surrogate; Node writes U+FFFD.
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static byte[] fromHex(String s) {
        int pairs = s.length() / 2;
        byte[] out = new byte[pairs];
        for (int i = 0; i < pairs; i++) {
            int hi = hexValue(s.charAt(2 * i));
            int lo = hexValue(s.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) return java.util.Arrays.copyOf(out, i);
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static int b64Value(char c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
    }

    private static byte[] fromBase64(String s) {
        if (s.isEmpty()) return EMPTY;
        byte[] out = new byte[s.length() / 4 * 3 + 3];
        int o = 0, acc = 0, bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            int v = b64Value(c);
            if (v < 0) {
                if (c == '=') break;
                continue;
            }
            acc = acc << 6 | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
        return o == out.length ? out : java.util.Arrays.copyOf(out, o);
    }
}
