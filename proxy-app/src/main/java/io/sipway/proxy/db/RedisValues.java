package io.sipway.proxy.db;

import io.sipway.proxy.db.RedisTables.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Values as db_redis writes them in a row's hash and in its keys: integers in decimal, doubles with
 * six decimals ({@code %.6f}), DATETIME as {@code 2030-05-28 21:32:15} in the machine's local time
 * (strftime of localtime_r), strings as they are; NULL is a field the hash does not have. Read back,
 * a value takes its column's type: Long, Double, Instant, String or byte[].
 */
final class RedisValues {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private RedisValues() {}

    /** A column's kind, or the value's own when the schema does not know the column. */
    static Kind kindOf(Kind column, Object v) {
        if (column != null) {
            return column;
        }
        if (v instanceof Instant) {
            return Kind.DATETIME;
        }
        if (v instanceof Double || v instanceof Float) {
            return Kind.DOUBLE;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return Kind.INT;
        }
        return Kind.STRING;
    }

    /** The text of a non-null value in a column of {@code kind}. */
    static String encode(Kind kind, Object v) {
        switch (kind) {
            case INT -> {
                if (v instanceof Boolean b) {
                    return b ? "1" : "0";
                }
                if (v instanceof Instant i) {
                    return Long.toString(i.getEpochSecond());
                }
                if (v instanceof Number n) {
                    return Long.toString(n.longValue());
                }
                return v.toString().trim();
            }
            case DOUBLE -> {
                if (v instanceof Number n) {
                    return String.format(Locale.ROOT, "%.6f", n.doubleValue());
                }
                return v.toString().trim();
            }
            case DATETIME -> {
                if (v instanceof Instant i) {
                    return TIME.format(LocalDateTime.ofInstant(i, ZoneId.systemDefault()));
                }
                if (v instanceof Number n) { // seconds since the epoch
                    return TIME.format(LocalDateTime.ofInstant(Instant.ofEpochSecond(n.longValue()), ZoneId.systemDefault()));
                }
                return v.toString().trim();
            }
            default -> {
                return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
            }
        }
    }

    /** A field's text as the value of its column; text that is not of the column's type is null. */
    static Object decode(Kind kind, String s) {
        if (s == null) {
            return null;
        }
        if (kind == null) {
            return s;
        }
        try {
            return switch (kind) {
                case INT -> s.isBlank() ? null : Long.parseLong(s.trim());
                case DOUBLE -> s.isBlank() ? null : Double.parseDouble(s.trim());
                case DATETIME -> time(s);
                case BLOB -> s.getBytes(StandardCharsets.UTF_8);
                default -> s;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant time(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (t.matches("-?\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(t));
        }
        try {
            return LocalDateTime.parse(t.replace('T', ' '), TIME).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Whether a field ({@code field}, null when the hash lacks it) holds {@code op value}, compared as
     * db_redis compares: numbers as numbers, DATETIME and strings as text (Kamailio's fixed time format
     * orders as time does). A NULL value matches a missing field for = only.
     */
    static boolean matches(Kind kind, String field, String op, Object value) {
        if (value == null || field == null) {
            boolean bothNull = value == null && field == null;
            return op.equals("=") ? bothNull : op.equals("!=") && !bothNull;
        }
        int c;
        if (kind == Kind.INT || kind == Kind.DOUBLE) {
            try {
                c = Double.compare(Double.parseDouble(field.trim()), Double.parseDouble(encode(kind, value)));
            } catch (NumberFormatException e) {
                return false;
            }
        } else {
            c = field.compareTo(encode(kind, value));
        }
        return switch (op) {
            case "=" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            default -> c >= 0;
        };
    }
}
