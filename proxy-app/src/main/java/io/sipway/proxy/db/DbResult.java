package io.sipway.proxy.db;

import java.util.List;

/**
 * The rows a query returned (Kamailio's db1_res_t): the column names in order, then each row's
 * values in the same order. A value is a String, Long, Double, java.time.Instant (DATETIME, read as
 * the machine's local time, as Kamailio reads it), byte[] (BLOB) or null.
 */
public record DbResult(List<String> columns, List<Object[]> rows) {
    public static final DbResult EMPTY = new DbResult(List.of(), List.of());

    public int size() {
        return rows.size();
    }

    /** The index of a column (case-insensitive), or -1. */
    public int column(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The value of {@code name} in row {@code row}; null when the column is not there. */
    public Object get(int row, String name) {
        int c = column(name);
        return c < 0 ? null : rows.get(row)[c];
    }

    /** A value as text (numbers in decimal), or null. */
    public String text(int row, String name) {
        Object v = get(row, name);
        return v == null ? null : v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
    }

    /** A value as a number (text is parsed), or {@code def} when null or not a number. */
    public long number(int row, String name, long def) {
        Object v = get(row, name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return def;
            }
        }
        return def;
    }
}
