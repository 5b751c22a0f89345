package io.sipway.cfg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every error and warning of one load of a script, collected rather than thrown so that one run
 * reports them all; with the text of each file read, so that a report can show the offending line
 * and a caret under the spot.
 */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();
    private final Map<String, String[]> sources = new HashMap<>();

    /** Remembers the text of {@code file} (as named in {@link SourcePos#file()}) for reports. */
    public void addSource(String file, String text) {
        sources.put(file, text.split("\r?\n", -1));
    }

    public void error(SourcePos pos, String message) {
        all.add(new Diagnostic(Diagnostic.Severity.ERROR, pos, message));
    }

    public void warning(SourcePos pos, String message) {
        all.add(new Diagnostic(Diagnostic.Severity.WARNING, pos, message));
    }

    /** Forgets the diagnostics after the first {@code size} (a parse that is redone). */
    void truncate(int size) {
        while (all.size() > size) {
            all.remove(all.size() - 1);
        }
    }

    /** Forgets the diagnostics that {@code which} selects (a cascade of one already reported mistake). */
    void removeIf(java.util.function.Predicate<Diagnostic> which) {
        all.removeIf(which);
    }

    public boolean hasErrors() {
        for (Diagnostic d : all) {
            if (d.severity() == Diagnostic.Severity.ERROR) {
                return true;
            }
        }
        return false;
    }

    public int errorCount() {
        int n = 0;
        for (Diagnostic d : all) {
            if (d.severity() == Diagnostic.Severity.ERROR) {
                n++;
            }
        }
        return n;
    }

    /** The diagnostics in the order they were found. */
    public List<Diagnostic> list() {
        return Collections.unmodifiableList(all);
    }

    /**
     * The report a person reads: each diagnostic in file and line order as
     * {@code file:line:col: error: message}, then the source line, then a caret under the column
     * (tabs in the line are kept in the caret's indentation so the caret lines up).
     */
    public String render() {
        List<Diagnostic> sorted = new ArrayList<>(all);
        sorted.sort((a, b) -> a.pos().compareTo(b.pos()));
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : sorted) {
            out.append(d).append('\n');
            String[] lines = sources.get(d.pos().file());
            int line = d.pos().line();
            if (lines != null && line >= 1 && line <= lines.length) {
                String text = lines[line - 1];
                out.append(text).append('\n');
                int col = Math.max(1, Math.min(d.pos().column(), text.length() + 1));
                for (int i = 0; i < col - 1; i++) {
                    out.append(text.charAt(i) == '\t' ? '\t' : ' ');
                }
                out.append("^\n");
            }
        }
        return out.toString();
    }
}
