package io.sipway.proxy.module.htable;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table's rows in Kamailio's {@code htable} table (ht_db.c): loaded at start when the table has a
 * {@code dbtable}, written back at shutdown with {@code dbmode=1}. A row is key_name, key_type (0: the
 * item key_name; 1: an array, items key_name[0], key_name[1]... in key_name order, plus key_name::size
 * holding their count), value_type (0: string, 1: integer) and key_value; with {@code db_expires=1}
 * and autoexpire, the expires column is the epoch second the item expires at (rows already expired
 * are skipped).
 */
final class HtableDb {
    /** The column names (modparams key_name_column, ...) and the options the module was given. */
    record Settings(String keyName, String keyType, String valueType, String keyValue, String expires,
                    String arraySizeSuffix, boolean dbExpires) {
    }

    private HtableDb() {
    }

    /** Loads {@code t}'s dbtable into it; returns how many rows became items. */
    static int load(Database db, HashTable t, Settings s) throws DbException {
        boolean withExpires = s.dbExpires() && t.spec.autoexpire() > 0;
        List<String> cols = new ArrayList<>(List.of(s.keyName(), s.keyType(), s.valueType(), s.keyValue()));
        if (withExpires) {
            cols.add(s.expires());
        }
        DbResult r = db.query(t.spec.dbtable(), cols, Where.ALL, s.keyName());
        long now = t.now();
        String arrayName = null;
        long arrayCount = 0;
        int loaded = 0;
        for (int i = 0; i < r.size(); i++) {
            String name = r.text(i, s.keyName());
            if (name == null) {
                throw new DbException("htable " + t.name() + ": a row of " + t.spec.dbtable() + " has a null " + s.keyName());
            }
            long expires = withExpires ? r.number(i, s.expires(), 0) : 0;
            if (expires > 0 && expires < now) {
                continue; // expired while the proxy was down
            }
            loaded++;
            long keyType = r.number(i, s.keyType(), 0);
            if (arrayName != null && !arrayName.equals(name)) {
                t.set(arrayName + s.arraySizeSuffix(), arrayCount);
                arrayName = null;
                arrayCount = 0;
            }
            String key = name;
            if (keyType == 1) {
                key = name + "[" + arrayCount++ + "]";
                arrayName = name;
            }
            String text = r.text(i, s.keyValue());
            if (text == null) {
                throw new DbException("htable " + t.name() + ": a row of " + t.spec.dbtable() + " has a null " + s.keyValue());
            }
            Object value = r.number(i, s.valueType(), 0) == 1 ? leadingInt(text) : text;
            t.set(key, value);
            if (expires > 0) {
                t.put(key, value, expires);
            }
        }
        if (arrayName != null) {
            t.set(arrayName + s.arraySizeSuffix(), arrayCount);
        }
        t.loadedFromDb = true;
        return loaded;
    }

    /** Replaces the dbtable's rows with the table's live items (ht_db_sync_tables at shutdown). */
    static int save(Database db, HashTable t, Settings s) throws DbException {
        db.delete(t.spec.dbtable(), Where.ALL);
        long now = t.now();
        int n = 0;
        for (Map.Entry<String, HashTable.Cell> e : t.items()) {
            HashTable.Cell c = e.getValue();
            if (t.spec.autoexpire() > 0 && c.expire() <= now) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(s.keyName(), e.getKey());
            row.put(s.keyType(), 0L);
            row.put(s.valueType(), c.value() instanceof Long ? 1L : 0L);
            row.put(s.keyValue(), c.value().toString());
            if (s.dbExpires() && t.spec.autoexpire() > 0) {
                row.put(s.expires(), c.expire());
            }
            db.insert(t.spec.dbtable(), row);
            n++;
        }
        return n;
    }

    /** Kamailio's str2sint on a value_type=1 row: the leading integer, 0 when there is none. */
    private static long leadingInt(String s) {
        String t = s.trim();
        int i = t.startsWith("-") || t.startsWith("+") ? 1 : 0;
        int end = i;
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
        }
        if (end == i) {
            return 0;
        }
        try {
            return Long.parseLong(t.substring(0, end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
