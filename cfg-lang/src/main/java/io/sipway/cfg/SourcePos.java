package io.sipway.cfg;

/**
 * A place in a script file as a person names it: the file as it was given (or as an include named
 * it, resolved against the including file), a 1-based line and a 1-based column counted in
 * characters (a tab is one column).
 */
public record SourcePos(String file, int line, int column) implements Comparable<SourcePos> {
    @Override
    public int compareTo(SourcePos o) {
        int c = file.compareTo(o.file);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
