package io.sipway.proxy.module.htable;

import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How htable matches item names and string values (ht_api.c): regular expressions are POSIX
 * extended, case-insensitive, found anywhere in the text (regcomp with REG_ICASE|REG_NEWLINE, then
 * regexec); the other operators compare bytes.
 */
final class Matches {
    private Matches() {
    }

    /** A regular expression as Kamailio's regcomp takes it, or null when it does not compile. */
    static Pattern regex(String re) {
        try {
            return Pattern.compile(re, Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    /**
     * The test of sht_has_name/sht_has_str_value and sht_rm_name/sht_rm_value for {@code op} ("eq",
     * "ne", "re", "sw"; the rm functions take only re and sw), or null for an unknown operator or a
     * regular expression that does not compile.
     */
    static Predicate<String> op(String op, String value) {
        return switch (op) {
            case "eq" -> value::equals;
            case "ne" -> s -> !value.equals(s);
            case "sw" -> s -> s.startsWith(value);
            case "re" -> {
                Pattern p = regex(value);
                yield p == null ? null : s -> p.matcher(s).find();
            }
            default -> null;
        };
    }

    /**
     * $shtcn(t=>expr) and $shtcv(t=>expr) (ht_count_cells_re): how many live items match by name
     * ({@code values} false) or by string value. The expression is a regular expression, or starts with
     * an operator: {@code ~~} regular expression, {@code ~%} ends with, {@code %~} starts with, {@code ==}
     * equals, {@code eq} integer value equals (values only), {@code **} every item.
     */
    static long count(HashTable t, String expr, boolean values) {
        if (expr.isEmpty()) {
            return 0;
        }
        String op = expr.length() >= 2 ? expr.substring(0, 2) : "";
        if (op.equals("**")) {
            return t.size();
        }
        boolean known = switch (op) {
            case "~~", "~%", "%~", "==", "eq" -> true;
            default -> false;
        };
        String arg = known ? expr.substring(2) : expr;
        if (known && arg.isEmpty()) {
            return 0;
        }
        if (op.equals("eq") && !values) {
            return 0;
        }
        Predicate<String> test;
        if (!known || op.equals("~~")) {
            Pattern p = regex(arg);
            if (p == null) {
                return 0;
            }
            test = s -> p.matcher(s).find();
        } else {
            test = switch (op) {
                case "~%" -> s -> s.endsWith(arg);
                case "%~" -> s -> s.startsWith(arg);
                case "==" -> arg::equals;
                default -> null;
            };
        }
        long wanted = op.equals("eq") ? leadingInt(arg) : 0;
        long n = 0;
        for (Map.Entry<String, HashTable.Cell> e : t.items()) {
            Object v = e.getValue().value();
            if (op.equals("eq")) {
                if (v instanceof Long l && l == wanted) {
                    n++;
                }
            } else if (!values) {
                n += test.test(e.getKey()) ? 1 : 0;
            } else if (v instanceof String s && test.test(s)) {
                n++;
            }
        }
        return n;
    }

    private static long leadingInt(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
