package io.sipway.proxy.module.pv;


import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import io.sipway.sip.SipUri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The transformations of a running proxy beyond the language's own {@code s.} class: {@code uri.},
 * {@code param.}, {@code nameaddr.}, {@code tobody.}, {@code line.} and {@code val.} (pv module),
 * {@code re.subst} (textops) and {@code url.} (xhttp). RuntimeHost asks here first; a name check mode
 * knows but this class does not is refused when the script is loaded.
 *
 * <p><b>Sources.</b> The Kamailio wiki page "Transformations" (cookbooks 5.6.x) and, where it is
 * silent or says otherwise, the code it documents: kamailio/kamailio {@code src/modules/pv/pv_trans.c}
 * ({@code tr_eval_uri}, {@code tr_eval_paramlist}, {@code tr_eval_nameaddr}, {@code tr_eval_tobody},
 * {@code tr_eval_line}, {@code tr_eval_val} and their {@code tr_parse_*}),
 * {@code src/core/parser/parse_param.c} ({@code parse_params2}), {@code parse_nameaddr.c},
 * {@code parse_uri.c}, {@code src/core/strutils.c} ({@code ksr_str_json_escape}),
 * {@code src/modules/textops/txt_var.c} and {@code src/modules/xhttp/xhttp_trans.c}. Where the page
 * and the code disagree the code wins; each such place says so below.
 *
 * <p><b>Values.</b> Script values are String, Long or null ({@code $null}). A Long input is read as
 * its decimal text. When Kamailio fails a transformation (it logs, and the expression reads as
 * {@code $null}) {@link Transformation#apply} returns null: every class but {@code val.} and
 * {@code url.} fails on {@code $null} and on the empty string, and {@code uri.}, {@code param.},
 * {@code nameaddr.} and {@code tobody.} fail on a value their parser refuses. A part that is
 * missing from a value that parses is the empty string, not null ({@code {uri.port}} of a URI without
 * port is "", never 5060). Numbers come back as Long ({@code {uri.port}}, {@code {nameaddr.len}},
 * {@code {param.in}}, {@code {param.count}}); {@code {line.count}} comes back as a String, because
 * Kamailio's tr_eval_line ends by marking its result a string.
 *
 * <p><b>Parameters.</b> A parameter written in the script is a constant, checked and converted once
 * when the script is loaded: a wrong one refuses the script, naming the transformation. A
 * pseudo-variable parameter is read on every call, and a value of the wrong kind fails the
 * transformation then. A constant text parameter loses its leading blanks, as Kamailio's parser skips
 * them ({@code {param.value, b}} looks for "b"), but keeps trailing ones. A number read at run time
 * may be a Long or a string holding a whole number (as the language's {@code s.} class accepts it).
 */
public final class Transformations {

    private Transformations() {
    }

    /** What {@link #constant} returns for a parameter known only at run time. */
    private static final Object RUN_TIME = new Object();

    @FunctionalInterface
    private interface Factory {
        Transformation make(String name, List<ValueSource> params, Function<String, ? extends ValueSource> pvs);
    }

    /** How one name compiles: the parameter counts it takes, their names for messages, a factory. */
    private record Spec(int minParams, int maxParams, String paramNames, Factory factory) {
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    /** Every name this class compiles, with its parameter counts {min, max}: the pv module's table lists them. */
    public static Map<String, int[]> names() {
        Map<String, int[]> out = new LinkedHashMap<>();
        SPECS.forEach((n, s) -> out.put(n, new int[] {s.minParams, s.maxParams}));
        return out;
    }

    private static void plain(String name, Transformation t) {
        SPECS.put(name, new Spec(0, 0, "", (n, p, pvs) -> t));
    }

    private static void with(String name, int min, int max, String paramNames, Factory f) {
        SPECS.put(name, new Spec(min, max, paramNames, f));
    }

    /** A factory that needs the name and the parameters only. */
    private static Factory simple(BiFunction<String, List<ValueSource>, Transformation> f) {
        return (n, params, pvs) -> f.apply(n, params);
    }

    static {
        plain("uri.user", uri(u -> u.user));
        plain("uri.host", uri(u -> u.host));
        plain("uri.domain", uri(u -> u.host));
        plain("uri.passwd", uri(u -> u.passwd));
        plain("uri.port", uri(u -> u.port < 0 ? "" : (Object) (long) u.port));
        plain("uri.params", uri(u -> u.sipParams));
        with("uri.param", 1, 1, "name", simple(Transformations::uriParam));
        plain("uri.headers", uri(u -> u.headers));
        plain("uri.transport", uri(u -> u.known("transport")));
        plain("uri.ttl", uri(u -> u.known("ttl")));
        plain("uri.uparam", uri(u -> u.known("user")));
        plain("uri.maddr", uri(u -> u.known("maddr")));
        plain("uri.method", uri(u -> u.known("method")));
        plain("uri.lr", uri(u -> u.known("lr")));
        plain("uri.r2", uri(u -> u.known("r2")));
        plain("uri.scheme", uri(u -> u.scheme));
        plain("uri.duri", uri(u -> u.rebuild(false, true)));
        plain("uri.saor", uri(u -> u.rebuild(true, false)));
        plain("uri.suri", uri(u -> u.rebuild(true, true)));
        plain("uri.tosocket", uri(Uri::toSocket));

        with("param.value", 1, 2, "name[, separator]", simple((n, ps) -> paramByName(n, ps, false)));
        with("param.in", 1, 2, "name[, separator]", simple((n, ps) -> paramByName(n, ps, true)));
        with("param.valueat", 1, 2, "index[, separator]", simple((n, ps) -> paramAt(n, ps, false)));
        with("param.name", 1, 2, "index[, separator]", simple((n, ps) -> paramAt(n, ps, true)));
        with("param.count", 0, 1, "separator", simple(Transformations::paramCount));

        plain("nameaddr.name", nameAddr(a -> a.name));
        plain("nameaddr.uri", nameAddr(a -> a.uri));
        plain("nameaddr.len", nameAddr(a -> a.len));

        plain("tobody.uri", toBody(t -> t.uri));
        plain("tobody.display", toBody(t -> t.display));
        plain("tobody.tag", toBody(t -> t.tag));
        plain("tobody.user", toBody(t -> t.parsed.user));
        plain("tobody.host", toBody(t -> t.parsed.host));
        plain("tobody.params", toBody(t -> t.params));

        plain("line.count", (v, ctx) -> {
            String s = nonEmpty(v);
            return s == null ? null : lineCount(s);
        });
        with("line.at", 1, 1, "index", simple(Transformations::lineAt));
        with("line.sw", 1, 1, "prefix", simple(Transformations::lineStartingWith));

        plain("val.n0", (v, ctx) -> v == null ? (Object) 0L : v);
        plain("val.ne", (v, ctx) -> v == null ? "" : v);
        plain("val.json", (v, ctx) -> v == null ? "" : v instanceof String s ? jsonEscape(s) : v);
        plain("val.jsonqe", (v, ctx) -> v == null ? "\"\"" : v instanceof String s ? jsonQuoted(s) : v);

        with("re.subst", 1, Integer.MAX_VALUE, "/regex/replacement/flags", Transformations::reSubst);

        plain("url.path", (v, ctx) -> {
            String s = text(v);
            int q = s == null ? -1 : s.indexOf('?');
            return q < 0 ? s : s.substring(0, q);
        });
        plain("url.querystring", (v, ctx) -> {
            String s = text(v);
            int q = s == null ? -1 : s.indexOf('?');
            return s == null ? null : q < 0 ? "" : s.substring(q + 1);
        });
    }

    /**
     * Compiles one transformation: {@code {param.value,b,&}} is name "param.value" with the parameters
     * "b" and "&" (constant {@link Arg}s, or pseudo-variables read at run time). Returns null when this
     * class does not have the name (matched without regard to ASCII case, as Kamailio does).
     *
     * @param pvs finds the host's pseudo-variable written as {@code $name} or {@code $name(inner)}
     *            inside a re.subst replacement, null when it has none by that name (may itself be
     *            null: then no replacement may name one)
     * @throws IllegalArgumentException for a wrong parameter count or a wrong constant parameter, with
     *                                  a message for the person who wrote the script
     */
    public static Transformation compile(String name, List<ValueSource> params, Function<String, ? extends ValueSource> pvs) {
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
            String got = " (got " + n + ")";
            if (spec.maxParams == 0) {
                throw new IllegalArgumentException(key + " takes no parameters" + got);
            }
            throw new IllegalArgumentException(key + (spec.minParams == spec.maxParams ? " needs " : " takes ")
                    + spec.paramNames + got);
        }
        return spec.factory.make(key, ps, pvs);
    }

    // ---- values and parameters ------------------------------------------------------------------

    /** The text of a value: null for $null, a Long in decimal. */
    private static String text(Object v) {
        return v == null ? null : v instanceof String s ? s : v.toString();
    }

    /** The text of a value, null also for the empty string (Kamailio's "val->rs.len <= 0" failure). */
    private static String nonEmpty(Object v) {
        String s = text(v);
        return s == null || s.isEmpty() ? null : s;
    }

    private static Object constant(ValueSource p) {
        return p instanceof Arg a && a.isConstant() ? a.constant() : RUN_TIME;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** A text parameter: a constant, or a pseudo-variable whose value must be a non-empty string. */
    private record TextParam(String constant, ValueSource source) {
        /** The text, or null when a run-time value is $null or empty. */
        String get(ScriptContext ctx) {
            return source == null ? constant : nonEmpty(source.get(ctx));
        }
    }

    private static TextParam textParam(String name, String what, ValueSource p) {
        Object c = constant(p);
        if (c == RUN_TIME) {
            return new TextParam(null, p);
        }
        String s = c.toString();
        int i = 0;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        if (i > 0 && i < s.length() && s.charAt(i) == '$') {
            throw new IllegalArgumentException(name + ": write the " + what + " pseudo-variable without blanks before it, not \""
                    + s + "\"");
        }
        return new TextParam(s.substring(i), null);
    }

    /** A number parameter: a constant, or a pseudo-variable holding a whole number. */
    private record NumParam(long constant, ValueSource source) {
        /** The number, or null when a run-time value is not a whole number. */
        Long get(ScriptContext ctx) {
            if (source == null) {
                return constant;
            }
            Object v = source.get(ctx);
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof String s) {
                int sign = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
                return digits(s, sign) ? Long.valueOf(s) : null;
            }
            return null;
        }
    }

    /** Whether s holds 1 to 18 ASCII digits from {@code from} on (a long holds them all). */
    private static boolean digits(String s, int from) {
        int n = s.length() - from;
        if (n < 1 || n > 18) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A constant as Kamailio's _tr_parse_nparam reads it: blanks, a sign, blanks, digits, blanks. */
    private static NumParam numParam(String name, String what, ValueSource p) {
        Object c = constant(p);
        if (c == RUN_TIME) {
            return new NumParam(0, p);
        }
        if (c instanceof Long l) {
            return new NumParam(l, null);
        }
        String s = c.toString().strip();
        String digits = s.startsWith("-") || s.startsWith("+") ? s.substring(1).stripLeading() : s;
        if (!digits(digits, 0)) {
            throw new IllegalArgumentException(name + ": the " + what + " must be a whole number or a pseudo-variable, not \""
                    + c + "\"");
        }
        long n = Long.parseLong(digits);
        return new NumParam(s.startsWith("-") ? -n : n, null);
    }

    // ---- uri. ---------------------------------------------------------------------------------

    /**
     * A URI cut as Kamailio's parse_uri cuts it. sip:, sips:, tel: and tels: URIs are read by
     * sip-parser's {@link SipUri} (RFC 3261 and 3966 grammar); a URI it refuses, and any other scheme
     * (urn: included, which Kamailio reads too), fails the transformation.
     */
    static final class Uri {
        /** The URI as parsed (for uri.: without the one trailing ';' Kamailio ignores). */
        final String text;
        /** The scheme as written, e.g. "sip" or "SIP". */
        final String scheme;
        final String user;
        final String passwd;
        /** The host as written; an IPv6 reference keeps its brackets; "" for tel:. */
        final String host;
        /** The port, or -1 when none is written. */
        final int port;
        /** The parameters after the first ';' of a sip: or sips: URI, without it; "" for tel:. */
        final String sipParams;
        final String headers;
        /** The parameters to look the well-known ones up in (transport, user, lr...). */
        private final String params;

        private Uri(String text, String scheme, SipUri u, String params, boolean tel) {
            this.text = text;
            this.scheme = scheme;
            this.params = params;
            this.sipParams = tel ? "" : params;
            String usr = u.user() == null ? "" : u.user();
            // core's phone2tel (on by default): in sip:+123;npdi@host;user=phone the user is "+123"
            int semi = usr.indexOf(';');
            if (!tel && semi >= 0 && "phone".equals(known("user"))) {
                usr = usr.substring(0, semi);
            }
            this.user = usr;
            this.passwd = u.password() == null ? "" : u.password();
            this.host = u.host() == null ? "" : u.host();
            this.port = u.port();
            this.headers = u.headers() == null ? "" : u.headers();
        }

        /** The URI, or null when it does not parse. */
        static Uri parse(String s) {
            int colon = s.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            String scheme = s.substring(0, colon);
            String lower = scheme.toLowerCase(Locale.ROOT);
            boolean tel = lower.equals("tel") || lower.equals("tels");
            if (!tel && !lower.equals("sip") && !lower.equals("sips")) {
                return null;
            }
            SipUri u;
            try {
                u = SipUri.parse(lower.equals("tels") ? "tel" + s.substring(colon) : s);
            } catch (RuntimeException e) {
                return null;
            }
            int from = colon + 1;
            if (!tel) {
                from = s.indexOf('@', from) + 1; // past the userinfo (no ';' or '?' in the host)
                if (from == 0) {
                    from = colon + 1;
                }
            }
            int semi = s.indexOf(';', from);
            int question = tel ? -1 : s.indexOf('?', from);
            String params = semi < 0 || question >= 0 && semi > question ? ""
                    : s.substring(semi + 1, question < 0 ? s.length() : question);
            return new Uri(s, scheme, u, params, tel);
        }

        /**
         * The value of a parameter parse_uri knows by name ("" for a flag such as lr, and when it is
         * missing); the last one written wins, as parse_uri keeps overwriting.
         */
        String known(String name) {
            String found = "";
            int i = 0;
            int n = params.length();
            while (i < n) {
                int end = params.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                int eq = params.indexOf('=', i);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                if (params.regionMatches(true, i, name, 0, name.length()) && nameEnd - i == name.length()) {
                    found = nameEnd == end ? "" : params.substring(nameEnd + 1, end);
                }
                i = end + 1;
            }
            return found;
        }

        /**
         * uri.duri (scheme, host, port, transport), uri.saor (scheme, user, host) and uri.suri (all
         * four): the scheme as written, a part only when the URI has it.
         */
        String rebuild(boolean withUser, boolean withPortAndTransport) {
            StringBuilder b = new StringBuilder(text.length()).append(scheme).append(':');
            if (withUser && !user.isEmpty()) {
                b.append(user).append('@');
            }
            b.append(host);
            if (withPortAndTransport) {
                if (port >= 0) {
                    b.append(':').append(port);
                }
                String transport = known("transport");
                if (!transport.isEmpty()) {
                    b.append(";transport=").append(transport);
                }
            }
            return b.toString();
        }

        /**
         * uri.tosocket: proto:host:port, the port 5060 when none is written. The proto comes from the
         * transport parameter (udp, tcp, tls, sctp, ws, any case); without one, or with another, the
         * result is "" (Kamailio warns "unknown transport protocol").
         */
        String toSocket() {
            String proto = known("transport").toLowerCase(Locale.ROOT);
            if (!SOCKET_PROTOS.contains(proto)) {
                return "";
            }
            return proto + ":" + host + ":" + (port > 0 ? port : 5060);
        }
    }

    /** The transports uri.tosocket names (parse_uri knows no others). */
    private static final Set<String> SOCKET_PROTOS = Set.of("udp", "tcp", "tls", "sctp", "ws");

    /** The last URI the uri. class parsed: scripts read several parts of one URI in a row. */
    private static volatile Uri lastUri;

    private static Transformation uri(Function<Uri, Object> part) {
        return (v, ctx) -> {
            Uri u = uriOf(v);
            return u == null ? null : part.apply(u);
        };
    }

    /** tr_eval_uri's input: a non-empty string, one trailing ';' dropped when longer than 4 chars. */
    private static Uri uriOf(Object v) {
        String s = nonEmpty(v);
        if (s == null) {
            return null;
        }
        if (s.length() > 4 && s.charAt(s.length() - 1) == ';') {
            s = s.substring(0, s.length() - 1);
        }
        Uri last = lastUri;
        if (last != null && last.text.equals(s)) {
            return last;
        }
        Uri u = Uri.parse(s);
        if (u != null) {
            lastUri = u;
        }
        return u;
    }

    /** uri.param,name: looked up in the sip: parameters with param.'s parser; "" when absent. */
    private static Transformation uriParam(String name, List<ValueSource> params) {
        TextParam wanted = textParam(name, "name", params.get(0));
        return (v, ctx) -> {
            Uri u = uriOf(v);
            if (u == null) {
                return null;
            }
            if (u.sipParams.isEmpty()) {
                return "";
            }
            List<Param> list = parseParams(u.sipParams, ';');
            String key = wanted.get(ctx);
            return list == null || key == null ? null : valueOf(list, key, "");
        };
    }

    // ---- param. -------------------------------------------------------------------------------

    /** One parameter of a list: its name, and its value ("" when it has none). */
    private record Param(String name, String value) {
    }

    /**
     * Kamailio's parse_params2 over a whole string: {@code name[=value]} separated by {@code sep},
     * blanks (space, tab, CR, LF) allowed around names, '=' and separators; a value is a token (up to
     * a blank, ',' or the separator) or a '...' / "..." string (quotes dropped). A ',' or '>' where a
     * separator is expected ends the list; anything else there, a missing name after a separator, or
     * '=' followed by a separator, fails the parse (null). The list comes back in written order.
     */
    private static List<Param> parseParams(String s, char sep) {
        List<Param> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (n > 0) {
            int start = i;
            while (i < n && !isBlank(s.charAt(i)) && s.charAt(i) != ',' && s.charAt(i) != '=' && s.charAt(i) != sep) {
                i++;
            }
            String name = s.substring(start, i);
            i = skipBlanks(s, i);
            String value = "";
            if (i < n && s.charAt(i) == '=') {
                i = skipBlanks(s, i + 1);
                if (i < n) {
                    char q = s.charAt(i);
                    if (q == '"' || q == '\'') {
                        int close = n - i < 2 ? -1 : s.indexOf(q, i + 1);
                        if (close < 0) {
                            return null;
                        }
                        value = s.substring(i + 1, close);
                        i = close + 1;
                    } else {
                        int v = i;
                        while (i < n && !isBlank(s.charAt(i)) && s.charAt(i) != ',' && s.charAt(i) != sep) {
                            i++;
                        }
                        if (i == v) {
                            return null;
                        }
                        value = s.substring(v, i);
                    }
                    i = skipBlanks(s, i);
                }
            }
            out.add(new Param(name, value));
            if (i == n) {
                return out;
            }
            char c = s.charAt(i);
            if (sep != ',' && c == ',' || sep != '>' && c == '>') {
                return out;
            }
            if (c != sep) {
                return null;
            }
            i = skipBlanks(s, i + 1);
            if (i == n) {
                return null;
            }
        }
        return out;
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The value of the last parameter with this name (ASCII case ignored), else {@code absent}. */
    private static Object valueOf(List<Param> list, String name, Object absent) {
        for (int k = list.size() - 1; k >= 0; k--) {
            if (list.get(k).name.equalsIgnoreCase(name)) {
                return list.get(k).value;
            }
        }
        return absent;
    }

    /**
     * The separator of param.*, written in the script: one character, not a blank, and not a comma
     * except for param.count (Kamailio's parser cannot read the others).
     */
    private static char separator(String name, ValueSource p, boolean countForm) {
        Object c = constant(p);
        if (c == RUN_TIME) {
            throw new IllegalArgumentException(name + ": the separator must be written as one character, not read from a"
                    + " pseudo-variable");
        }
        String s = c.toString();
        if (s.length() != 1 || isBlank(s.charAt(0)) || s.charAt(0) == ',' && !countForm) {
            throw new IllegalArgumentException(name + ": the separator must be one character other than a blank"
                    + (countForm ? "" : " or a comma") + ", not \"" + s + "\"");
        }
        return s.charAt(0);
    }

    /** The parameters of a value with that separator (one trailing separator ignored), or null. */
    private static List<Param> paramList(Object v, char sep) {
        String s = nonEmpty(v);
        if (s == null) {
            return null;
        }
        if (s.length() > 1 && s.charAt(s.length() - 1) == sep) {
            s = s.substring(0, s.length() - 1);
        }
        return parseParams(s, sep);
    }

    /** param.value,name (the value, "" when absent) and param.in,name (1 when present, else 0). */
    private static Transformation paramByName(String name, List<ValueSource> params, boolean in) {
        TextParam wanted = textParam(name, "name", params.get(0));
        char sep = params.size() > 1 ? separator(name, params.get(1), false) : ';';
        Object absent = in ? (Object) 0L : "";
        return (v, ctx) -> {
            List<Param> list = paramList(v, sep);
            String key = list == null ? null : wanted.get(ctx);
            if (key == null) {
                return null;
            }
            Object value = valueOf(list, key, absent);
            return in && value != absent ? (Object) 1L : value;
        };
    }

    /** param.valueat,i and param.name,i: 0 is the first parameter, -1 the last; "" past either end. */
    private static Transformation paramAt(String name, List<ValueSource> params, boolean wantName) {
        NumParam index = numParam(name, "index", params.get(0));
        char sep = params.size() > 1 ? separator(name, params.get(1), false) : ';';
        return (v, ctx) -> {
            List<Param> list = paramList(v, sep);
            Long i = list == null ? null : index.get(ctx);
            if (i == null) {
                return null;
            }
            long k = i < 0 ? list.size() + i : i;
            if (k < 0 || k >= list.size()) {
                return "";
            }
            Param p = list.get((int) k);
            return wantName ? p.name : p.value;
        };
    }

    /**
     * param.count[,separator]: how many parameters the value has. Here the separator may also be a
     * pseudo-variable, whose first character is used (Kamailio allows it for count only).
     */
    private static Transformation paramCount(String name, List<ValueSource> params) {
        if (params.isEmpty() || constant(params.get(0)) != RUN_TIME) {
            char sep = params.isEmpty() ? ';' : separator(name, params.get(0), true);
            return (v, ctx) -> {
                List<Param> list = paramList(v, sep);
                return list == null ? null : (Object) (long) list.size();
            };
        }
        ValueSource sepSource = params.get(0);
        return (v, ctx) -> {
            String sep = nonEmpty(sepSource.get(ctx));
            List<Param> list = sep == null ? null : paramList(v, sep.charAt(0));
            return list == null ? null : (Object) (long) list.size();
        };
    }

    // ---- nameaddr. and tobody. ----------------------------------------------------------------

    /**
     * Kamailio's parse_nameaddr: the name is the text before the first '<' outside double quotes, as
     * written (quotes and the blank before '<' kept: the wiki's {@code "test"} example shows it
     * trimmed, the code does not trim); the URI is up to the next unquoted '>' (none fails); the length
     * counts the bytes up to and including '>'. Without '<' the whole value is the URI, the name "".
     */
    private record NameAddr(String name, String uri, Long len) {
        static NameAddr parse(String s) {
            int lt = findNotQuoted(s, 0, '<');
            if (lt < 0) {
                return new NameAddr("", s, (long) utf8Length(s));
            }
            int gt = findNotQuoted(s, lt + 1, '>');
            if (gt < 0) {
                return null;
            }
            return new NameAddr(s.substring(0, lt), s.substring(lt + 1, gt), (long) utf8Length(s.substring(0, gt + 1)));
        }
    }

    /** parser_f.h find_not_quoted: c outside "..." (a quote after a backslash does not close). */
    private static int findNotQuoted(String s, int from, char c) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!quoted) {
                if (ch == '"') {
                    quoted = true;
                } else if (ch == c) {
                    return i;
                }
            } else if (ch == '"' && s.charAt(i - 1) != '\\') {
                quoted = false;
            }
        }
        return -1;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Transformation nameAddr(Function<NameAddr, Object> part) {
        return (v, ctx) -> {
            String s = nonEmpty(v);
            NameAddr a = s == null ? null : NameAddr.parse(s);
            return a == null ? null : part.apply(a);
        };
    }

    /**
     * A To/From header body as Kamailio's parse_to reads it: an optional display name (a quoted string,
     * quotes kept, or words before '<', blanks around them dropped), the URI in &lt;&gt; or bare (then
     * ending at ';' or a blank), then ';' and header parameters. The URI must parse, else the
     * transformation fails; {@code params} is the text from the first parameter's name to the end.
     */
    private record ToBody(String display, String uri, String tag, String params, Uri parsed) {
        static ToBody parse(String s) {
            int n = s.length();
            int i = skipBlanks(s, 0);
            String display = "";
            int uriStart;
            int uriEnd;
            int lt = findNotQuoted(s, i, '<');
            if (i < n && s.charAt(i) == '"' || lt >= 0) {
                if (i < n && s.charAt(i) == '"') {
                    int close = closingQuote(s, i);
                    if (close < 0) {
                        return null;
                    }
                    display = s.substring(i, close + 1);
                    i = skipBlanks(s, close + 1);
                    if (i >= n || s.charAt(i) != '<') {
                        return null;
                    }
                } else {
                    display = s.substring(i, lt).strip();
                    i = lt;
                }
                uriStart = i + 1;
                uriEnd = s.indexOf('>', uriStart);
                if (uriEnd < 0) {
                    return null;
                }
                i = skipBlanks(s, uriEnd + 1);
            } else {
                uriStart = i;
                while (i < n && s.charAt(i) != ';' && !isBlank(s.charAt(i))) {
                    i++;
                }
                uriEnd = i;
                i = skipBlanks(s, i);
            }
            String params = "";
            String tag = "";
            if (i < n) {
                if (s.charAt(i) != ';') {
                    return null;
                }
                params = s.substring(skipBlanks(s, i + 1));
                List<Param> list = params.isEmpty() ? null : parseParams(params, ';');
                if (list == null) {
                    return null;
                }
                tag = (String) valueOf(list, "tag", "");
            }
            String uri = s.substring(uriStart, uriEnd);
            Uri parsed = uri.isEmpty() ? null : Uri.parse(uri);
            return parsed == null ? null : new ToBody(display, uri, tag, params, parsed);
        }
    }

    /** The closing '"' of the quoted string opening at {@code open} (backslash escapes), or -1. */
    private static int closingQuote(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static Transformation toBody(Function<ToBody, Object> part) {
        return (v, ctx) -> {
            String s = nonEmpty(v);
            ToBody t = s == null ? null : ToBody.parse(s);
            return t == null ? null : part.apply(t);
        };
    }

    // ---- line. --------------------------------------------------------------------------------

    /** Lines end at '\n'; a line given back loses one '\r' at its end. */
    private static String dropCr(String line) {
        return !line.isEmpty() && line.charAt(line.length() - 1) == '\r' ? line.substring(0, line.length() - 1) : line;
    }

    /** line.count: the '\n's, plus one when the value does not end with one; a String, as in Kamailio. */
    private static String lineCount(String s) {
        long n = s.chars().filter(c -> c == '\n').count();
        return Long.toString(s.charAt(s.length() - 1) == '\n' ? n : n + 1);
    }

    /**
     * line.at,n: line n (0 the first); negative from the end (-1 the last, a final '\n' not starting
     * another line); "" past either end. Doc open: empty lines met counting backwards; Kamailio's
     * backwards scan mis-steps over them, here they count as lines.
     */
    private static Transformation lineAt(String name, List<ValueSource> params) {
        NumParam index = numParam(name, "index", params.get(0));
        return (v, ctx) -> {
            String s = nonEmpty(v);
            Long n = s == null ? null : index.get(ctx);
            if (n == null) {
                return null;
            }
            if (n >= 0) {
                return line(s, n);
            }
            String body = s.charAt(s.length() - 1) == '\n' ? s.substring(0, s.length() - 1) : s;
            long k = body.chars().filter(c -> c == '\n').count() + 1 + n;
            return k < 0 ? "" : line(body, k);
        };
    }

    private static String line(String s, long n) {
        int p = 0;
        for (long i = 0; i < n; i++) {
            int nl = s.indexOf('\n', p);
            if (nl < 0) {
                return "";
            }
            p = nl + 1;
        }
        int end = s.indexOf('\n', p);
        return dropCr(s.substring(p, end < 0 ? s.length() : end));
    }

    /** line.sw,prefix: the first line starting with the prefix, else "". */
    private static Transformation lineStartingWith(String name, List<ValueSource> params) {
        TextParam prefix = textParam(name, "prefix", params.get(0));
        return (v, ctx) -> {
            String s = nonEmpty(v);
            String pre = s == null ? null : prefix.get(ctx);
            if (pre == null) {
                return null;
            }
            int n = s.length();
            for (int p = 0; p <= n - pre.length(); ) {
                if (s.startsWith(pre, p)) {
                    int end = s.indexOf('\n', p + pre.length());
                    return dropCr(s.substring(p, end < 0 ? n : end));
                }
                int nl = s.indexOf('\n', p);
                if (nl < 0) {
                    break;
                }
                p = nl + 1;
            }
            return "";
        };
    }

    // ---- val. ---------------------------------------------------------------------------------

    /**
     * ksr_str_json_escape: {@code " \ } and the control characters escaped ({@code \b \f \n \r \t},
     * others as {@code \}{@code u00XX}); the value itself when nothing needs it.
     */
    private static String jsonEscape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 ? String.format("\\u%04x", (int) c) : null;
            };
            if (esc != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * val.jsonqe of a string: escaped and quoted. As tr_eval_val does, and unlike the wiki page, a
     * string that needs no escaping comes back as it is, without quotes; Kamailio counts a non-ASCII
     * byte as needing escaping, so such a string is quoted (its characters kept).
     */
    private static String jsonQuoted(String s) {
        String escaped = jsonEscape(s);
        if (escaped == s && s.chars().allMatch(c -> c < 0x80)) {
            return s;
        }
        return "\"" + escaped + "\"";
    }

    // ---- re.subst -----------------------------------------------------------------------------

    /**
     * re.subst,/regex/replacement/flags (see {@link SubstExpression}). The expression is the rest of
     * the transformation, commas included ({@code {re.subst,/a,b/c/}}); written in the script it is
     * compiled once, read from a pseudo-variable it is compiled when it changes. Values no match
     * touches come back unchanged. The replacement may name the host's pseudo-variables.
     */
    private static Transformation reSubst(String name, List<ValueSource> params, Function<String, ? extends ValueSource> pvs) {
        if (params.size() == 1 && constant(params.get(0)) == RUN_TIME) {
            return new DynamicSubst(params.get(0), pvs);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < params.size(); i++) {
            Object c = constant(params.get(i));
            if (c == RUN_TIME) {
                throw new IllegalArgumentException(name + ": the expression is written in the script or read whole from one"
                        + " pseudo-variable");
            }
            text.append(i == 0 ? "" : ",").append(c);
        }
        SubstExpression se;
        try {
            se = SubstExpression.parse(text.toString(), pvs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        return (v, ctx) -> {
            String s = nonEmpty(v);
            if (s == null) {
                return null;
            }
            String r = se.apply(s, ctx);
            return r == s ? v : r;
        };
    }

    /** re.subst with the expression in a pseudo-variable: the last one compiled is kept. */
    private static final class DynamicSubst implements Transformation {
        private record Compiled(String text, SubstExpression expression) {
        }

        private final ValueSource source;
        private final Function<String, ? extends ValueSource> pvs;
        private volatile Compiled last;

        DynamicSubst(ValueSource source, Function<String, ? extends ValueSource> pvs) {
            this.source = source;
            this.pvs = pvs;
        }

        @Override
        public Object apply(Object v, ScriptContext ctx) {
            String s = nonEmpty(v);
            String text = s == null ? null : nonEmpty(source.get(ctx));
            if (text == null) {
                return null;
            }
            Compiled c = last;
            if (c == null || !c.text.equals(text)) {
                try {
                    c = new Compiled(text, SubstExpression.parse(text, pvs));
                } catch (IllegalArgumentException e) {
                    return null; // Kamailio: "Can't compile regexp"
                }
                last = c;
            }
            String r = c.expression.apply(s, ctx);
            return r == s ? v : r;
        }
    }
}
