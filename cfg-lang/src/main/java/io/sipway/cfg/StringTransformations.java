package io.sipway.cfg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Kamailio's string transformations, the {@code s.} class of the pv module:
 * {@code $(var(x){s.substr,1,3}{s.len})}.
 *
 * <p><b>Sources.</b> Behaviour follows the Kamailio wiki page "Transformations" (cookbooks 6.1.x,
 * kamailio/kamailio-wiki {@code docs/cookbooks/6.1.x/transformations.md}) and, where the page is
 * silent, the code it documents: {@code tr_eval_string} and {@code tr_parse_string} in
 * kamailio/kamailio {@code src/modules/pv/pv_trans.c}, {@code str2slong} in {@code src/core/ut.h},
 * {@code escape_common}/{@code unescape_common} in {@code src/core/strutils.c}. Comments marked
 * "doc open" say what the page leaves open and what was chosen. The transformations added for 5.6
 * compatibility ({@code s.encode.7bit}, {@code s.replace} and the others after them in the table)
 * were read in the 5.6.x page and in the master-branch {@code tr_eval_string}; where the two
 * disagree the method says which one is followed.
 *
 * <p><b>Values.</b> Script values are {@link String}, {@link Long} or {@code null}. A {@code null}
 * input ({@code $null}) yields {@code null}, as in Kamailio ({@code tr_eval_string} fails on a null
 * value). A {@code Long} input is first turned into its decimal string, except where Kamailio keeps
 * the integer: {@code s.int}/{@code s.intv} pass it through, and {@code s.tolower},
 * {@code s.toupper}, {@code s.unquote}, {@code s.unbracket} return it unchanged (Kamailio only adds
 * the printed string and keeps the integer flag, so {@code $(var(n){s.tolower}) + 1} stays
 * arithmetic). When Kamailio's transformation fails (it logs and the variable reads as
 * {@code $null}), {@link Transformation#apply} returns {@code null}.
 *
 * <p><b>Bytes and characters.</b> Kamailio works on bytes; Sipway's strings are the UTF-8 decoding
 * of the message bytes. Where a transformation is about bytes it works on the UTF-8 encoding:
 * {@code s.len} counts UTF-8 bytes; {@code s.md5}, {@code s.sha*}, {@code s.encode.hexa} and
 * {@code s.encode.base64} digest or encode the UTF-8 bytes; {@code s.decode.hexa} and
 * {@code s.decode.base64} decode their bytes as UTF-8 (a sequence that is not UTF-8 becomes
 * U+FFFD). Positional transformations ({@code s.substr}, {@code s.select}, {@code s.strip},
 * {@code s.striptail}, {@code s.prefixes}) count Java {@code char}s: identical to Kamailio for
 * ASCII; for non-ASCII text they never cut a character in two (Kamailio may cut inside a UTF-8
 * sequence), but their offsets are then characters, not the bytes {@code s.len} counts (an
 * astral character, outside the BMP, counts as two). {@code s.tolower}/{@code s.toupper} change
 * ASCII letters only, like Kamailio.
 *
 * <p><b>Parameters.</b> {@link #compile} receives each parameter as a {@link ValueSource}. A
 * constant {@link Arg} ({@link Arg#constant(Object, String)}) is checked and converted once, at
 * compile time, and a wrong one is an {@link IllegalArgumentException}; any other source (a
 * dynamic {@code Arg}, a pseudo-variable) is read and converted on each call, and a value of the
 * wrong kind makes the transformation yield {@code null}. A run-time
 * number may be a {@code Long} or a string holding a whole integer (Kamailio insists on a value
 * with the integer flag; Sipway values do not carry both forms, so {@code "3"} is accepted).
 *
 * <p>Text parameters ({@code s.replace}, {@code s.rm}, {@code s.count}, {@code s.before},
 * {@code s.after}, {@code s.rbefore}, {@code s.rafter}, {@code s.ftime}) follow Kamailio's
 * {@code _tr_parse_sparam}: blanks before a constant are skipped, spaces inside and after it are
 * kept; a run-time one must hold non-empty text, else the transformation yields {@code null}.
 *
 * <p>The byte codings ({@code s.encode.7bit}, base58, base64-url, the URI escapes, URL encoding,
 * the core hash) are in {@link StringCodecs}, the strftime formats of {@code s.ftime} in
 * {@link Strftime}.
 *
 * <p>Not reproduced: Kamailio's 64 KiB transformation buffer, which fails any result larger than
 * it. Only the transformations whose output can grow far beyond their input keep that limit, so
 * that a short value cannot blow up: {@code s.prefixes} (quadratic), {@code s.replace} and
 * {@code s.fmtlines}/{@code s.fmtlinet} (multiplied by the parameters).
 */
final class StringTransformations {

    private StringTransformations() {
    }

    /** What {@link #constant} returns for a parameter only known at run time. */
    private static final Object RUN_TIME = new Object();

    /**
     * The value of a parameter known when the script is compiled: an {@link Arg} that
     * {@link Arg#isConstant() is constant} (a String or a Long). Any other source is read at run
     * time, so this returns {@link #RUN_TIME} for it.
     */
    private static Object constant(ValueSource p) {
        return p instanceof Arg a && a.isConstant() ? a.constant() : RUN_TIME;
    }

    /** Lowercase hex, like Kamailio's fourbits2char. */
    private static final HexFormat HEX = HexFormat.of();

    /** Kamailio's TR_BUFFER_SIZE: {@code s.prefixes} fails when its output could exceed it. */
    private static final int TR_BUFFER_SIZE = 65536;

    /** How one transformation name compiles: its parameter count range and a factory. */
    private record Spec(int minParams, int maxParams, String paramNames, Factory factory) {
    }

    @FunctionalInterface
    private interface Factory {
        Transformation make(String name, List<ValueSource> params);
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    private static void plain(String name, Transformation t) {
        SPECS.put(name, new Spec(0, 0, "", (n, p) -> t));
    }

    private static void with(String name, int min, int max, String paramNames, Factory f) {
        SPECS.put(name, new Spec(min, max, paramNames, f));
    }

    static {
        plain("s.len", (v, ctx) -> v == null ? null : (Object) (long) utf8Length(str(v)));
        plain("s.int", StringTransformations::toInt);
        // s.intv: Kamailio makes the string form the printed number; Sipway values have one form.
        plain("s.intv", StringTransformations::toInt);
        plain("s.md5", digest("MD5"));
        // s.sha1 is on the wiki page; some Kamailio versions mis-parse its name (name.len == 1).
        plain("s.sha1", digest("SHA-1"));
        plain("s.sha256", digest("SHA-256"));
        plain("s.sha384", digest("SHA-384"));
        plain("s.sha512", digest("SHA-512"));
        with("s.substr", 2, 2, "offset, length", StringTransformations::substr);
        with("s.select", 2, 2, "index, separator", StringTransformations::select);
        plain("s.encode.hexa", (v, ctx) -> v == null ? null : HEX.formatHex(utf8(str(v))));
        plain("s.decode.hexa", (v, ctx) -> v == null ? null : decodeHexa(str(v)));
        plain("s.encode.base64", (v, ctx) -> v == null ? null : Base64.getEncoder().encodeToString(utf8(str(v))));
        plain("s.decode.base64", (v, ctx) -> v == null ? null : decodeBase64(str(v)));
        plain("s.escape.common", (v, ctx) -> v == null ? null : escapeCommon(str(v)));
        plain("s.unescape.common", (v, ctx) -> v == null ? null : unescapeCommon(str(v)));
        plain("s.numeric", (v, ctx) -> v == null ? null : numeric(str(v)));
        plain("s.tolower", (v, ctx) -> v instanceof String s ? asciiCase(s, 'A', 'Z', 'a' - 'A') : v);
        plain("s.toupper", (v, ctx) -> v instanceof String s ? asciiCase(s, 'a', 'z', 'A' - 'a') : v);
        with("s.strip", 1, 1, "length", (n, p) -> strip(n, p, true));
        with("s.striptail", 1, 1, "length", (n, p) -> strip(n, p, false));
        with("s.prefixes", 0, 1, "max length", (n, p) -> prefixes(n, p, false));
        with("s.prefixes.quoted", 0, 1, "max length", (n, p) -> prefixes(n, p, true));
        plain("s.trim", (v, ctx) -> v == null ? null : trim(str(v), true, true));
        plain("s.rtrim", (v, ctx) -> v == null ? null : trim(str(v), false, true));
        plain("s.ltrim", (v, ctx) -> v == null ? null : trim(str(v), true, false));
        plain("s.rmws", (v, ctx) -> v == null ? null : removeWhitespace(str(v)));
        plain("s.unquote", (v, ctx) -> v instanceof String s ? unquote(s) : v);
        plain("s.unbracket", (v, ctx) -> v instanceof String s ? unbracket(s) : v);
        // codings Kamailio takes from its core (StringCodecs)
        plain("s.encode.7bit", (v, ctx) -> v == null ? null : StringCodecs.encode7bit(str(v)));
        plain("s.decode.7bit", (v, ctx) -> v == null ? null : StringCodecs.decode7bit(str(v)));
        plain("s.encode.base58", (v, ctx) -> v == null ? null : StringCodecs.encodeBase58(str(v)));
        plain("s.decode.base58", (v, ctx) -> v == null ? null : StringCodecs.decodeBase58(str(v)));
        plain("s.encode.base64t", (v, ctx) -> v == null ? null : withoutPadding(Base64.getEncoder(), str(v)));
        plain("s.decode.base64t", (v, ctx) -> v == null ? null : decodeBase64(StringCodecs.padBase64(str(v))));
        plain("s.encode.base64url", (v, ctx) -> v == null ? null : Base64.getUrlEncoder().encodeToString(utf8(str(v))));
        plain("s.decode.base64url", (v, ctx) -> v == null ? null : StringCodecs.decodeBase64Url(str(v)));
        plain("s.encode.base64urlt", (v, ctx) -> v == null ? null : withoutPadding(Base64.getUrlEncoder(), str(v)));
        plain("s.decode.base64urlt", (v, ctx) -> v == null ? null
                : StringCodecs.decodeBase64Url(StringCodecs.padBase64(str(v))));
        plain("s.escape.user", (v, ctx) -> v == null ? null : StringCodecs.escapeUser(str(v)));
        plain("s.unescape.user", (v, ctx) -> v == null ? null : StringCodecs.unescapeUser(str(v)));
        plain("s.escape.param", (v, ctx) -> v == null ? null : StringCodecs.escapeParam(str(v)));
        plain("s.unescape.param", (v, ctx) -> v == null ? null : StringCodecs.unescapeUser(str(v)));
        plain("s.escape.csv", (v, ctx) -> v == null ? null : StringCodecs.escapeCsv(str(v)));
        plain("s.urlencode.param", (v, ctx) -> v == null ? null : StringCodecs.urlEncode(str(v)));
        plain("s.urldecode.param", (v, ctx) -> v == null ? null : StringCodecs.urlDecode(str(v)));
        with("s.corehash", 0, 1, "table size", StringTransformations::corehash);
        // search, replace, format
        with("s.replace", 2, 2, "match, replacement", StringTransformations::replace);
        with("s.rm", 1, 1, "match", StringTransformations::remove);
        with("s.count", 1, 1, "character", StringTransformations::count);
        with("s.before", 1, 1, "character", (n, p) -> cut(n, p, Cut.BEFORE));
        with("s.rbefore", 1, 1, "character", (n, p) -> cut(n, p, Cut.RBEFORE));
        with("s.after", 1, 1, "character", (n, p) -> cut(n, p, Cut.AFTER));
        with("s.rafter", 1, 1, "character", (n, p) -> cut(n, p, Cut.RAFTER));
        with("s.fmtlines", 2, 2, "line length, indent", (n, p) -> fmtlines(n, p, ' '));
        with("s.fmtlinet", 2, 2, "line length, indent", (n, p) -> fmtlines(n, p, '\t'));
        with("s.ftime", 1, 1, "format", StringTransformations::ftime);
    }

    private static final Set<String> NAMES = Collections.unmodifiableSet(SPECS.keySet());

    /** Names this class compiles, e.g. "s.len", "s.substr" (for the checker's "unknown transformation" message). */
    static Set<String> names() {
        return NAMES;
    }

    /**
     * Compiles one transformation such as {s.substr,1,3}: name = "s.substr", params = the comma-separated
     * parameters, each a ValueSource (a constant String/Long source or a pseudo-variable read at run time).
     * Returns null when name is not an s.* transformation; throws IllegalArgumentException with a message a
     * person reads (it becomes a compile error at the transformation's position) for a wrong parameter count
     * or a constant parameter of the wrong kind (e.g. s.substr with a non-number offset).
     *
     * <p>Names are matched without regard to ASCII case, as Kamailio does ({@code strncasecmp}).
     * A parameter is constant when it is an {@link Arg} for which {@link Arg#isConstant()} holds.
     */
    static Transformation compile(String name, List<ValueSource> params) {
        if (name == null) {
            return null;
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        Spec spec = SPECS.get(key);
        if (spec == null) {
            return null;
        }
        List<ValueSource> ps = params == null ? List.of() : params;
        int n = ps.size();
        if (n < spec.minParams || n > spec.maxParams) {
            throw new IllegalArgumentException(countMessage(key, spec, n));
        }
        for (int i = 0; i < n; i++) {
            if (ps.get(i) == null) {
                throw new IllegalArgumentException(key + ": parameter " + (i + 1) + " is missing");
            }
        }
        return spec.factory.make(key, ps);
    }

    private static String countMessage(String name, Spec spec, int got) {
        String gotText = " (got " + got + ")";
        if (spec.maxParams == 0) {
            return name + " takes no parameters" + gotText;
        }
        if (spec.minParams == spec.maxParams) {
            return name + " needs " + spec.minParams + (spec.minParams == 1 ? " parameter: " : " parameters: ")
                    + spec.paramNames + gotText;
        }
        return name + " takes at most " + spec.maxParams + (spec.maxParams == 1 ? " parameter: " : " parameters: ")
                + spec.paramNames + gotText;
    }

    // ---- values ---------------------------------------------------------------------------------

    /** The string form of a non-null script value: a Long prints in decimal. */
    private static String str(Object v) {
        return v instanceof String s ? s : v.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The length of {@code s} in UTF-8 bytes, as {@code s.getBytes(UTF_8).length}, without encoding. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // two chars, four bytes
                i++;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            } // a lone surrogate encodes as '?', one byte
        }
        return bytes;
    }

    /**
     * Kamailio's {@code str2slong}: an optional sign then decimal digits and nothing else; the empty
     * string (and a sign alone) is 0; anything else, or a value outside a long, fails ({@code null}).
     */
    static Long parseSLong(String s) {
        int n = s.length();
        int i = 0;
        boolean neg = false;
        if (n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            neg = s.charAt(0) == '-';
            i = 1;
        }
        long r = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            int d = c - '0';
            // accumulate negatively so that Long.MIN_VALUE is reachable
            if (r < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            r = r * 10 - d;
        }
        if (!neg) {
            if (r == Long.MIN_VALUE) {
                return null;
            }
            r = -r;
        }
        return r;
    }

    // ---- parameters -----------------------------------------------------------------------------

    /**
     * A parameter: converted once if constant, else read on each call and converted by
     * {@code convert}, which gives null for a value of the wrong kind.
     */
    private static final class Param<T> {
        private final T constant;
        private final ValueSource source;
        private final Function<Object, T> convert;

        private Param(T constant, ValueSource source, Function<Object, T> convert) {
            this.constant = constant;
            this.source = source;
            this.convert = convert;
        }

        static <T> Param<T> fixed(T value) {
            return new Param<>(value, null, null);
        }

        static <T> Param<T> readAtRunTime(ValueSource source, Function<Object, T> convert) {
            return new Param<>(null, source, convert);
        }

        /** The value, or null when a run-time value is not of the kind needed. */
        T get(ScriptContext ctx) {
            return source == null ? constant : convert.apply(source.get(ctx));
        }

        boolean isConstant() {
            return source == null;
        }
    }

    /** A number parameter; a run-time one must be a whole integer ({@link #runtimeNumber}). */
    private static Param<Long> numParam(String name, String what, ValueSource p) {
        Object v = constant(p);
        if (v == RUN_TIME) {
            return Param.readAtRunTime(p, StringTransformations::runtimeNumber);
        }
        if (v instanceof Long l) {
            return Param.fixed(l);
        }
        Long l = constantNumber(str(v));
        if (l == null) {
            throw new IllegalArgumentException(name + ": the " + what + " must be an integer or a pseudo-variable, not \""
                    + v + "\"");
        }
        return Param.fixed(l);
    }

    /**
     * A number literal as Kamailio's {@code _tr_parse_nparam} reads it: blanks around, an optional
     * sign, decimal digits. Stricter in one point: at least one digit is needed (Kamailio reads a
     * lone sign as 0).
     */
    private static Long constantNumber(String text) {
        String s = text.strip();
        int i = 0;
        String sign = "";
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            sign = s.substring(0, 1);
            i = 1;
        }
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n')) {
            i++; // Kamailio skips blanks between the sign and the digits
        }
        if (i == s.length()) {
            return null;
        }
        for (int k = i; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return null;
            }
        }
        return parseSLong(sign + s.substring(i));
    }

    /** A run-time number: a Long, or a string holding a whole integer (at least one digit). */
    private static Long runtimeNumber(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String s && !s.isEmpty() && !s.equals("+") && !s.equals("-")) {
            return parseSLong(s);
        }
        return null;
    }

    // ---- s.int ----------------------------------------------------------------------------------

    /**
     * {@code s.int}: a Long passes through; a string must be a whole integer as {@code str2slong}
     * reads it. Doc open ("Return integer value of a string-represented number"): what a string that
     * is not a number gives. Kamailio's code fails the transformation, so {@code "12ab"} and
     * {@code "abc"} give {@code null} here, not 0 or 12; the empty string gives 0.
     */
    private static Object toInt(Object v, ScriptContext ctx) {
        if (v == null || v instanceof Long) {
            return v;
        }
        return parseSLong(str(v));
    }

    // ---- digests and codings --------------------------------------------------------------------

    /** A digest of the UTF-8 bytes as lowercase hex (Kamailio's compute_md5 / compute_sha*). */
    private static Transformation digest(String algorithm) {
        ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no " + algorithm, e);
            }
        });
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            MessageDigest md = digests.get();
            md.reset();
            return HEX.formatHex(md.digest(utf8(str(v))));
        };
    }

    /**
     * {@code s.decode.hexa}, as Kamailio: pairs of hex digits (either case); an odd last digit is
     * ignored; any other character fails the transformation. The bytes are read as UTF-8.
     */
    private static String decodeHexa(String s) {
        int pairs = s.length() / 2;
        byte[] out = new byte[pairs];
        for (int i = 0; i < pairs; i++) {
            int hi = Character.digit(asciiOnly(s.charAt(2 * i)), 16);
            int lo = Character.digit(asciiOnly(s.charAt(2 * i + 1)), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Maps non-ASCII chars to one that is no digit ({@link Character#digit} knows other scripts' digits). */
    private static char asciiOnly(char c) {
        return c < 0x80 ? c : 'x';
    }

    /**
     * {@code s.decode.base64}: the standard alphabet, padding optional (Java's basic decoder);
     * input that is not base64 fails the transformation. Kamailio's own base64_dec was not
     * compared on malformed input.
     */
    private static String decodeBase64(String s) {
        try {
            byte[] out = Base64.getDecoder().decode(s);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code s.escape.common}: a backslash before ', " and \, and NUL as backslash-zero. */
    private static String escapeCommon(String s) {
        int n = s.length();
        StringBuilder b = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"' || c == '\\' || c == '\0') {
                if (b == null) {
                    b = new StringBuilder(n + 8).append(s, 0, i);
                }
                b.append('\\').append(c == '\0' ? '0' : c);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * {@code s.unescape.common}: the reverse; a backslash before any other character (or at the
     * end) is kept, and the character after it is read normally, as Kamailio's unescape_common.
     */
    private static String unescapeCommon(String s) {
        int n = s.length();
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char next = s.charAt(i + 1);
                if (next == '\'' || next == '"' || next == '\\') {
                    b.append(next);
                    i++;
                    continue;
                }
                if (next == '0') {
                    b.append('\0');
                    i++;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * {@code s.numeric}: keeps the digits 0-9 only ("(040)1234/567-89" gives "040123456789").
     * Kamailio fails it on a value that has only an integer form; here a Long is printed first
     * (so -12 gives "12"), which is what Kamailio gives for variables that have both forms.
     */
    private static String numeric(String s) {
        int n = s.length();
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.length() == n ? s : b.toString();
    }

    /** ASCII-only case change ({@code s.tolower}/{@code s.toupper}); no copy when nothing changes. */
    private static String asciiCase(String s, char from, char to, int shift) {
        int n = s.length();
        int i = 0;
        while (i < n && (s.charAt(i) < from || s.charAt(i) > to)) {
            i++;
        }
        if (i == n) {
            return s;
        }
        char[] cs = s.toCharArray();
        for (; i < n; i++) {
            char c = cs[i];
            if (c >= from && c <= to) {
                cs[i] = (char) (c + shift);
            }
        }
        return new String(cs);
    }

    // ---- whitespace and quotes ------------------------------------------------------------------

    /** The whitespace of Kamailio's trim and rmws: space, tab, CR, LF. */
    private static boolean isWs(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static String trim(String s, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && isWs(s.charAt(start))) {
                start++;
            }
        }
        if (right) {
            while (end > start && isWs(s.charAt(end - 1))) {
                end--;
            }
        }
        return s.substring(start, end);
    }

    private static String removeWhitespace(String s) {
        int n = s.length();
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!isWs(c)) {
                b.append(c);
            }
        }
        return b.length() == n ? s : b.toString();
    }

    /** {@code s.unquote}: drops one pair of surrounding ' or " (the same at both ends). */
    private static String unquote(String s) {
        int n = s.length();
        if (n >= 2 && s.charAt(0) == s.charAt(n - 1) && (s.charAt(0) == '"' || s.charAt(0) == '\'')) {
            return s.substring(1, n - 1);
        }
        return s;
    }

    /** {@code s.unbracket}: drops one pair of surrounding (), [], {} or &lt;&gt;. */
    private static String unbracket(String s) {
        int n = s.length();
        if (n >= 2) {
            char a = s.charAt(0);
            char z = s.charAt(n - 1);
            if ((a == '(' && z == ')') || (a == '[' && z == ']') || (a == '{' && z == '}') || (a == '<' && z == '>')) {
                return s.substring(1, n - 1);
            }
        }
        return s;
    }

    // ---- s.substr -------------------------------------------------------------------------------

    /**
     * {@code s.substr,offset,length}, as {@code tr_eval_string}: offset 0 is the first char, -1
     * the last; length 0 means "to the end", and so does a length running past the end; a negative
     * length is a compile error (constant) or {@code null} (run time); an offset at or past the end,
     * or before the start, fails ({@code null}). Doc open: out-of-range offsets; so the empty string
     * always fails, and {@code s.substr,0,0} is the identity only for non-empty strings.
     */
    private static Transformation substr(String name, List<ValueSource> params) {
        Param<Long> offset = numParam(name, "offset", params.get(0));
        Param<Long> length = numParam(name, "length", params.get(1));
        if (length.isConstant() && length.constant < 0) {
            throw new IllegalArgumentException(name + ": the length must not be negative (0 means to the end), not "
                    + length.constant);
        }
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            Long i = offset.get(ctx);
            Long j = length.get(ctx);
            if (i == null || j == null) {
                return null;
            }
            return substr(str(v), i, j);
        };
    }

    static String substr(String s, long offset, long length) {
        if (length < 0) {
            return null;
        }
        int len = s.length();
        long start;
        long count = length;
        if (offset >= 0) {
            if (offset >= len) {
                return null;
            }
            start = offset;
            if (count >= len - start) {
                count = 0;
            }
        } else {
            if (offset < -len) {
                return null;
            }
            long fromEnd = -offset;
            start = len - fromEnd;
            if (fromEnd < count) {
                count = 0;
            }
        }
        int b = (int) start;
        return count == 0 ? s.substring(b) : s.substring(b, b + (int) count);
    }

    // ---- s.select -------------------------------------------------------------------------------

    /** Separator code for "any whitespace" ({@code \s}); every other separator is its own char. */
    private static final int ANY_WS = -1;
    /** A run-time separator that is not one char or a known escape. */
    private static final int BAD_SEPARATOR = -2;

    /**
     * The separator of {@code s.select}: one character, or the escapes {@code \\}, {@code \t},
     * {@code \n}, {@code \r}, {@code \w} (space) and {@code \s} (space, tab, CR or LF), as the
     * wiki page lists them. Returns {@link #BAD_SEPARATOR} for anything else.
     */
    private static int separator(String text) {
        if (text.length() == 1) {
            return text.charAt(0);
        }
        if (text.length() == 2 && text.charAt(0) == '\\') {
            switch (text.charAt(1)) {
                case '\\':
                    return '\\';
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 't':
                    return '\t';
                case 'w':
                    return ' ';
                case 's':
                    return ANY_WS;
                default:
                    return BAD_SEPARATOR;
            }
        }
        return BAD_SEPARATOR;
    }

    /**
     * {@code s.select,index,separator}: field {@code index} (0 first, -1 last) of the value split at
     * each separator. Doc open: an index past the fields. Kamailio's code gives the empty string
     * then (not an error), and so does this. The separator is a literal in Kamailio; a run-time
     * source is accepted here and read on each call.
     */
    private static Transformation select(String name, List<ValueSource> params) {
        Param<Long> index = numParam(name, "index", params.get(0));
        ValueSource sepSource = params.get(1);
        Object sv = constant(sepSource);
        if (sv != RUN_TIME) {
            int sep = separator(str(sv));
            if (sep == BAD_SEPARATOR) {
                throw new IllegalArgumentException(name + ": the separator must be one character or one of"
                        + " \\\\ \\t \\n \\r \\w \\s, not \"" + sv + "\"");
            }
            return (v, ctx) -> {
                if (v == null) {
                    return null;
                }
                Long i = index.get(ctx);
                return i == null ? null : select(str(v), i, sep);
            };
        }
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            Long i = index.get(ctx);
            Object rv = sepSource.get(ctx);
            int sep = rv == null ? BAD_SEPARATOR : separator(str(rv));
            return i == null || sep == BAD_SEPARATOR ? null : select(str(v), i, sep);
        };
    }

    private static boolean isSeparator(char c, int sep) {
        return sep == ANY_WS ? isWs(c) : c == sep;
    }

    static String select(String s, long index, int sep) {
        int n = s.length();
        if (index >= 0) {
            int start = 0;
            long left = index;
            for (int p = 0; p < n; p++) {
                if (isSeparator(s.charAt(p), sep)) {
                    if (left == 0) {
                        return s.substring(start, p);
                    }
                    left--;
                    start = p + 1;
                }
            }
            return left == 0 ? s.substring(start) : "";
        }
        long left = -(index + 1); // fields to skip from the end
        int end = n; // exclusive end of the current field
        for (int p = n - 1; p >= 0; p--) {
            if (isSeparator(s.charAt(p), sep)) {
                if (left == 0) {
                    return s.substring(p + 1, end);
                }
                left--;
                end = p;
            }
        }
        return left == 0 ? s.substring(0, end) : "";
    }

    // ---- s.strip, s.striptail -------------------------------------------------------------------

    /**
     * {@code s.strip,n} removes the first n chars, {@code s.striptail,n} the last n; n of 0 or
     * less leaves the value (as a string), n at or past the length gives "". The wiki page asks
     * for a positive n; Kamailio's code accepts any and so does this.
     */
    private static Transformation strip(String name, List<ValueSource> params, boolean head) {
        Param<Long> count = numParam(name, "length", params.get(0));
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            Long k = count.get(ctx);
            if (k == null) {
                return null;
            }
            String s = str(v);
            if (k <= 0) {
                return s;
            }
            if (k >= s.length()) {
                return "";
            }
            int m = (int) (long) k;
            return head ? s.substring(m) : s.substring(0, s.length() - m);
        };
    }

    // ---- s.prefixes -----------------------------------------------------------------------------

    /**
     * {@code s.prefixes[,len]}: "123" gives "1,12,123"; with len the longest prefix has at most
     * len chars (len of 0 or less, or past the length, means no limit); "" gives "".
     * {@code s.prefixes.quoted} puts each prefix in single quotes: "'1','12','123'". Kamailio fails
     * when {@code max * (max / 2 + (quoted ? 1 : 3))} exceeds its 64 KiB buffer (about 360 chars);
     * that limit is kept.
     */
    private static Transformation prefixes(String name, List<ValueSource> params, boolean quoted) {
        Param<Long> limit = params.isEmpty() ? null : numParam(name, "max length", params.get(0));
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            String s = str(v);
            long max = s.length();
            if (limit != null) {
                Long l = limit.get(ctx);
                if (l == null) {
                    return null;
                }
                if (l > 0 && l < max) {
                    max = l;
                }
            }
            if (max * (max / 2 + (quoted ? 1 : 3)) > TR_BUFFER_SIZE - 1) {
                return null;
            }
            int m = (int) max;
            StringBuilder b = new StringBuilder((int) (max * (max + 1) / 2 + max * (quoted ? 3 : 1)));
            for (int i = 1; i <= m; i++) {
                if (i > 1) {
                    b.append(',');
                }
                if (quoted) {
                    b.append('\'');
                }
                b.append(s, 0, i);
                if (quoted) {
                    b.append('\'');
                }
            }
            return b.toString();
        };
    }

    // ---- string parameters ----------------------------------------------------------------------

    /**
     * A run-time text parameter ({@code s.replace}, {@code s.rm}, {@code s.count}, {@code s.before}
     * and the like, {@code s.ftime}), where Kamailio insists on a non-empty string: {@code null} and
     * "" give null; a Long is its decimal string.
     */
    private static String runtimeText(Object v) {
        if (v == null) {
            return null;
        }
        String s = str(v);
        return s.isEmpty() ? null : s;
    }

    /**
     * A text parameter as Kamailio's {@code _tr_parse_sparam} reads a constant: blanks (space, tab,
     * newline) before it are skipped, it ends at a tab or newline (only blanks may follow), and
     * spaces inside and after it belong to it ({@code {s.ftime,%H:%M %S}}). An empty constant is a
     * compile error unless {@code mayBeEmpty}: Kamailio loads it and then compares against the
     * character that follows the parameter in the script text, or loops.
     */
    private static Param<String> strParam(String name, String what, ValueSource p, boolean mayBeEmpty) {
        Object v = constant(p);
        if (v == RUN_TIME) {
            return Param.readAtRunTime(p, StringTransformations::runtimeText);
        }
        String raw = str(v);
        int start = 0;
        while (start < raw.length() && isParamBlank(raw.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < raw.length() && raw.charAt(end) != '\t' && raw.charAt(end) != '\n') {
            end++;
        }
        for (int k = end; k < raw.length(); k++) {
            if (!isParamBlank(raw.charAt(k))) {
                throw new IllegalArgumentException(name + ": the " + what + " cannot hold a tab or a line break");
            }
        }
        String text = raw.substring(start, end);
        if (text.isEmpty() && !mayBeEmpty) {
            throw new IllegalArgumentException(name + ": the " + what + " must not be empty");
        }
        return Param.fixed(text);
    }

    private static boolean isParamBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n';
    }

    // ---- s.replace, s.rm ------------------------------------------------------------------------

    /**
     * {@code s.replace,match,repl}: every occurrence of {@code match}, left to right and not
     * overlapping, becomes {@code repl}; literal text, no pattern ("abababa" with a,c gives
     * "cbcbcbc"). Both may be pseudo-variables, which must then hold non-empty text (an empty or
     * unset one fails, as in Kamailio); a constant {@code repl} may be empty, a constant
     * {@code match} may not. Kamailio fails when the result would outgrow its 64 KiB buffer, and so
     * does this (counting chars), so that a short value cannot blow up into a huge one.
     */
    private static Transformation replace(String name, List<ValueSource> params) {
        Param<String> match = strParam(name, "text to replace", params.get(0), false);
        Param<String> repl = strParam(name, "replacement", params.get(1), true);
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            String m = match.get(ctx);
            String r = repl.get(ctx);
            return m == null || r == null ? null : replace(str(v), m, r);
        };
    }

    static String replace(String s, String match, String repl) {
        int at = s.indexOf(match);
        if (at < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + Math.max(0, repl.length() - match.length()) * 4);
        int from = 0;
        while (at >= 0) {
            b.append(s, from, at);
            if (b.length() + repl.length() >= TR_BUFFER_SIZE - 1) {
                return null;
            }
            b.append(repl);
            from = at + match.length();
            at = s.indexOf(match, from);
        }
        return b.append(s, from, s.length()).toString();
    }

    /**
     * {@code s.rm,match}: every occurrence of {@code match} removed. A constant {@code match} may
     * hold the escapes {@code \n}, {@code \r}, {@code \t} and {@code \\}; a backslash before any
     * other character stands for that character, a final backslash for itself (Kamailio's rule; a
     * pseudo-variable's value is taken as it is). An empty or unset pseudo-variable fails.
     */
    private static Transformation remove(String name, List<ValueSource> params) {
        Param<String> p = strParam(name, "text to remove", params.get(0), false);
        Param<String> match = p.isConstant() ? Param.fixed(unescapeRm(p.constant)) : p;
        return withText(match, (s, m) -> replace(s, m, ""));
    }

    private static String unescapeRm(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != '\\' || i == n - 1) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            b.append(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e);
        }
        return b.toString();
    }

    // ---- s.count, s.before, s.after, s.rbefore, s.rafter ----------------------------------------

    /**
     * The character of {@code s.count,c} and {@code s.before,c} and the like: the first character of
     * the parameter (Kamailio reads only the first byte, so {@code {s.count,ab}} counts 'a'; the
     * same for ASCII, a whole character otherwise). {@code {s.count,,}} names the comma.
     */
    private static int charOf(String text) {
        return text.codePointAt(0);
    }

    /** {@code f} of the value's string form and the parameter's text; null when either is missing. */
    private static Transformation withText(Param<String> p, BiFunction<String, String, Object> f) {
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            String t = p.get(ctx);
            return t == null ? null : f.apply(str(v), t);
        };
    }

    /** {@code s.count,c}: how many times the character occurs, as a Long ("abababa" with a gives 4). */
    private static Transformation count(String name, List<ValueSource> params) {
        return withText(strParam(name, "character", params.get(0), false), (s, t) -> {
            int cp = charOf(t);
            long k = 0;
            for (int i = s.indexOf(cp); i >= 0; i = s.indexOf(cp, i + 1)) {
                k++;
            }
            return k;
        });
    }

    /** Which part {@code s.before} and its kin keep. */
    private enum Cut {
        BEFORE, RBEFORE, AFTER, RAFTER
    }

    /**
     * {@code s.before,x} is the text before the first x, {@code s.rbefore,x} before the last x (the
     * whole value when there is no x); {@code s.after,x} is the text after the first x,
     * {@code s.rafter,x} after the last x ("" when there is no x). "abcdef" before c is "ab", after c
     * "def"; "abcdefcgh" rbefore c is "abcdef", rafter c "gh". The wiki page is followed for the
     * r- forms: pv_trans.c (the master-branch code read) walks its reverse search forwards
     * ({@code i++}), reading past the value unless its last character matches.
     */
    private static Transformation cut(String name, List<ValueSource> params, Cut which) {
        return withText(strParam(name, "character", params.get(0), false), (s, t) -> {
            int cp = charOf(t);
            int at = which == Cut.BEFORE || which == Cut.AFTER ? s.indexOf(cp) : s.lastIndexOf(cp);
            if (which == Cut.BEFORE || which == Cut.RBEFORE) {
                return at < 0 ? s : s.substring(0, at);
            }
            return at < 0 ? "" : s.substring(at + Character.charCount(cp));
        });
    }

    // ---- s.fmtlines, s.fmtlinet -----------------------------------------------------------------

    /**
     * {@code s.fmtlines,n,m} cuts the value into lines of n characters ended by CRLF, the last one
     * without, and starts every line but the first with m spaces ({@code s.fmtlinet}: m tabs):
     * "abcdefgh" with 4,2 gives "abcd\r\n  efgh". A negative constant is a compile error and so is
     * an n of 0 (Kamailio refuses the first at load and fails the second on every call); at run time
     * n of 0 or less, or m below 0, fails. Kamailio fails when the result could pass its 64 KiB
     * buffer ({@code len + len / n * (2 + m)}), and so does this, in chars.
     *
     * <p>The wiki page is followed: pv_trans.c (the master-branch code read) tests
     * {@code (i / n) == 0}, not {@code (i % n) == 0}, and so breaks after each of the first n - 1
     * characters instead ("a\r\n  b\r\n  c\r\n  defgh" for the example).
     */
    private static Transformation fmtlines(String name, List<ValueSource> params, char indent) {
        Param<Long> lineLength = numParam(name, "line length", params.get(0));
        Param<Long> indentLength = numParam(name, "indent", params.get(1));
        if (lineLength.isConstant() && lineLength.constant <= 0) {
            throw new IllegalArgumentException(name + ": the line length must be positive, not " + lineLength.constant);
        }
        if (indentLength.isConstant() && indentLength.constant < 0) {
            throw new IllegalArgumentException(name + ": the indent must not be negative, not "
                    + indentLength.constant);
        }
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            Long n = lineLength.get(ctx);
            Long m = indentLength.get(ctx);
            if (n == null || m == null || n <= 0 || m < 0) {
                return null;
            }
            String s = str(v);
            long len = s.length();
            long lines = len / n;
            if (lines > 0 && (m > TR_BUFFER_SIZE || len + lines * (2 + m) > TR_BUFFER_SIZE - 2)) {
                return null;
            }
            int step = (int) Math.min(n, Integer.MAX_VALUE);
            StringBuilder b = new StringBuilder((int) (len + lines * (2 + m)));
            for (int i = 0; i < s.length(); i += step) {
                if (i > 0) {
                    b.append("\r\n");
                    for (long k = 0; k < m; k++) {
                        b.append(indent);
                    }
                }
                b.append(s, i, (int) Math.min(s.length(), (long) i + step));
            }
            return b.toString();
        };
    }

    // ---- s.corehash -----------------------------------------------------------------------------

    /**
     * {@code s.corehash[,n]}: Kamailio's core hash of the value ({@link StringCodecs#coreHash}); with
     * n, {@code hash & (n - 1)}, the slot in a table of n entries when n is a power of two. The
     * result is a string of decimal digits, as Kamailio returns it (the wiki page: "the value is
     * returned as string"). n is taken as Kamailio's unsigned int (its low 32 bits); 0 means none.
     */
    private static Transformation corehash(String name, List<ValueSource> params) {
        Param<Long> size = params.isEmpty() ? null : numParam(name, "table size", params.get(0));
        return (v, ctx) -> {
            if (v == null) {
                return null;
            }
            int n = 0;
            if (size != null) {
                Long l = size.get(ctx);
                if (l == null) {
                    return null;
                }
                n = (int) (long) l;
            }
            return Long.toString(StringCodecs.coreHash(str(v), n));
        };
    }

    // ---- s.ftime --------------------------------------------------------------------------------

    /** The time zone {@code s.ftime} formats in: the JVM's, fixed at start as Kamailio's localtime is. */
    private static final ZoneId LOCAL_ZONE = ZoneId.systemDefault();

    /**
     * {@code s.ftime,format}: the value, seconds since the epoch (a Long, or a string
     * {@code str2slong} reads; anything else fails), formatted in the local time zone with a
     * strftime(3) format ({@link Strftime}): {@code $(TS{s.ftime,%Y-%m-%d %H:%M:%S})}. The format may
     * be a pseudo-variable (non-empty text); a constant one is compiled once, a run-time one when it
     * differs from the last one seen.
     */
    private static Transformation ftime(String name, List<ValueSource> params) {
        Param<String> format = strParam(name, "format", params.get(0), true);
        Strftime fixed = format.isConstant() ? Strftime.compile(format.constant) : null;
        AtomicReference<Map.Entry<String, Strftime>> last = new AtomicReference<>();
        return (v, ctx) -> {
            Long epoch = v instanceof Long l ? l : v == null ? null : parseSLong(str(v));
            if (epoch == null) {
                return null;
            }
            Strftime f = fixed;
            if (f == null) {
                String text = format.get(ctx);
                if (text == null) {
                    return null;
                }
                Map.Entry<String, Strftime> seen = last.get();
                if (seen == null || !seen.getKey().equals(text)) {
                    seen = Map.entry(text, Strftime.compile(text));
                    last.set(seen);
                }
                f = seen.getValue();
            }
            return f.format(epoch, LOCAL_ZONE);
        };
    }

    private static String withoutPadding(Base64.Encoder encoder, String s) {
        return encoder.withoutPadding().encodeToString(utf8(s));
    }
}
