package io.sipway.proxy.db;

import java.util.ArrayList;
import java.util.List;

/**
 * One of Kamailio's tables as its schema (src/lib/srdb1/schema/*.xml) describes it: columns with
 * their type, size, default and nullability, the indexes, and the version the module checks in the
 * {@code version} table. {@link Schema} renders it as each database's CREATE statements; db_text
 * writes its header line from it.
 */
public record SchemaTable(String name, int version, List<Column> columns, List<Index> indexes) {

    /** Kamailio's column types (the XML schema's), rendered per database by {@link Schema}. */
    public enum Type {
        /** int: INT(11) in MySQL. */
        INT,
        /** unsigned int: INT(10) UNSIGNED in MySQL. */
        UINT,
        /** small unsigned int (ports, lcr ids): SMALLINT(5) UNSIGNED in MySQL, SMALLINT elsewhere. */
        USMALLINT,
        /** small signed int (secfilter). */
        SMALLINT,
        /** tiny unsigned int: TINYINT(3) UNSIGNED in MySQL, SMALLINT elsewhere. */
        UTINYINT,
        /** string: VARCHAR(size). */
        STRING,
        /** text. */
        TEXT,
        /** large text (topos' record-routes): MEDIUMTEXT in MySQL. */
        MEDIUMTEXT,
        /** datetime: DATETIME, TIMESTAMP WITHOUT TIME ZONE in PostgreSQL and SQLite. */
        DATETIME,
        /** float: FLOAT(size) in MySQL, REAL elsewhere. */
        FLOAT,
        /** blob: BLOB, BYTEA in PostgreSQL. */
        BLOB
    }

    /**
     * A column.
     *
     * @param size     VARCHAR length, FLOAT precision ("10,2"), or null
     * @param nullable whether NULL is allowed (then the default is NULL unless {@code def} says otherwise)
     * @param def      the default as SQL text ("''", "0", "'2000-01-01 00:00:01'"), or null for none
     * @param auto     the auto-increment primary key {@code id}
     */
    public record Column(String name, Type type, String size, boolean nullable, String def, boolean auto) {}

    /** An index; a unique one is a constraint in Kamailio's scripts. */
    public record Index(String name, List<String> columns, boolean unique) {}

    public Column column(String col) {
        for (Column c : columns) {
            if (c.name().equals(col)) {
                return c;
            }
        }
        return null;
    }

    /** Builds a table the way Kamailio's XML declares one, column by column. */
    static final class Builder {
        private final String name;
        private final int version;
        private final List<Column> columns = new ArrayList<>();
        private final List<Index> indexes = new ArrayList<>();

        Builder(String name, int version) {
            this.name = name;
            this.version = version;
            columns.add(new Column("id", Type.UINT, "10", false, null, true));
        }

        /** VARCHAR(size) DEFAULT def NOT NULL; a null def is NOT NULL without a default. */
        Builder str(String col, int size, String def) {
            return add(col, Type.STRING, String.valueOf(size), false, def == null ? null : quote(def));
        }

        /** VARCHAR(size) DEFAULT NULL. */
        Builder strNull(String col, int size) {
            return add(col, Type.STRING, String.valueOf(size), true, null);
        }

        /** An integer column DEFAULT def NOT NULL; a null def is NOT NULL without a default. */
        Builder num(String col, Type type, Integer def) {
            return add(col, type, null, false, def == null ? null : def.toString());
        }

        /** An integer column with MySQL's display width ({@code INT(11) UNSIGNED}), DEFAULT def NOT NULL. */
        Builder num(String col, Type type, int width, Integer def) {
            return add(col, type, String.valueOf(width), false, def == null ? null : def.toString());
        }

        Builder numNull(String col, Type type) {
            return add(col, type, null, true, null);
        }

        /** DATETIME DEFAULT def NOT NULL; a null def is NOT NULL without a default. */
        Builder datetime(String col, String def) {
            return add(col, Type.DATETIME, null, false, def == null ? null : quote(def));
        }

        Builder floating(String col, String size, String def) {
            return add(col, Type.FLOAT, size, false, def);
        }

        /** A nullable TEXT, MEDIUMTEXT or BLOB. */
        Builder large(String col, Type type) {
            return add(col, type, null, true, null);
        }

        /** A TEXT, MEDIUMTEXT or BLOB that must be given (siptrace's msg). */
        Builder largeNotNull(String col, Type type) {
            return add(col, type, null, false, null);
        }

        Builder index(String idx, String... cols) {
            indexes.add(new Index(idx, List.of(cols), false));
            return this;
        }

        Builder unique(String idx, String... cols) {
            indexes.add(new Index(idx, List.of(cols), true));
            return this;
        }

        private Builder add(String col, Type type, String size, boolean nullable, String def) {
            columns.add(new Column(col, type, size, nullable, def, false));
            return this;
        }

        private static String quote(String s) {
            return "'" + s.replace("'", "''") + "'";
        }

        SchemaTable build() {
            return new SchemaTable(name, version, List.copyOf(columns), List.copyOf(indexes));
        }
    }
}
