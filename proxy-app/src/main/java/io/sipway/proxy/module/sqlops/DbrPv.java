package io.sipway.proxy.module.sqlops;

import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import java.util.function.Function;

/**
 * {@code $dbr(result=>key)} (sql_var.c): {@code rows}, {@code cols}, {@code [row,col]} (the value;
 * $null outside the result or for NULL), {@code colname[n]}. Indexes are integers or one
 * pseudo-variable each ({@code [$var(i),$var(j)]}), compiled when the script is loaded.
 */
final class DbrPv {
    private DbrPv() {
    }

    static Pv of(String inner, Function<String, ValueSource> pvs, Function<String, SqlResult> results) {
        int arrow = inner.indexOf("=>");
        String name = arrow < 0 ? "" : inner.substring(0, arrow).trim();
        if (arrow < 0 || name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("$dbr needs result=>key, not '" + inner + "'");
        }
        String key = inner.substring(arrow + 2).trim();
        if (key.equals("rows")) {
            return ctx -> (long) results.apply(name).rows().size();
        }
        if (key.equals("cols")) {
            return ctx -> (long) results.apply(name).columns().size();
        }
        if (key.startsWith("[") && key.endsWith("]")) {
            String[] rc = key.substring(1, key.length() - 1).split(",", -1);
            if (rc.length != 2) {
                throw new IllegalArgumentException("invalid index in '" + key + "': [row,col]");
            }
            ValueSource row = index(rc[0], pvs, key);
            ValueSource col = index(rc[1], pvs, key);
            return ctx -> {
                Long r = number(row, ctx);
                Long c = number(col, ctx);
                return r == null || c == null ? null : results.apply(name).value(r, c);
            };
        }
        if (key.startsWith("colname") && key.length() > 9) {
            String rest = key.substring(7).trim();
            if (!rest.startsWith("[") || !rest.endsWith("]")) {
                throw new IllegalArgumentException("invalid index in '" + key + "': colname[n]");
            }
            ValueSource col = index(rest.substring(1, rest.length() - 1), pvs, key);
            return ctx -> {
                Long c = number(col, ctx);
                return c == null ? null : results.apply(name).columnName(c);
            };
        }
        throw new IllegalArgumentException("unknown key '" + key + "' for $dbr: rows, cols, [row,col] or colname[n]");
    }

    private static ValueSource index(String text, Function<String, ValueSource> pvs, String key) {
        String t = text.trim();
        if (t.startsWith("$")) {
            if (pvs == null) {
                throw new IllegalArgumentException("a pseudo-variable index in '" + key + "' needs a script");
            }
            return pvs.apply(t);
        }
        if (!t.matches("[-+]?\\d+")) {
            throw new IllegalArgumentException("bad number '" + t + "' in '" + key + "'");
        }
        long n = Long.parseLong(t);
        return ctx -> n;
    }

    /** An index's value as Kamailio's fixup_get_ivalue reads it; null (the $dbr reads $null) when it is no integer. */
    private static Long number(ValueSource v, ScriptContext ctx) {
        Object o = v.get(ctx);
        if (o instanceof Long n) {
            return n;
        }
        if (o instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
