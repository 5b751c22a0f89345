package io.sipway.proxy.db;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Kamailio 5.6's standard tables, made as {@code kamdbctl create} makes them, so that Kamailio and
 * Sipway share one database: the same table and column names, types, defaults, indexes and rows in
 * the {@code version} table (the module checks its table's version at start).
 *
 * <pre>
 *   Schema.create(db);                          // every table below, with its version row
 *   Schema.create(db, "subscriber", "location"); // these (and the version table)
 * </pre>
 *
 * Idempotent: a table that exists is left as it is, a version row that exists is not written again.
 * The tables: version; acc, acc_cdrs, missed_calls; lcr_gw, lcr_rule_target, lcr_rule; domain,
 * domain_attrs; grp, re_grp; trusted, address; aliases; location, location_attrs; silo; dbaliases;
 * uri; speed_dial; usr_preferences; subscriber; pdt; dialog, dialog_vars; dispatcher; dialplan;
 * topos_d, topos_t; htable; uacreg; rtpengine; sip_trace; secfilter.
 */
public final class Schema {
    private static final Map<String, SchemaTable> TABLES = new LinkedHashMap<>();

    static {
        KamailioTables.BY_MODULE.values().forEach(l -> l.forEach(t -> TABLES.put(t.name(), t)));
    }

    private Schema() {}

    /** Every standard table and its version row. */
    public static void create(Database db) throws DbException {
        create(db, TABLES.keySet().toArray(String[]::new));
    }

    /** These tables (and {@code version}) with their version rows; an unknown name is an IllegalArgumentException. */
    public static void create(Database db, String... tables) throws DbException {
        List<SchemaTable> todo = new ArrayList<>();
        todo.add(TABLES.get("version"));
        for (String name : tables) {
            SchemaTable t = table(name);
            if (t == null) {
                throw new IllegalArgumentException("no Kamailio table '" + name + "' (Sipway knows " + String.join(", ", TABLES.keySet()) + ")");
            }
            if (!todo.contains(t)) {
                todo.add(t);
            }
        }
        for (SchemaTable t : todo) {
            if (db instanceof SchemaAware s) {
                s.createTable(t);
            } else {
                for (String sql : statements(db.url().scheme(), t)) {
                    db.raw(sql);
                }
            }
            if (db.query("version", List.of("table_version"), Where.eq("table_name", t.name()), null).size() == 0) {
                db.insert("version", Map.of("table_name", t.name(), "table_version", t.version()));
            }
        }
    }

    /** The table of that name, or null. */
    public static SchemaTable table(String name) {
        return TABLES.get(name);
    }

    /** The names of every standard table, in creation order. */
    public static List<String> tables() {
        return List.copyOf(TABLES.keySet());
    }

    /** The tables of a Kamailio module's group in kamdbctl ("usrloc": location, location_attrs), or an empty list. */
    public static List<String> tablesOf(String module) {
        return KamailioTables.BY_MODULE.getOrDefault(module, List.of()).stream().map(SchemaTable::name).toList();
    }

    /** A database that keeps tables without SQL (db_text, db_redis) and creates them itself. */
    interface SchemaAware {
        void createTable(SchemaTable table) throws DbException;
    }

    /**
     * The statements that create {@code t} in the database of {@code scheme} ("mysql", "postgres",
     * "sqlite"), as Kamailio's scripts for it do, but each IF NOT EXISTS. MySQL names indexes per
     * table and takes them in CREATE TABLE (MySQL has no CREATE INDEX IF NOT EXISTS); PostgreSQL and
     * SQLite name them per database, so Kamailio prefixes them with the table's name.
     */
    static List<String> statements(String scheme, SchemaTable t) {
        boolean mysql = scheme.equals("mysql");
        boolean pg = scheme.equals("postgres");
        if (!mysql && !pg && !scheme.equals("sqlite")) {
            throw new IllegalArgumentException("no SQL for " + scheme);
        }
        char q = mysql ? '`' : '"';
        StringJoiner body = new StringJoiner(",\n    ", "CREATE TABLE IF NOT EXISTS " + q + t.name() + q + " (\n    ", "\n)");
        for (SchemaTable.Column c : t.columns()) {
            body.add(q + c.name() + q + " " + columnSql(scheme, c));
        }
        List<String> after = new ArrayList<>();
        for (SchemaTable.Index i : t.indexes()) {
            String name = mysql ? i.name() : t.name() + "_" + i.name();
            StringJoiner cols = new StringJoiner(", ", "(", ")");
            i.columns().forEach(c -> cols.add(q + c + q));
            if (i.unique()) {
                body.add("CONSTRAINT " + q + name + q + " UNIQUE " + cols);
            } else if (mysql) {
                body.add("INDEX " + q + name + q + " " + cols);
            } else {
                after.add("CREATE INDEX IF NOT EXISTS " + q + name + q + " ON " + q + t.name() + q + " " + cols);
            }
        }
        List<String> all = new ArrayList<>();
        all.add(body.toString());
        all.addAll(after);
        return all;
    }

    private static String columnSql(String scheme, SchemaTable.Column c) {
        if (c.auto()) {
            return switch (scheme) {
                case "mysql" -> "INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL";
                case "postgres" -> "SERIAL PRIMARY KEY NOT NULL";
                default -> "INTEGER PRIMARY KEY NOT NULL";
            };
        }
        String type = typeSql(scheme, c);
        if (c.def() != null) {
            type += " DEFAULT " + c.def();
        } else if (c.nullable()) {
            type += c.type() == SchemaTable.Type.TEXT || c.type() == SchemaTable.Type.MEDIUMTEXT || c.type() == SchemaTable.Type.BLOB
                    ? "" : " DEFAULT NULL";
        }
        return c.nullable() ? type : type + " NOT NULL";
    }

    private static String typeSql(String scheme, SchemaTable.Column c) {
        boolean mysql = scheme.equals("mysql");
        boolean pg = scheme.equals("postgres");
        return switch (c.type()) {
            case INT -> mysql ? "INT(" + (c.size() == null ? "11" : c.size()) + ")" : "INTEGER";
            case UINT -> mysql ? "INT(" + (c.size() == null ? "10" : c.size()) + ") UNSIGNED" : "INTEGER";
            case USMALLINT -> mysql ? "SMALLINT(5) UNSIGNED" : "SMALLINT";
            case SMALLINT -> "SMALLINT";
            case UTINYINT -> mysql ? "TINYINT(3) UNSIGNED" : "SMALLINT";
            case STRING -> "VARCHAR(" + c.size() + ")";
            case TEXT -> "TEXT";
            case MEDIUMTEXT -> mysql ? "MEDIUMTEXT" : "TEXT";
            case DATETIME -> mysql ? "DATETIME" : "TIMESTAMP WITHOUT TIME ZONE";
            case FLOAT -> mysql ? "FLOAT(" + c.size() + ")" : "REAL";
            case BLOB -> pg ? "BYTEA" : "BLOB";
        };
    }
}
