package io.sipway.proxy.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One db_text table: its header's columns and its rows, as {@link TextDatabase} describes the file. */
final class TextTable {
    /** A column of the header line: {@code name(type[,auto|,null])}. */
    record Col(String name, char type, boolean auto, boolean nullable) {}

    final Path file;
    final SchemaTable schema;
    final List<Col> columns;
    final List<Object[]> rows = new ArrayList<>();
    long modified;
    long size;

    private TextTable(Path file, SchemaTable schema, List<Col> columns) {
        this.file = file;
        this.schema = schema;
        this.columns = columns;
    }

    static TextTable load(Path file, SchemaTable schema) throws IOException, DbException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new DbException("db_text: " + file + " has no header line");
        }
        List<Col> cols = new ArrayList<>();
        for (String def : lines.get(0).trim().split("\\s+")) {
            int open = def.indexOf('(');
            if (open <= 0 || !def.endsWith(")")) {
                throw new DbException("db_text: " + file + ": bad column '" + def + "'");
            }
            String[] tf = def.substring(open + 1, def.length() - 1).split(",");
            char type = switch (tf[0].trim()) {
                case "int" -> 'i';
                case "double" -> 'd';
                case "str", "string", "blob" -> 's';
                default -> throw new DbException("db_text: " + file + ": unknown type in '" + def + "'");
            };
            String flag = tf.length > 1 ? tf[1].trim() : "";
            cols.add(new Col(def.substring(0, open), type, flag.equals("auto"), flag.equals("null")));
        }
        TextTable t = new TextTable(file, schema, List.copyOf(cols));
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isEmpty()) {
                continue;
            }
            List<String> fields = split(line);
            if (fields.size() != cols.size()) {
                throw new DbException("db_text: " + file + ":" + (n + 1) + ": " + fields.size() + " fields for " + cols.size() + " columns");
            }
            Object[] row = new Object[cols.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = t.parse(i, fields.get(i), n + 1);
            }
            t.rows.add(row);
        }
        t.modified = Files.getLastModifiedTime(file).toMillis();
        t.size = Files.size(file);
        return t;
    }

    /** The fields of a row: split at unescaped ':', escapes undone. */
    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                f.append(switch (e) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case '0' -> '\0';
                    default -> e; // \: and \\
                });
            } else if (c == ':') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    private Object parse(int col, String text, int line) throws DbException {
        Col c = columns.get(col);
        if (text.isEmpty()) {
            if (c.type() == 's' && !c.nullable()) {
                return "";
            }
            return null;
        }
        try {
            return switch (c.type()) {
                case 'i' -> Long.parseLong(text.trim());
                case 'd' -> Double.parseDouble(text.trim());
                default -> text;
            };
        } catch (NumberFormatException e) {
            throw new DbException("db_text: " + file + ":" + line + ": '" + text + "' is not a number for " + c.name());
        }
    }

    int index(String column) throws DbException {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new DbException("db_text: no column " + column + " in " + file.getFileName());
    }

    /** A value given by a module, in the column's type. */
    Object convert(int col, Object v) throws DbException {
        if (v == null) {
            return null;
        }
        Col c = columns.get(col);
        try {
            return switch (c.type()) {
                case 'i' -> v instanceof Boolean b ? (b ? 1L : 0L) : TextDatabase.seconds(v);
                case 'd' -> v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
                default -> v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
            };
        } catch (RuntimeException e) {
            throw new DbException("db_text: '" + v + "' is not a number for " + c.name());
        }
    }

    Object[] newRow(Map<String, ?> values) throws DbException {
        Object[] row = new Object[columns.size()];
        for (Map.Entry<String, ?> e : values.entrySet()) {
            int i = index(e.getKey());
            row[i] = convert(i, e.getValue());
        }
        for (int i = 0; i < row.length; i++) {
            Col c = columns.get(i);
            if (row[i] != null || values.containsKey(c.name()) && c.nullable()) {
                continue;
            }
            if (c.auto()) {
                long max = 0;
                for (Object[] r : rows) {
                    max = Math.max(max, r[i] instanceof Long l ? l : 0);
                }
                row[i] = max + 1;
            } else if (!c.nullable()) {
                SchemaTable.Column sc = schema == null ? null : schema.column(c.name());
                if (sc == null || sc.def() == null) {
                    throw new DbException("db_text: " + file.getFileName() + "." + c.name() + " may not be NULL");
                }
                String def = sc.def().startsWith("'") ? sc.def().substring(1, sc.def().length() - 1).replace("''", "'") : sc.def();
                row[i] = convert(i, def);
            }
        }
        return row;
    }

    boolean matches(Object[] row, Where where) throws DbException {
        for (Where.Cond c : where.conds()) {
            int i = index(c.column());
            if (!holds(row[i], c.op(), convert(i, c.value()))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #matches} where the columns were checked already (removeIf cannot throw). */
    boolean matchesUnchecked(Object[] row, Where where) {
        try {
            return matches(row, where);
        } catch (DbException e) {
            return false;
        }
    }

    private static boolean holds(Object v, String op, Object arg) {
        if (arg == null || v == null) {
            // as SQL: "= NULL" is IS NULL, "!= NULL" is IS NOT NULL; any other comparison with NULL is false
            return switch (op) {
                case "=" -> v == arg;
                case "!=" -> (v == null) != (arg == null);
                default -> false;
            };
        }
        int c = compareNullsFirst(v, arg);
        return switch (op) {
            case "=" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            default -> c >= 0;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compareNullsFirst(Object a, Object b) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? -1 : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return ((Comparable) a.toString()).compareTo(b.toString());
    }

    /** Writes the table to a new file renamed over the old one. */
    void save() throws DbException {
        StringBuilder out = new StringBuilder();
        for (Col c : columns) {
            out.append(c.name()).append('(').append(c.type() == 'i' ? "int" : c.type() == 'd' ? "double" : "string")
                    .append(c.auto() ? ",auto" : c.nullable() ? ",null" : "").append(") ");
        }
        out.append('\n');
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    out.append(':');
                }
                if (row[i] instanceof Double d) {
                    out.append(String.format(java.util.Locale.ROOT, "%.2f", d)); // db_text's doubles: two decimals
                } else if (row[i] != null) {
                    escape(out, row[i].toString());
                }
            }
            out.append('\n');
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, out, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            modified = Files.getLastModifiedTime(file).toMillis();
            size = Files.size(file);
        } catch (IOException e) {
            throw new DbException("db_text: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ':' -> out.append("\\:");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
    }
}
