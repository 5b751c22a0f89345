package io.sipway.proxy.module.rtpengine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bencode, the encoding of rtpengine's ng protocol: strings ({@code 4:spam}), integers ({@code
 * i42e}), lists ({@code l...e}) and dictionaries ({@code d...e}). Strings are kept as Java strings of
 * their bytes (ISO-8859-1), so an SDP goes through byte for byte. A dictionary to send is a
 * {@link Dict}, which keeps its keys in the order they were added and may repeat one, as Kamailio's
 * bencode does (it sends {@code received-from} twice when a flag names it). Decoding takes bytes
 * from the network: every length is checked against what is there, and nesting is bounded.
 */
final class Bencode {
    /** Deeper than any rtpengine answer nests (its query answers go about 6 deep). */
    static final int MAX_DEPTH = 32;

    private Bencode() {
    }

    /** A dictionary in the order its entries were added (keys may repeat). */
    static final class Dict {
        final List<Map.Entry<String, Object>> entries = new ArrayList<>();

        Dict put(String key, Object value) {
            entries.add(Map.entry(key, value));
            return this;
        }
    }

    /** Input that is not bencode, or not the bencode expected. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        encode(value, out);
        return out.toByteArray();
    }

    private static void encode(Object v, ByteArrayOutputStream out) {
        if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
        } else if (v instanceof Long || v instanceof Integer) {
            out.writeBytes(("i" + v + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof List<?> l) {
            out.write('l');
            l.forEach(e -> encode(e, out));
            out.write('e');
        } else if (v instanceof Dict d) {
            out.write('d');
            for (Map.Entry<String, Object> e : d.entries) {
                encode(e.getKey(), out);
                encode(e.getValue(), out);
            }
            out.write('e');
        } else if (v instanceof Map<?, ?> m) {
            out.write('d');
            m.forEach((k, x) -> {
                encode(k, out);
                encode(x, out);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("not bencodable: " + v);
        }
    }

    /**
     * The value in {@code buf[from, to)}, which must be all of it: a String, a Long, a List or a
     * Map (a dictionary, first of a repeated key kept).
     */
    static Object decode(byte[] buf, int from, int to) throws MalformedException {
        int[] pos = {from};
        Object v = value(buf, pos, to, 0);
        if (pos[0] != to) {
            throw new MalformedException("bencode: " + (to - pos[0]) + " bytes after the value");
        }
        return v;
    }

    /** A dictionary, as rtpengine's answers are (bencode_decode_expect BENCODE_DICTIONARY). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decodeDict(byte[] buf, int from, int to) throws MalformedException {
        Object v = decode(buf, from, to);
        if (!(v instanceof Map)) {
            throw new MalformedException("bencode: the answer is not a dictionary");
        }
        return (Map<String, Object>) v;
    }

    private static Object value(byte[] b, int[] pos, int to, int depth) throws MalformedException {
        if (pos[0] >= to) {
            throw new MalformedException("bencode: input ends where a value should start (byte " + pos[0] + ")");
        }
        byte c = b[pos[0]];
        if (c == 'i') {
            pos[0]++;
            long n = number(b, pos, to, 'e');
            return n;
        }
        if (c == 'l' || c == 'd') {
            if (depth >= MAX_DEPTH) {
                throw new MalformedException("bencode: nested deeper than " + MAX_DEPTH);
            }
            pos[0]++;
            List<Object> list = c == 'l' ? new ArrayList<>() : null;
            Map<String, Object> dict = c == 'd' ? new LinkedHashMap<>() : null;
            while (true) {
                if (pos[0] >= to) {
                    throw new MalformedException("bencode: a " + (c == 'l' ? "list" : "dictionary") + " is not closed");
                }
                if (b[pos[0]] == 'e') {
                    pos[0]++;
                    return c == 'l' ? list : dict;
                }
                if (c == 'l') {
                    list.add(value(b, pos, to, depth + 1));
                } else {
                    if (b[pos[0]] < '0' || b[pos[0]] > '9') {
                        throw new MalformedException("bencode: a dictionary key is not a string (byte " + pos[0] + ")");
                    }
                    String key = (String) value(b, pos, to, depth + 1);
                    Object v = value(b, pos, to, depth + 1);
                    dict.putIfAbsent(key, v);
                }
            }
        }
        if (c >= '0' && c <= '9') {
            long len = number(b, pos, to, ':');
            if (len > to - pos[0]) {
                throw new MalformedException("bencode: a string of " + len + " bytes where " + (to - pos[0]) + " remain");
            }
            String s = new String(b, pos[0], (int) len, StandardCharsets.ISO_8859_1);
            pos[0] += (int) len;
            return s;
        }
        throw new MalformedException("bencode: unexpected byte 0x" + Integer.toHexString(c & 0xff) + " at " + pos[0]);
    }

    /** Digits (a '-' first allowed for integers) up to {@code end}; at most 18 digits, so no overflow. */
    private static long number(byte[] b, int[] pos, int to, char end) throws MalformedException {
        int p = pos[0];
        boolean neg = end == 'e' && p < to && b[p] == '-';
        if (neg) {
            p++;
        }
        int start = p;
        long n = 0;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            if (p - start >= 18) {
                throw new MalformedException("bencode: a number of more than 18 digits");
            }
            n = n * 10 + (b[p] - '0');
            p++;
        }
        if (p == start || p >= to || b[p] != end) {
            throw new MalformedException("bencode: a malformed " + (end == 'e' ? "integer" : "string length") + " at " + pos[0]);
        }
        pos[0] = p + 1;
        return neg ? -n : n;
    }
}
