package io.sipway.proxy.module.pv;

import static io.sipway.proxy.module.pv.Transformations.nonEmpty;
import static io.sipway.proxy.module.pv.Transformations.numParam;
import static io.sipway.proxy.module.pv.Transformations.plain;
import static io.sipway.proxy.module.pv.Transformations.simple;
import static io.sipway.proxy.module.pv.Transformations.textParam;
import static io.sipway.proxy.module.pv.Transformations.with;

import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.module.pv.Transformations.NumParam;
import io.sipway.proxy.module.pv.Transformations.TextParam;
import java.util.List;

/** The {@code line.} transformations (pv_trans.c tr_eval_line): count, at and sw over the lines of a value. */
final class LineTransformations {

    private LineTransformations() {
    }

    /** Puts the line. names into {@link Transformations}'s table. */
    static void register() {
        plain("line.count", (v, ctx) -> {
            String s = nonEmpty(v);
            return s == null ? null : lineCount(s);
        });
        with("line.at", 1, 1, "index", simple(LineTransformations::lineAt));
        with("line.sw", 1, 1, "prefix", simple(LineTransformations::lineStartingWith));
    }

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
}
