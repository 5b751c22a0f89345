package io.sipway.proxy.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kamailio's db_text: {@code text:///dir} is a directory, each table a file of that name. The first
 * line declares the columns, {@code name(type[,flag])} separated by spaces, with type int, double or
 * string (str) and flag auto (int: the largest value plus one when an insert gives none) or null
 * (the column may be NULL); each other line is a row, fields separated by ':'. An empty field is NULL
 * (an empty string in a column that may not be NULL); ':', '\', newline, CR, tab and NUL are escaped
 * with '\'. DATETIME values are integers (seconds since the epoch), as db_text writes them; read back
 * they are Instants for the columns {@link Schema} knows as DATETIME.
 *
 * <p>Kamailio's db_text keeps tables in memory and writes them back at shutdown (or on the
 * db_text.dump RPC); Sipway writes a table's file after each change (a new file renamed over the
 * old one, so a reader never sees half a table) and reads a file again when it changed on disk, so
 * that {@code sipway db add-user text:///...} and a running proxy see each other's rows. An insert
 * that leaves a NOT NULL column out takes {@link Schema}'s default for Kamailio's tables; in other
 * tables it fails, as db_text's inserts do.
 */
final class TextDatabase implements Database, Schema.SchemaAware {
    private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final DbUrl url;
    private final Path dir;
    private final Map<String, TextTable> tables = new HashMap<>();

    TextDatabase(DbUrl url) {
        this.url = url;
        this.dir = Path.of(url.database());
    }

    @Override
    public DbUrl url() {
        return url;
    }

    @Override
    public boolean up() {
        return true;
    }

    @Override
    public synchronized void createTable(SchemaTable t) throws DbException {
        Path f = dir.resolve(t.name());
        if (Files.exists(f)) {
            return;
        }
        StringBuilder header = new StringBuilder();
        for (SchemaTable.Column c : t.columns()) {
            String type = switch (c.type()) {
                case INT, UINT, USMALLINT, SMALLINT, UTINYINT, DATETIME -> "int";
                case FLOAT -> "double";
                default -> "string";
            };
            header.append(c.name()).append('(').append(type).append(c.auto() ? ",auto" : c.nullable() ? ",null" : "").append(") ");
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(f, header.append('\n'), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DbException("db_text: cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized DbResult query(String table, List<String> columns, Where where, String orderBy) throws DbException {
        TextTable t = table(table);
        List<Integer> idx = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (columns == null || columns.isEmpty()) {
            for (int i = 0; i < t.columns.size(); i++) {
                idx.add(i);
                names.add(t.columns.get(i).name());
            }
        } else {
            for (String c : columns) {
                idx.add(t.index(c));
                names.add(c);
            }
        }
        List<Object[]> matching = new ArrayList<>();
        for (Object[] row : t.rows) {
            if (t.matches(row, where)) {
                matching.add(row);
            }
        }
        if (orderBy != null) {
            int o = t.index(orderBy);
            matching.sort(Comparator.comparing(r -> r[o], TextTable::compareNullsFirst));
        }
        List<Object[]> out = new ArrayList<>();
        for (Object[] row : matching) {
            Object[] r = new Object[idx.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = result(t, idx.get(i), row[idx.get(i)]);
            }
            out.add(r);
        }
        return new DbResult(List.copyOf(names), out);
    }

    /** A DATETIME column of Kamailio's tables is read as an Instant, as the SQL databases give it. */
    private static Object result(TextTable t, int col, Object v) {
        if (v instanceof Long l && t.schema != null) {
            SchemaTable.Column c = t.schema.column(t.columns.get(col).name());
            if (c != null && c.type() == SchemaTable.Type.DATETIME) {
                return Instant.ofEpochSecond(l);
            }
        }
        return v;
    }

    @Override
    public synchronized int insert(String table, Map<String, ?> values) throws DbException {
        TextTable t = table(table);
        t.rows.add(t.newRow(values));
        t.save();
        return 1;
    }

    @Override
    public synchronized int replace(String table, Map<String, ?> values, List<String> uniqueKey) throws DbException {
        TextTable t = table(table);
        Where w = Where.ALL;
        for (String k : uniqueKey) {
            w = w.andEq(k, values.get(k));
        }
        Where key = w;
        t.rows.removeIf(r -> t.matchesUnchecked(r, key));
        t.rows.add(t.newRow(values));
        t.save();
        return 1;
    }

    @Override
    public synchronized int update(String table, Where where, Map<String, ?> values) throws DbException {
        TextTable t = table(table);
        int n = 0;
        for (Object[] row : t.rows) {
            if (t.matches(row, where)) {
                for (Map.Entry<String, ?> e : values.entrySet()) {
                    int i = t.index(e.getKey());
                    row[i] = t.convert(i, e.getValue());
                }
                n++;
            }
        }
        if (n > 0) {
            t.save();
        }
        return n;
    }

    @Override
    public synchronized int delete(String table, Where where) throws DbException {
        TextTable t = table(table);
        int before = t.rows.size();
        for (Where.Cond c : where.conds()) {
            t.index(c.column()); // an unknown column is an error, not "no row matches"
        }
        t.rows.removeIf(r -> t.matchesUnchecked(r, where));
        int n = before - t.rows.size();
        if (n > 0) {
            t.save();
        }
        return n;
    }

    @Override
    public DbResult raw(String sql) throws DbException {
        throw new DbException("db_text: Sipway's db_text runs no raw SQL (" + url + ")");
    }

    /** The table, read from its file the first time and again whenever the file changed. */
    private TextTable table(String name) throws DbException {
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new DbException("db_text: bad table name '" + name + "'");
        }
        Path f = dir.resolve(name);
        TextTable t = tables.get(name);
        try {
            if (!Files.isRegularFile(f)) {
                tables.remove(name);
                throw new DbException("db_text: no table " + name + " in " + dir);
            }
            long modified = Files.getLastModifiedTime(f).toMillis();
            long size = Files.size(f);
            if (t == null || t.modified != modified || t.size != size) {
                t = TextTable.load(f, Schema.table(name));
                tables.put(name, t);
            }
            return t;
        } catch (IOException e) {
            throw new DbException("db_text: cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Text ("2030-05-28 21:32:15", local time), an Instant or a number to db_text's seconds. */
    static long seconds(Object v) {
        if (v instanceof Instant i) {
            return i.getEpochSecond();
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        String s = v.toString().trim();
        if (s.matches("-?\\d+")) {
            return Long.parseLong(s);
        }
        return LocalDateTime.parse(s, SQL_TIME).atZone(ZoneId.systemDefault()).toEpochSecond();
    }

    @Override
    public void close() {
        // every change is on disk already
    }
}
