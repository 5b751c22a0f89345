package io.sipway.cfg;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the {@link Preprocessor} made of a script: the code the grammar lexes (comments, directives
 * and excluded regions removed, includes inlined, defines expanded), the script mode, and for every
 * character of that code the place in a file it came from.
 */
public final class Preprocessed {
    private final String text;
    private final ScriptMode mode;
    private final int[] sourceOf;
    private final int[] offsetOf;
    private final List<Source> sources;
    private final Set<String> defines;
    private final Expansions expansions;

    /** The text define expansions produced, in order: [starts[i], ends[i]) of the code came from the define names[i]. */
    record Expansions(int[] starts, int[] ends, String[] names) {
        static final Expansions NONE = new Expansions(new int[0], new int[0], new String[0]);
    }

    Preprocessed(String text, ScriptMode mode, int[] sourceOf, int[] offsetOf, List<Source> sources,
            Set<String> defines, Expansions expansions) {
        this.text = text;
        this.expansions = expansions;
        this.mode = mode;
        this.sourceOf = sourceOf;
        this.offsetOf = offsetOf;
        this.sources = List.copyOf(sources);
        this.defines = Collections.unmodifiableSet(new LinkedHashSet<>(defines));
    }

    /** The code the grammar lexes. */
    public String text() {
        return text;
    }

    public ScriptMode mode() {
        return mode;
    }

    /**
     * Where the character at {@code offset} of {@link #text()} came from: its file (as named in
     * diagnostics), line and column; a character produced by a define expansion is placed at the
     * identifier that was replaced. {@code offset == text().length()} names the end of the main
     * file (just after its last character).
     */
    public SourcePos locate(int offset) {
        if (offset < 0 || offset > text.length()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside 0.." + text.length());
        }
        if (offset == text.length()) {
            Source main = sources.get(0);
            return main.pos(main.text.length());
        }
        return sources.get(sourceOf[offset]).pos(offsetOf[offset]);
    }

    /** The define whose expansion produced the character at {@code offset} of {@link #text()}, or null. */
    public String defineAt(int offset) {
        int i = Arrays.binarySearch(expansions.starts(), offset);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && offset < expansions.ends()[i] ? expansions.names()[i] : null;
    }

    /** The names defined when the main file ended (command-line defines included). */
    public Set<String> defines() {
        return defines;
    }

    /** One file read: its name in diagnostics, its text and where its lines start. */
    static final class Source {
        final String name;
        final String text;
        /** The directory includes are resolved against (may be null). */
        final Path dir;
        /** The directory part of {@link #name}, used to name files included from this one (may be null). */
        final String displayDir;
        private final int[] lineStarts;

        Source(String name, String text, Path dir) {
            this.name = name;
            this.text = text;
            this.dir = dir;
            int slash = name.lastIndexOf('/');
            this.displayDir = slash < 0 ? null : name.substring(0, slash + 1);
            int[] starts = new int[16];
            int count = 0;
            starts[count++] = 0;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, count * 2);
                    }
                    starts[count++] = i + 1;
                }
            }
            this.lineStarts = Arrays.copyOf(starts, count);
        }

        SourcePos pos(int offset) {
            int idx = Arrays.binarySearch(lineStarts, offset);
            if (idx < 0) {
                idx = -idx - 2;
            }
            return new SourcePos(name, idx + 1, offset - lineStarts[idx] + 1);
        }

        int line(int offset) {
            return pos(offset).line();
        }
    }
}
