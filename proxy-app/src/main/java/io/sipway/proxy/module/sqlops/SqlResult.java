package io.sipway.proxy.module.sqlops;

import io.sipway.proxy.db.DbResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A query's rows as sqlops keeps them (sql_api.c:sql_do_query): column names, then values that are
 * script values only. Strings and BLOBs read as strings, integers as integers, DATETIME as its epoch
 * second (Kamailio's time_val as an int), NULL as $null. Floating point columns, which Kamailio's
 * sqlops cannot hold ("only integer and string variables are supported"), read as their decimal text
 * here rather than $null: a DECIMAL, which Kamailio's drivers hand over as a string, reaches Sipway as a
 * floating point number and would otherwise be lost.
 */
record SqlResult(List<String> columns, List<Object[]> rows) {
    static final SqlResult EMPTY = new SqlResult(List.of(), List.of());

    static SqlResult of(DbResult r) {
        List<Object[]> rows = r.rows().stream().map(row -> {
            Object[] out = new Object[row.length];
            for (int i = 0; i < row.length; i++) {
                out[i] = scriptValue(row[i]);
            }
            return out;
        }).toList();
        return new SqlResult(List.copyOf(r.columns()), rows);
    }

    /** A database value as a script value: String, Long or null. */
    static Object scriptValue(Object v) {
        if (v == null || v instanceof String || v instanceof Long) {
            return v;
        }
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (v instanceof Instant t) {
            return t.getEpochSecond();
        }
        return v.toString(); // Double: its decimal text
    }

    /** $dbr(r=>[row,col]): the value, $null outside the result. */
    Object value(long row, long col) {
        if (row < 0 || col < 0 || row >= rows.size() || col >= columns.size()) {
            return null;
        }
        return rows.get((int) row)[(int) col];
    }

    /** $dbr(r=>colname[n]): the column's name, $null outside the result. */
    Object columnName(long col) {
        return col < 0 || col >= columns.size() ? null : columns.get((int) col);
    }
}
