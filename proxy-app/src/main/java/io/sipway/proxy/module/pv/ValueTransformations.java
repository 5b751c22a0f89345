package io.sipway.proxy.module.pv;

import static io.sipway.proxy.module.pv.Transformations.plain;
import static io.sipway.proxy.module.pv.Transformations.text;

/**
 * The {@code val.} transformations (pv_trans.c tr_eval_val: n0, ne, json, jsonqe) and the
 * {@code url.} ones of xhttp (xhttp_trans.c: path, querystring).
 */
final class ValueTransformations {

    private ValueTransformations() {
    }

    /** Puts the val. names into {@link Transformations}'s table. */
    static void registerVal() {
        plain("val.n0", (v, ctx) -> v == null ? (Object) 0L : v);
        plain("val.ne", (v, ctx) -> v == null ? "" : v);
        plain("val.json", (v, ctx) -> v == null ? "" : v instanceof String s ? jsonEscape(s) : v);
        plain("val.jsonqe", (v, ctx) -> v == null ? "\"\"" : v instanceof String s ? jsonQuoted(s) : v);
    }

    /** Puts the url. names into {@link Transformations}'s table (after re.subst, as before the split). */
    static void registerUrl() {
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
}
