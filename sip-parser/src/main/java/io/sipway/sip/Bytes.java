package io.sipway.sip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Character classes of RFC 3261 section 25 and small byte helpers. Package-private. */
final class Bytes {
    private Bytes() {
    }

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HT = '\t';

    private static final int TOKEN = 1;
    private static final int UNRESERVED = 2;
    private static final int USER_UNRESERVED = 4;
    private static final int PASSWORD = 8;
    private static final int PARAM_UNRESERVED = 16;
    private static final int HNV_UNRESERVED = 32;
    private static final int HOST = 64;
    private static final int WORD = 128;

    private static final int[] CLASS = new int[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) {
            set(c, TOKEN | UNRESERVED | HOST | WORD);
            set(c - 32, TOKEN | UNRESERVED | HOST | WORD);
        }
        for (int c = '0'; c <= '9'; c++) {
            set(c, TOKEN | UNRESERVED | HOST | WORD);
        }
        for (char c : "-.!%*_+`'~".toCharArray()) {
            set(c, TOKEN);
        }
        for (char c : "-_.!~*'()".toCharArray()) {
            set(c, UNRESERVED);
        }
        for (char c : "&=+$,;?/".toCharArray()) {
            set(c, USER_UNRESERVED);
        }
        for (char c : "&=+$,".toCharArray()) {
            set(c, PASSWORD);
        }
        for (char c : "[]/:&+$".toCharArray()) {
            set(c, PARAM_UNRESERVED);
        }
        for (char c : "[]/?:+$".toCharArray()) {
            set(c, HNV_UNRESERVED);
        }
        for (char c : "-.".toCharArray()) {
            set(c, HOST);
        }
        // word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
        //        "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" )
        for (char c : "-.!%*_+`'~()<>:\\\"/[]?{}".toCharArray()) {
            set(c, WORD);
        }
    }

    private static void set(int c, int flags) {
        CLASS[c] |= flags;
    }

    static boolean isToken(int b) {
        return (CLASS[b & 0xff] & TOKEN) != 0;
    }

    static boolean isUnreserved(int b) {
        return (CLASS[b & 0xff] & UNRESERVED) != 0;
    }

    static boolean isUserChar(int b) {
        return (CLASS[b & 0xff] & (UNRESERVED | USER_UNRESERVED)) != 0;
    }

    static boolean isPasswordChar(int b) {
        return (CLASS[b & 0xff] & (UNRESERVED | PASSWORD)) != 0;
    }

    static boolean isParamChar(int b) {
        return (CLASS[b & 0xff] & (UNRESERVED | PARAM_UNRESERVED)) != 0;
    }

    static boolean isHeaderChar(int b) {
        return (CLASS[b & 0xff] & (UNRESERVED | HNV_UNRESERVED)) != 0;
    }

    static boolean isHostChar(int b) {
        return (CLASS[b & 0xff] & HOST) != 0;
    }

    static boolean isWordChar(int b) {
        return (CLASS[b & 0xff] & WORD) != 0;
    }

    static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    static boolean isAlpha(int b) {
        int c = b | 0x20;
        return c >= 'a' && c <= 'z';
    }

    static boolean isHex(int b) {
        int c = b | 0x20;
        return isDigit(b) || (c >= 'a' && c <= 'f');
    }

    /** SP, HT, or the CR/LF of a folded line (inside a header value every CRLF is followed by WSP). */
    static boolean isLws(int b) {
        // most bytes tested are visible characters: one compare rejects them
        return b <= SP && (b == SP || b == HT || b == CR || b == LF);
    }

    static boolean isWsp(int b) {
        return b == SP || b == HT;
    }

    /** Compares {@code buf} at {@code from} with the lower-case ASCII {@code lower}, ignoring ASCII case. */
    static boolean equalsIgnoreCaseLower(byte[] buf, int from, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            int c = buf[from + i];
            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean regionEqualsIgnoreCase(byte[] buf, int from, int to, String lowerAscii) {
        int n = lowerAscii.length();
        if (to - from != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = buf[from + i];
            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }
            if (c != lowerAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean regionEquals(byte[] buf, int from, int to, String ascii) {
        int n = ascii.length();
        if (to - from != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buf[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static String string(byte[] buf, int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = 0x0D0D0D0D0D0D0D0DL;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;

    /** Eight bytes at {@code at} as a little-endian long (bounds-checked). */
    static long longLE(byte[] buf, int at) {
        return (long) LONG_LE.get(buf, at);
    }

    /**
     * Index of the first CR or LF in {@code buf[from, to)}, or {@code to}. Reads eight bytes at a
     * time (the "has zero byte" bit trick on the word XOR CR and XOR LF): header lines are most of
     * a message and this is where framing spends its time.
     */
    static int indexOfCrOrLf(byte[] buf, int from, int to) {
        int p = from;
        while (p + 8 <= to) {
            long w = (long) LONG_LE.get(buf, p);
            long x = w ^ CRS;
            long y = w ^ LFS;
            long hits = ((x - ONES) & ~x | (y - ONES) & ~y) & HIGHS;
            if (hits != 0) {
                return p + (Long.numberOfTrailingZeros(hits) >>> 3);
            }
            p += 8;
        }
        while (p < to && buf[p] != CR && buf[p] != LF) {
            p++;
        }
        return p;
    }

    /** Index of {@code b} in {@code buf[from, to)}, or -1. */
    static int indexOf(byte[] buf, int from, int to, int b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Decodes RFC 3261 escapes ({@code %HH}) in {@code buf[from, to)}; the range was validated, so
     * every {@code %} is followed by two hex digits.
     */
    static String unescape(byte[] buf, int from, int to) {
        if (indexOf(buf, from, to, '%') < 0) {
            return string(buf, from, to);
        }
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b == '%' && i + 2 < to) {
                out[n++] = (byte) (Character.digit(buf[i + 1], 16) * 16 + Character.digit(buf[i + 2], 16));
                i += 2;
            } else {
                out[n++] = b;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
