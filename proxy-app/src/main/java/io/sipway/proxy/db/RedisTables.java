package io.sipway.proxy.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What Kamailio's db_redis knows of its tables before it stores a row: each table's columns with
 * their types and its version (the files of the {@code schema_path} modparam, one per table:
 * {@code col/type,col/type,...} on the first line, the version on the second; Sipway's own
 * {@link Schema} when schema_path is not set), and the {@code keys} modparam
 * ({@code table=entry:col[,col]&type:col[,col];...}): which columns make a row's key, and which
 * columns each mapping set is kept for.
 */
final class RedisTables {
    /** A column's type as db_redis' schema files write it (string, int, uint, time, double, blob, bigint). */
    enum Kind { STRING, INT, DATETIME, DOUBLE, BLOB }

    /** A mapping ("usrdom: username,domain"): a set per value combination, holding the rows' entry keys. */
    record Mapping(String type, List<String> columns) {}

    /** A table: its columns in order, its version, and its keys (no entry columns when none is defined). */
    static final class Table {
        final String name;
        final Map<String, Kind> columns;
        final int version;
        String versionCode = "";
        List<String> entry = List.of();
        final List<Mapping> mappings = new ArrayList<>();

        Table(String name, Map<String, Kind> columns, int version) {
            this.name = name;
            this.columns = columns;
            this.version = version;
        }

        Kind kind(String column) {
            return columns.get(column);
        }
    }

    /**
     * The keys Sipway's tools ({@code sipway db}) use when no script gives them: those of db_redis'
     * documentation, so that a subscriber added by hand is found by a proxy configured the same way.
     */
    static final String DEFAULT_KEYS = "version=entry:table_name;location=entry:ruid&usrdom:username,domain&timer:partition,keepalive;"
            + "subscriber=entry:username,domain";

    private final Map<String, Table> tables;

    private RedisTables(Map<String, Table> tables) {
        this.tables = tables;
    }

    /** The table of that name, or null when no schema defines it. */
    Table table(String name) {
        return tables.get(name);
    }

    /**
     * The tables of {@code schemaPath} (null or empty: Sipway's {@link Schema}) with {@code keys}
     * applied; what Kamailio's db_redis refuses when it connects is an IllegalArgumentException.
     */
    static RedisTables load(String schemaPath, List<String> keys) {
        Map<String, Table> tables = schemaPath == null || schemaPath.isBlank() ? fromSchema() : fromDirectory(Path.of(schemaPath));
        String spec = String.join(";", keys);
        if (spec.isBlank()) {
            throw new IllegalArgumentException("db_redis: the 'keys' modparam is not set; db_redis needs at least one"
                    + " (e.g. modparam(\"db_redis\", \"keys\", \"version=entry:table_name\"))");
        }
        applyKeys(tables, spec);
        return new RedisTables(tables);
    }

    private static Map<String, Table> fromSchema() {
        Map<String, Table> out = new HashMap<>();
        for (String name : Schema.tables()) {
            SchemaTable t = Schema.table(name);
            Map<String, Kind> cols = new LinkedHashMap<>();
            for (SchemaTable.Column c : t.columns()) {
                cols.put(c.name(), switch (c.type()) {
                    case INT, UINT, USMALLINT, SMALLINT, UTINYINT -> Kind.INT;
                    case DATETIME -> Kind.DATETIME;
                    case FLOAT -> Kind.DOUBLE;
                    case BLOB -> Kind.BLOB;
                    default -> Kind.STRING;
                });
            }
            out.put(name, new Table(name, cols, t.version()));
        }
        return out;
    }

    private static Map<String, Table> fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("db_redis: cannot open the schema directory '" + dir + "' (schema_path)");
        }
        Map<String, Table> out = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Table t = parseFile(f);
                    out.put(t.name, t);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("db_redis: cannot read the schema directory '" + dir + "': " + e.getMessage(), e);
        }
        return out;
    }

    /** One schema file: the columns line ({@code id/int,ruid/string,...,}) and the version line. */
    static Table parseFile(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        String name = f.getFileName().toString();
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new IllegalArgumentException("db_redis: schema file " + f + " has no column line");
        }
        Map<String, Kind> cols = new LinkedHashMap<>();
        for (String def : lines.get(0).replace("\r", "").split(",")) {
            if (def.isEmpty()) {
                continue; // the trailing comma
            }
            int slash = def.indexOf('/');
            if (slash <= 0 || slash == def.length() - 1) {
                throw new IllegalArgumentException("db_redis: schema file " + f + ": invalid column definition '" + def
                        + "', expecting <column>/<type>");
            }
            String col = def.substring(0, slash);
            if (cols.put(col, kind(def.substring(slash + 1), f)) != null) {
                throw new IllegalArgumentException("db_redis: schema file " + f + " defines column '" + col + "' twice");
            }
        }
        int version = 0;
        if (lines.size() > 1) {
            try {
                version = Integer.parseInt(lines.get(1).trim());
            } catch (NumberFormatException e) {
                version = 0; // Kamailio's atoi()
            }
        }
        return new Table(name, cols, version);
    }

    /** db_redis reads a type by its first letters: s(tring), i(nt), u(int), t(ime), d(ouble), b(lob), bi(gint). */
    private static Kind kind(String type, Path f) {
        char c = Character.toLowerCase(type.charAt(0));
        return switch (c) {
            case 's' -> Kind.STRING;
            case 'i', 'u' -> Kind.INT;
            case 't' -> Kind.DATETIME;
            case 'd' -> Kind.DOUBLE;
            case 'b' -> type.length() > 1 && Character.toLowerCase(type.charAt(1)) == 'i' ? Kind.INT : Kind.BLOB;
            default -> throw new IllegalArgumentException("db_redis: schema file " + f + ": invalid column type '" + type
                    + "', expecting one of string, int, timestamp, double, blob");
        };
    }

    /** The {@code keys} modparams (joined with ';'): {@code [code:]table=entry:cols&type:cols;...}. */
    private static void applyKeys(Map<String, Table> tables, String spec) {
        for (String def : spec.split(";")) {
            if (def.isBlank()) {
                continue;
            }
            int eq = def.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("db_redis: invalid table definition '" + def + "' in 'keys', expecting <table>=<definition>");
            }
            String name = def.substring(0, eq).trim();
            String code = "";
            int colon = name.indexOf(':');
            if (colon >= 0) { // a version code prefixes every key of the table
                code = name.substring(0, colon + 1);
                name = name.substring(colon + 1);
            }
            Table t = tables.get(name);
            if (t == null) {
                throw new IllegalArgumentException("db_redis: no table schema found for table '" + name + "' named in 'keys'"
                        + " (schema_path has no such file)");
            }
            t.versionCode = code;
            for (String typeDef : def.substring(eq + 1).split("&")) {
                int c = typeDef.indexOf(':');
                if (c < 0) {
                    throw new IllegalArgumentException("db_redis: invalid type definition '" + typeDef + "' of table '" + name
                            + "' in 'keys', expecting <type>:<columns>");
                }
                String type = typeDef.substring(0, c).trim();
                List<String> cols = new ArrayList<>();
                for (String col : typeDef.substring(c + 1).split(",")) {
                    if (!col.isBlank()) {
                        cols.add(col.trim());
                    }
                }
                if (type.equals("entry")) {
                    t.entry = List.copyOf(cols);
                } else if (!cols.isEmpty()) {
                    t.mappings.add(new Mapping(type, List.copyOf(cols)));
                }
            }
        }
    }
}
