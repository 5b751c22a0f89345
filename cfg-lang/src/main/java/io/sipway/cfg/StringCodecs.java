package io.sipway.cfg;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte codings behind the {@code s.} transformations that Kamailio takes from its core rather
 * than writing in {@code pv_trans.c}: GSM 7-bit packing ({@code pdu_7bit_encode}/{@code _decode} in
 * pv_trans.c), base58 and base64-url ({@code src/core/basex.c}), the URI escapes, CSV quoting and
 * URL encoding ({@code src/core/strutils.c}) and the core hash ({@code core_hash} in
 * {@code src/core/hashes.h}).
 *
 * <p>Every method works on the UTF-8 bytes of its input, as Kamailio works on the bytes of the
 * message, and a decoder reads the bytes it produces as UTF-8 (a sequence that is not UTF-8 becomes
 * U+FFFD), as {@code s.decode.hexa} does. A method returns {@code null} where Kamailio's function
 * fails, which fails the transformation.
 */
final class StringCodecs {

    private StringCodecs() {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String fromUtf8(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();
    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Kamailio's {@code hex_to_char}: {@code isdigit(c) ? c - '0' : tolower(c) - 'a' + 10} on a
     * signed char, without any check, so a byte that is no hex digit gives a value outside 0..15
     * that the callers shift and mask like any other.
     */
    private static int looseHexValue(int signedByte) {
        if (signedByte >= '0' && signedByte <= '9') {
            return signedByte - '0';
        }
        int c = signedByte >= 'A' && signedByte <= 'Z' ? signedByte + ('a' - 'A') : signedByte;
        return c - 'a' + 10;
    }

    /** The value of an ASCII hex digit, or -1. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    // ---- s.encode.7bit, s.decode.7bit -----------------------------------------------------------

    /**
     * GSM 03.38 packing of septets into octets, printed as uppercase hex: each input byte gives
     * seven bits, every eighth byte is folded into the seven octets before it ("hellohello" gives
     * "E8329BFD4697D9EC37"). The byte after the last one counts as 0, as the NUL that follows a
     * Kamailio string. A byte with its top bit set is packed as it is, as Kamailio does.
     */
    static String encode7bit(String s) {
        byte[] in = utf8(s);
        int n = in.length;
        StringBuilder b = new StringBuilder(n * 2);
        int shift = 0; // nleft - 1 in pdu_7bit_encode
        for (int i = 0; i < n; i++) {
            int cur = in[i] & 0xff;
            int next = i + 1 < n ? in[i + 1] & 0xff : 0;
            int octet = ((cur >> shift) | (next << (7 - shift))) & 0xff;
            b.append(UPPER_HEX[octet >> 4]).append(UPPER_HEX[octet & 0x0f]);
            if (++shift == 7) {
                i++; // its seven bits went into the octets just written
                shift = 0;
            }
        }
        return b.toString();
    }

    /**
     * The reverse of {@link #encode7bit}: pairs of hex digits, each octet giving one septet plus the
     * carried bits, and every seventh octet an extra septet. Like Kamailio it does not check the
     * digits (a character that is no hex digit gives a wrong septet, not an error), an odd last digit
     * is paired with a NUL, and seven octets give eight septets, the last one 0 when the sender
     * packed only seven: {@code s.decode.7bit} of {@code s.encode.7bit} of "1234567" is "1234567"
     * followed by a NUL character.
     */
    static String decode7bit(String s) {
        byte[] in = utf8(s);
        int n = in.length;
        StringBuilder b = new StringBuilder(n / 2 + n / 14 + 1);
        int shift = 0; // nleft - 1 in pdu_7bit_decode
        int carry = 0;
        for (int i = 0; i < n; i += 2) {
            int hi = looseHexValue(in[i]) & 0xff;
            int lo = looseHexValue(i + 1 < n ? in[i + 1] : 0) & 0xff;
            int octet = ((hi << 4) | lo) & 0xff;
            int nextCarry = octet >> (7 - shift);
            b.append((char) ((((octet << shift) & 0x7f) | carry) & 0xff));
            carry = nextCarry;
            if (++shift == 7) {
                b.append((char) carry);
                shift = 0;
                carry = 0;
            }
        }
        return b.toString();
    }

    // ---- base58 ---------------------------------------------------------------------------------

    private static final char[] B58_DIGITS = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final int[] B58_VALUES = new int[128];

    static {
        Arrays.fill(B58_VALUES, -1);
        for (int i = 0; i < B58_DIGITS.length; i++) {
            B58_VALUES[B58_DIGITS[i]] = i;
        }
    }

    /**
     * Base58 with the Bitcoin alphabet the wiki page lists: the bytes as one big-endian number in
     * base 58, each leading zero byte as a '1'. The empty string encodes as "".
     */
    static String encodeBase58(String s) {
        byte[] in = utf8(s);
        int zeros = 0;
        while (zeros < in.length && in[zeros] == 0) {
            zeros++;
        }
        // base-58 digits, least significant first; log(256)/log(58) < 1.38
        int[] digits = new int[(in.length - zeros) * 138 / 100 + 1];
        int used = 0;
        for (int i = zeros; i < in.length; i++) {
            int carry = in[i] & 0xff;
            for (int j = 0; j < used; j++) {
                carry += digits[j] << 8;
                digits[j] = carry % 58;
                carry /= 58;
            }
            while (carry > 0) {
                digits[used++] = carry % 58;
                carry /= 58;
            }
        }
        StringBuilder b = new StringBuilder(zeros + used);
        for (int i = 0; i < zeros; i++) {
            b.append('1');
        }
        for (int j = used - 1; j >= 0; j--) {
            b.append(B58_DIGITS[digits[j]]);
        }
        return b.toString();
    }

    /**
     * Base58 decoding: a character outside the alphabet (0, O, I, l, anything not ASCII) fails; each
     * leading '1' is a zero byte. Kamailio's b58_decode returns the number without those zero bytes
     * and reads as many bytes past its end instead, and returns garbage for the empty string; this
     * gives what the encoding means (and "" for "").
     */
    static String decodeBase58(String s) {
        int n = s.length();
        int ones = 0;
        while (ones < n && s.charAt(ones) == '1') {
            ones++;
        }
        // bytes, least significant first; log(58)/log(256) < 0.733
        int[] bytes = new int[(n - ones) * 733 / 1000 + 1];
        int used = 0;
        for (int i = ones; i < n; i++) {
            char c = s.charAt(i);
            int carry = c < 128 ? B58_VALUES[c] : -1;
            if (carry < 0) {
                return null;
            }
            for (int j = 0; j < used; j++) {
                carry += bytes[j] * 58;
                bytes[j] = carry & 0xff;
                carry >>= 8;
            }
            while (carry > 0) {
                bytes[used++] = carry & 0xff;
                carry >>= 8;
            }
        }
        byte[] out = new byte[ones + used];
        for (int j = 0; j < used; j++) {
            out[ones + used - 1 - j] = (byte) bytes[j];
        }
        return fromUtf8(out, 0, out.length);
    }

    // ---- base64-url -----------------------------------------------------------------------------

    /**
     * Kamailio's {@code base64url_dec}: the URL alphabet ({@code -} and {@code _}, not {@code +} and
     * {@code /}); trailing '=' are counted off and the output is {@code len * 6 / 8 - padding} bytes,
     * so missing padding is fine ("YWI" gives "ab") and surplus padding shortens the result ("YWJj="
     * gives "ab"); an output of no bytes, the empty input included, fails, and so does any other
     * character, '=' inside included. Bits left over in the last character are ignored.
     */
    static String decodeBase64Url(String s) {
        byte[] in = utf8(s);
        int len = in.length;
        int pad = 0;
        for (int i = len - 1; i >= 0 && in[i] == '='; i--) {
            pad++;
        }
        int outLen = (len * 6 >> 3) - pad;
        if (outLen <= 0) {
            return null;
        }
        byte[] out = new byte[outLen];
        int end = len - pad;
        int i = 0;
        for (int idx = 0; i < end; idx += 3) {
            int block = 0;
            for (int j = 0; j < 4 && i < end; j++) {
                int v = base64UrlValue(in[i++]);
                if (v < 0) {
                    return null;
                }
                block += v << (18 - 6 * j);
            }
            for (int j = 0, shift = 16; j < 3 && idx + j < outLen; j++, shift -= 8) {
                out[idx + j] = (byte) (block >> shift);
            }
        }
        return fromUtf8(out, 0, outLen);
    }

    private static int base64UrlValue(byte b) {
        if (b >= 'A' && b <= 'Z') {
            return b - 'A';
        }
        if (b >= 'a' && b <= 'z') {
            return b - 'a' + 26;
        }
        if (b >= '0' && b <= '9') {
            return b - '0' + 52;
        }
        if (b == '-') {
            return 62;
        }
        return b == '_' ? 63 : -1;
    }

    /** '=' appended up to a multiple of four, as {@code s.decode.base64t} and {@code s.decode.base64urlt} do first. */
    static String padBase64(String s) {
        int rest = s.length() % 4;
        return rest == 0 ? s : s + "===".substring(rest - 1);
    }

    // ---- URI escapes ----------------------------------------------------------------------------

    /** Marks (RFC 3261 {@code mark}) that {@code escape_user} and {@code escape_param} both keep. */
    private static final String MARKS = "-_.!~*'()";
    /**
     * What {@code escape_user} keeps besides letters, digits and marks (its comment also lists '/',
     * its code does not).
     */
    private static final String USER_KEEPS = MARKS + "&=+$,;?";
    /** What {@code escape_param} keeps besides letters, digits and marks. */
    private static final String PARAM_KEEPS = MARKS + "[]/:&+$";

    /** {@code s.escape.user}: '%' and two lowercase hex digits for what a SIP URI user part may not hold as it is. */
    static String escapeUser(String s) {
        return escapeUri(s, USER_KEEPS);
    }

    /** {@code s.escape.param}: the same for a SIP URI parameter. */
    static String escapeParam(String s) {
        return escapeUri(s, PARAM_KEEPS);
    }

    /**
     * Kamailio's {@code escape_user}/{@code escape_param}: a character outside printable ASCII
     * (below 32, above 126, any non-ASCII character) fails the transformation.
     */
    private static String escapeUri(String s, String keeps) {
        int n = s.length();
        StringBuilder b = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 32 || c > 126) {
                return null;
            }
            boolean keep = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                    || keeps.indexOf(c) >= 0;
            if (keep) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(n + 16).append(s, 0, i);
            }
            b.append('%').append(LOWER_HEX[c >> 4]).append(LOWER_HEX[c & 0x0f]);
        }
        return b == null ? s : b.toString();
    }

    /**
     * {@code s.unescape.user} and {@code s.unescape.param} (Kamailio's {@code unescape_user}): each
     * '%' must be followed by two hex digits (either case) giving printable ASCII (32 to 126), else
     * the transformation fails; every other character is kept.
     */
    static String unescapeUser(String s) {
        int pct = s.indexOf('%');
        if (pct < 0) {
            return s;
        }
        int n = s.length();
        StringBuilder b = new StringBuilder(n).append(s, 0, pct);
        for (int i = pct; i < n; i++) {
            char c = s.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            int hi = i + 1 < n ? hexValue(s.charAt(i + 1)) : -1;
            int lo = i + 2 < n ? hexValue(s.charAt(i + 2)) : -1;
            if (hi < 0 || lo < 0) {
                return null;
            }
            int v = hi << 4 | lo;
            if (v < 32 || v > 126) {
                return null;
            }
            b.append((char) v);
            i += 2;
        }
        return b.toString();
    }

    /** {@code s.escape.csv} (RFC 4180): the value in double quotes, each double quote doubled. */
    static String escapeCsv(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                b.append('"');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    // ---- URL encoding ---------------------------------------------------------------------------

    /**
     * {@code s.urlencode.param} (Kamailio's {@code urlencode}): ASCII letters and digits and
     * {@code - _ . ~} stay, every other byte becomes '%' and two lowercase hex digits (a space is
     * "%20", "ö" is "%c3%b6").
     */
    static String urlEncode(String s) {
        byte[] in = utf8(s);
        StringBuilder b = new StringBuilder(in.length + 16);
        for (byte x : in) {
            int c = x & 0xff;
            if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(LOWER_HEX[c >> 4]).append(LOWER_HEX[c & 0x0f]);
            }
        }
        return b.toString();
    }

    /**
     * {@code s.urldecode.param} (Kamailio's {@code urldecode}): '+' is a space, '%' and the two
     * bytes after it are one byte, everything else stays. It never fails: the two digits are not
     * checked (Kamailio computes {@code hex_to_char(a) << 4 | hex_to_char(b)} and keeps the low
     * eight bits, so "%zz" gives "3"), and a '%' without two bytes after it is dropped ("100%" gives
     * "100", "%4" gives "4").
     */
    static String urlDecode(String s) {
        byte[] in = utf8(s);
        int n = in.length;
        byte[] out = new byte[n];
        int j = 0;
        for (int i = 0; i < n; i++) {
            byte c = in[i];
            if (c == '%') {
                if (i + 2 < n && in[i + 1] != 0 && in[i + 2] != 0) {
                    out[j++] = (byte) (looseHexValue(in[i + 1]) << 4 | looseHexValue(in[i + 2]));
                    i += 2;
                }
            } else if (c == '+') {
                out[j++] = ' ';
            } else {
                out[j++] = c;
            }
        }
        return fromUtf8(out, 0, j);
    }

    // ---- core hash ------------------------------------------------------------------------------

    /**
     * Kamailio's {@code core_hash(s, NULL, size)}, an unsigned 32-bit hash: the bytes are taken four
     * at a time as a big-endian word ({@code h += v ^ (v >> 3)}), the last one to three bytes as one
     * more word, then {@code h + (h >> 11) + (h >> 13) + (h >> 23)}; with a size other than 0 the
     * result is {@code h & (size - 1)}, the slot of a table of that size when it is a power of two.
     * Bytes are signed chars, as C's {@code char} on x86 and x86-64 (an ARM build, whose chars are
     * unsigned, hashes non-ASCII text differently).
     */
    static long coreHash(String s, int size) {
        byte[] p = utf8(s);
        int n = p.length;
        int h = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int v = (p[i] << 24) + (p[i + 1] << 16) + (p[i + 2] << 8) + p[i + 3];
            h += v ^ (v >>> 3);
        }
        int v = 0;
        for (; i < n; i++) {
            v = (v << 8) + p[i];
        }
        h += v ^ (v >>> 3);
        h = (h + (h >>> 11)) + ((h >>> 13) + (h >>> 23));
        if (size != 0) {
            h &= size - 1;
        }
        return h & 0xffffffffL;
    }
}
