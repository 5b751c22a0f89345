package io.sipway.proxy.module.pv;

import static io.sipway.proxy.module.pv.Transformations.RUN_TIME;
import static io.sipway.proxy.module.pv.Transformations.constant;
import static io.sipway.proxy.module.pv.Transformations.isBlank;
import static io.sipway.proxy.module.pv.Transformations.nonEmpty;
import static io.sipway.proxy.module.pv.Transformations.numParam;
import static io.sipway.proxy.module.pv.Transformations.simple;
import static io.sipway.proxy.module.pv.Transformations.skipBlanks;
import static io.sipway.proxy.module.pv.Transformations.textParam;
import static io.sipway.proxy.module.pv.Transformations.with;

import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.module.pv.Transformations.NumParam;
import io.sipway.proxy.module.pv.Transformations.TextParam;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code param.} transformations (pv_trans.c tr_eval_paramlist over parse_param.c
 * parse_params2): value, in, valueat, name and count over a {@code name=value} list. Its parser
 * also serves {@code uri.param} and the tag of {@code tobody.}.
 */
final class ParamTransformations {

    private ParamTransformations() {
    }

    /** Puts the param. names into {@link Transformations}'s table. */
    static void register() {
        with("param.value", 1, 2, "name[, separator]", simple((n, ps) -> paramByName(n, ps, false)));
        with("param.in", 1, 2, "name[, separator]", simple((n, ps) -> paramByName(n, ps, true)));
        with("param.valueat", 1, 2, "index[, separator]", simple((n, ps) -> paramAt(n, ps, false)));
        with("param.name", 1, 2, "index[, separator]", simple((n, ps) -> paramAt(n, ps, true)));
        with("param.count", 0, 1, "separator", simple(ParamTransformations::paramCount));
    }

    /** One parameter of a list: its name, and its value ("" when it has none). */
    record Param(String name, String value) {
    }

    /**
     * Kamailio's parse_params2 over a whole string: {@code name[=value]} separated by {@code sep},
     * blanks (space, tab, CR, LF) allowed around names, '=' and separators; a value is a token (up to
     * a blank, ',' or the separator) or a '...' / "..." string (quotes dropped). A ',' or '>' where a
     * separator is expected ends the list; anything else there, a missing name after a separator, or
     * '=' followed by a separator, fails the parse (null). The list comes back in written order.
     */
    static List<Param> parseParams(String s, char sep) {
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

    /** The value of the last parameter with this name (ASCII case ignored), else {@code absent}. */
    static Object valueOf(List<Param> list, String name, Object absent) {
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
}
