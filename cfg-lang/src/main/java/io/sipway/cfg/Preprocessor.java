package io.sipway.cfg;

import io.sipway.cfg.Preprocessed.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The kamailio.cfg preprocessor (Kamailio's cfg.lex directive rules and ppcfg.c): removes comments
 * and directive lines, keeps or drops {@code #!ifdef} regions, inlines included files, expands
 * defines and applies {@code #!subst} rules to string literals. The result keeps every newline of
 * the files it read, and maps each of its characters back to a file, line and column.
 *
 * <p>Problems in the script are reported to the {@link Diagnostics} given at construction and never
 * thrown; the preprocessor goes on so that one run reports them all.
 *
 * <table>
 * <caption>Limits</caption>
 * <tr><th>what</th><th>limit</th><th>beyond it</th></tr>
 * <tr><td>nested includes below the main file</td><td>10</td><td>error at the include directive</td></tr>
 * <tr><td>nested define expansions</td><td>10</td><td>error at the identifier in the code</td></tr>
 * </table>
 *
 * <p>Choices where Kamailio's lexer is loose or surprising:
 * <ul>
 * <li>directives count only at the start of a line; a {@code #!define} later in a line is a comment
 *     and draws a warning. {@code !!word} is a directive only for a known word ({@code !!x} is code).
 * <li>a define's value is re-scanned on its own, so a comment in it ends at the end of the value
 *     (Kamailio pushes the value back into its input, where such a comment eats the rest of the line).
 * <li>an unterminated string is reported and closed at the end of its line, so that the rest of the
 *     file is still checked.
 * <li>{@code #!subst} runs on each string literal separately (Kamailio joins adjacent double-quoted
 *     strings first); {@code $pv} in a replacement is literal text (there is no message to evaluate it
 *     against at this stage); the {@code s} flag lets {@code .} match a newline.
 * <li>the quoted value of {@code #!defenvs} and {@code #!substdefs} is escaped so that the string's
 *     value is exactly the text (Kamailio only wraps it in quotes).
 * <li>{@code #!trydefenv} only tolerates an unset variable; redefining a name is an error as with
 *     {@code #!defenv}.
 * <li>{@code #!ifexp}, {@code #!defexp} and {@code #!defexps} are reported as not supported.
 * </ul>
 */
public final class Preprocessor {
    /** Nested includes allowed below the main file (Kamailio's MAX_INCLUDE_DEPTH). */
    static final int MAX_INCLUDE_DEPTH = 10;
    /** Nested define expansions allowed before a define counts as recursive. */
    static final int MAX_EXPANSION_DEPTH = 10;

    private static final String COMMAND_LINE = "<command line>";
    private static final Set<String> DIRECTIVES = Set.of(
            "KAMAILIO", "OPENSER", "SER", "MAXCOMPAT", "ALL",
            "define", "def", "trydef", "trydefine", "redefine", "redef",
            "ifdef", "ifndef", "else", "endif",
            "subst", "substdef", "substdefs",
            "include_file", "import_file",
            "defenv", "defenvs", "trydefenv", "trydefenvs",
            "ifexp", "defexp", "defexps");

    private final Map<String, String> commandLineDefines;
    private final Function<String, String> env;
    private final Diagnostics diagnostics;

    /**
     * @param commandLineDefines {@code -A NAME} (value null) and {@code -A NAME=VALUE}, in order
     * @param env environment lookup for {@code #!defenv}
     * @param diagnostics where errors and warnings go
     */
    public Preprocessor(Map<String, String> commandLineDefines, Function<String, String> env,
            Diagnostics diagnostics) {
        this.commandLineDefines = commandLineDefines == null ? Map.of() : new LinkedHashMap<>(commandLineDefines);
        this.env = env == null ? name -> null : env;
        this.diagnostics = diagnostics;
    }

    /**
     * Preprocesses a script file.
     *
     * @param displayName how the file is named in diagnostics (the path as the user gave it)
     */
    public Preprocessed run(Path file, String displayName) {
        Session session = new Session();
        String text;
        try {
            text = read(file);
        } catch (IOException e) {
            diagnostics.error(new SourcePos(displayName, 1, 1), "cannot read " + displayName + ": " + describe(e));
            return session.empty(displayName);
        }
        Path dir = file.toAbsolutePath().getParent();
        return session.main(text, displayName, dir);
    }

    /** The same for text in memory (tests, tools); includes resolve against {@code baseDir}. */
    public Preprocessed run(String text, String displayName, Path baseDir) {
        return new Session().main(text, displayName, baseDir == null ? null : baseDir.toAbsolutePath());
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    // ---------------------------------------------------------------- character classes

    private static boolean isIdStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isIdChar(char c) {
        return isIdStart(c) || (c >= '0' && c <= '9');
    }

    private static boolean isLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\b';
    }

    static boolean isIdentifier(String s) {
        if (s.isEmpty() || !isIdStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!isIdChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int skipBlanks(String s, int i, int end) {
        while (i < end && isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index of the newline ending the line that holds {@code i}, or {@code end}. */
    private static int lineEnd(String s, int i, int end) {
        int nl = s.indexOf('\n', i);
        return nl < 0 || nl > end ? end : nl;
    }

    // ---------------------------------------------------------------- strings

    /** The value of a double-quoted string's content, as Kamailio's lexer unescapes it. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                b.append(c);
                continue;
            }
            char d = s.charAt(i + 1);
            switch (d) {
                case 'n' -> { b.append('\n'); i++; }
                case 'r' -> { b.append('\r'); i++; }
                case 'a' -> { b.append('\u0007'); i++; }
                case 't' -> { b.append('\t'); i++; }
                case '"' -> { b.append('"'); i++; }
                case '\\' -> { b.append('\\'); i++; }
                case '\n' -> i++;
                case 'x' -> {
                    int k = i + 2;
                    while (k < n && k < i + 4 && Character.digit(s.charAt(k), 16) >= 0) {
                        k++;
                    }
                    if (k == i + 2) {
                        b.append(c);
                    } else {
                        b.append((char) Integer.parseInt(s.substring(i + 2, k), 16));
                        i = k - 1;
                    }
                }
                default -> {
                    int k = i + 1;
                    while (k < n && k < i + 4 && s.charAt(k) >= '0' && s.charAt(k) <= '7') {
                        k++;
                    }
                    if (k - (i + 1) >= 2) {
                        b.append((char) (Integer.parseInt(s.substring(i + 1, k), 8) & 0xFF));
                        i = k - 1;
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** A double-quoted string literal whose unescaped value is {@code value}. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\u0007' -> b.append("\\a");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** The file name of an include directive, unescaped the way Kamailio does it (\t \n \r, else the char). */
    private static String unescapeFileName(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char d = s.charAt(++i);
                b.append(d == 't' ? '\t' : d == 'n' ? '\n' : d == 'r' ? '\r' : d);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- #!subst rules

    /** One {@code #!subst} rule: a POSIX extended regex (as java.util.regex), a replacement, flags. */
    static final class SubstRule {
        final Pattern pattern;
        /** String literals and Integer group references. */
        final List<Object> replacement;
        final boolean global;
        /** The regex and replacement text as written (for {@code #!substdef}). */
        final String rawRegex;
        final String rawReplacement;

        private SubstRule(Pattern pattern, List<Object> replacement, boolean global, String rawRegex,
                String rawReplacement) {
            this.pattern = pattern;
            this.replacement = replacement;
            this.global = global;
            this.rawRegex = rawRegex;
            this.rawReplacement = rawReplacement;
        }

        /**
         * Parses {@code /regex/replacement/flags} (any first char but a backslash is the separator,
         * as in Kamailio's subst_parser); throws IllegalArgumentException with the reason.
         */
        static SubstRule parse(String expr) {
            if (expr.length() < 3) {
                throw new IllegalArgumentException("expression is too short");
            }
            char sep = expr.charAt(0);
            if (sep == '\\') {
                throw new IllegalArgumentException("invalid separator \\");
            }
            int p = 1;
            while (p < expr.length() && !(expr.charAt(p) == sep && expr.charAt(p - 1) != '\\')) {
                p++;
            }
            if (p >= expr.length()) {
                throw new IllegalArgumentException("no separator " + sep + " after the regular expression");
            }
            String regex = expr.substring(1, p);
            List<Object> parts = new ArrayList<>();
            StringBuilder lit = new StringBuilder();
            int q = p + 1;
            boolean closed = false;
            for (; q < expr.length(); q++) {
                char c = expr.charAt(q);
                if (c == sep) {
                    closed = true;
                    break;
                }
                if (c != '\\' || q + 1 >= expr.length()) {
                    lit.append(c);
                    continue;
                }
                char d = expr.charAt(++q);
                switch (d) {
                    case 'n' -> lit.append('\n');
                    case 'r' -> lit.append('\r');
                    case 't' -> lit.append('\t');
                    default -> {
                        if (d >= '0' && d <= '9') {
                            if (lit.length() > 0) {
                                parts.add(lit.toString());
                                lit.setLength(0);
                            }
                            parts.add(d - '0');
                        } else {
                            lit.append(d);
                        }
                    }
                }
            }
            if (!closed) {
                throw new IllegalArgumentException("no separator " + sep + " after the replacement");
            }
            if (lit.length() > 0) {
                parts.add(lit.toString());
            }
            String rawRepl = expr.substring(p + 1, q);
            int flags = Pattern.MULTILINE | Pattern.UNIX_LINES;
            boolean global = false;
            for (int f = q + 1; f < expr.length(); f++) {
                switch (expr.charAt(f)) {
                    case 'i' -> flags |= Pattern.CASE_INSENSITIVE;
                    case 's' -> flags = (flags & ~Pattern.MULTILINE) | Pattern.DOTALL;
                    case 'g' -> global = true;
                    default -> throw new IllegalArgumentException("unknown flag " + expr.charAt(f));
                }
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(posixToJava(regex), flags);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regular expression " + regex + ": " + e.getDescription());
            }
            return new SubstRule(pattern, List.copyOf(parts), global, regex, rawRepl);
        }

        /** The substituted text, or null when the rule does not apply (no match, or an empty match as in Kamailio). */
        String apply(String in) {
            Matcher m = pattern.matcher(in);
            StringBuilder out = new StringBuilder();
            int last = 0;
            boolean any = false;
            while (m.find()) {
                if (m.end() == m.start()) {
                    return null;
                }
                out.append(in, last, m.start());
                for (Object part : replacement) {
                    if (part instanceof Integer g) {
                        if (g <= m.groupCount() && m.group(g) != null) {
                            out.append(m.group(g));
                        }
                    } else {
                        out.append((String) part);
                    }
                }
                last = m.end();
                any = true;
                if (!global) {
                    break;
                }
            }
            if (!any) {
                return null;
            }
            return out.append(in, last, in.length()).toString();
        }
    }

    private static final Pattern INTERVAL = Pattern.compile("\\{[0-9]+(,[0-9]*)?\\}");

    /** Translates a POSIX extended regular expression (glibc flavour) to java.util.regex syntax. */
    static String posixToJava(String re) {
        StringBuilder b = new StringBuilder();
        int n = re.length();
        for (int i = 0; i < n; i++) {
            char c = re.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= n) {
                        b.append("\\\\");
                        break;
                    }
                    char d = re.charAt(++i);
                    switch (d) {
                        case '<' -> b.append("\\b(?=\\w)");
                        case '>' -> b.append("\\b(?<=\\w)");
                        case '`' -> b.append("\\A");
                        case '\'' -> b.append("\\z");
                        case 'w', 'W', 's', 'S', 'b', 'B' -> b.append('\\').append(d);
                        default -> {
                            if (d >= '1' && d <= '9') {
                                b.append('\\').append(d);
                            } else if (Character.isLetterOrDigit(d)) {
                                b.append(d);
                            } else {
                                b.append('\\').append(d);
                            }
                        }
                    }
                }
                case '[' -> i = bracket(re, i, b);
                case '{' -> {
                    Matcher m = INTERVAL.matcher(re).region(i, n);
                    if (i > 0 && m.lookingAt()) {
                        b.append(m.group());
                        i = m.end() - 1;
                    } else {
                        b.append("\\{");
                    }
                }
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static int bracket(String re, int start, StringBuilder out) {
        int n = re.length();
        StringBuilder cls = new StringBuilder("[");
        int j = start + 1;
        if (j < n && re.charAt(j) == '^') {
            cls.append('^');
            j++;
        }
        boolean first = true;
        while (j < n) {
            char c = re.charAt(j);
            if (c == ']' && !first) {
                out.append(cls).append(']');
                return j;
            }
            first = false;
            if (c == '[' && j + 1 < n && (re.charAt(j + 1) == ':' || re.charAt(j + 1) == '.' || re.charAt(j + 1) == '=')) {
                char kind = re.charAt(j + 1);
                int end = re.indexOf(kind + "]", j + 2);
                if (end >= 0) {
                    String name = re.substring(j + 2, end);
                    if (kind == ':') {
                        cls.append(posixClass(name));
                    } else {
                        for (char x : name.toCharArray()) {
                            cls.append(Character.isLetterOrDigit(x) ? String.valueOf(x) : "\\" + x);
                        }
                    }
                    j = end + 2;
                    continue;
                }
            }
            if (c == '\\' || c == '[' || c == ']' || c == '&' || c == '^') {
                cls.append('\\');
            }
            cls.append(c);
            j++;
        }
        throw new PatternSyntaxException("unterminated bracket expression", re, start);
    }

    private static String posixClass(String name) {
        return switch (name) {
            case "alpha" -> "\\p{Alpha}";
            case "digit" -> "\\p{Digit}";
            case "alnum" -> "\\p{Alnum}";
            case "upper" -> "\\p{Upper}";
            case "lower" -> "\\p{Lower}";
            case "space" -> "\\s\\x0B";
            case "blank" -> " \\t";
            case "punct" -> "\\p{Punct}";
            case "print" -> "\\p{Print}";
            case "graph" -> "\\p{Graph}";
            case "cntrl" -> "\\p{Cntrl}";
            case "xdigit" -> "\\p{XDigit}";
            default -> throw new PatternSyntaxException("unknown character class [:" + name + ":]", name, 0);
        };
    }

    // ---------------------------------------------------------------- one run

    private record Def(String value, SourcePos at) {
    }

    private enum DefKind { DEFINE, TRY, RE }

    /** An open #!ifdef / #!ifndef. */
    private static final class Cond {
        final boolean parentActive;
        final boolean cond;
        final SourcePos at;
        final String label;
        boolean inElse;

        Cond(boolean parentActive, boolean cond, SourcePos at, String label) {
            this.parentActive = parentActive;
            this.cond = cond;
            this.at = at;
            this.label = label;
        }

        boolean active() {
            return parentActive && (cond != inElse);
        }
    }

    /** Where the characters scanned come from: a file (each char its own offset) or an expansion (all at one place). */
    private record Ctx(int src, int fixed) {
        static Ctx file(int src) {
            return new Ctx(src, -1);
        }

        int pos(int i) {
            return fixed < 0 ? i : fixed;
        }

        boolean isFile() {
            return fixed < 0;
        }
    }

    private static final class IntBuf {
        int[] a = new int[1024];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private final class Session {
        private final List<Source> sources = new ArrayList<>();
        private final StringBuilder out = new StringBuilder();
        private final IntBuf outSrc = new IntBuf();
        private final IntBuf outOff = new IntBuf();
        /** The text each top-level define expansion produced: start and end offsets in {@link #out}, and the name. */
        private final IntBuf expansionStarts = new IntBuf();
        private final IntBuf expansionEnds = new IntBuf();
        private final List<String> expansionNames = new ArrayList<>();
        private final LinkedHashMap<String, Def> defines = new LinkedHashMap<>();
        private final List<SubstRule> substs = new ArrayList<>();
        private final List<Cond> conds = new ArrayList<>();
        private ScriptMode mode = ScriptMode.MAXCOMPAT;
        private boolean recursionReported;
        private String expanding;

        Session() {
            SourcePos cmd = new SourcePos(COMMAND_LINE, 1, 1);
            for (Map.Entry<String, String> e : commandLineDefines.entrySet()) {
                String name = e.getKey();
                if (name == null || !isIdentifier(name)) {
                    diagnostics.error(cmd, "invalid define name in -A: " + name);
                    continue;
                }
                String value = e.getValue();
                defines.put(name, new Def(value == null || value.isEmpty() ? null : value, null));
            }
        }

        Preprocessed empty(String displayName) {
            sources.add(new Source(displayName, "", null));
            return finish();
        }

        Preprocessed main(String text, String displayName, Path dir) {
            diagnostics.addSource(displayName, text);
            sources.add(new Source(displayName, text, dir));
            processFile(0, 0);
            for (Cond c : conds) {
                diagnostics.error(c.at, c.label + " without #!endif");
            }
            return finish();
        }

        private Preprocessed finish() {
            return new Preprocessed(out.toString(), mode, outSrc.toArray(), outOff.toArray(), sources,
                    defines.keySet(), new Preprocessed.Expansions(expansionStarts.toArray(), expansionEnds.toArray(),
                            expansionNames.toArray(new String[0])));
        }

        // ------------------------------------------------------------ output

        private void emit(char c, int src, int off) {
            out.append(c);
            outSrc.add(src);
            outOff.add(off);
        }

        private void copy(String s, int from, int to, Ctx ctx) {
            for (int i = from; i < to; i++) {
                emit(s.charAt(i), ctx.src(), ctx.pos(i));
            }
        }

        private void emitAll(String s, int src, int off) {
            for (int i = 0; i < s.length(); i++) {
                emit(s.charAt(i), src, off);
            }
        }

        private SourcePos pos(int src, int off) {
            return sources.get(src).pos(off);
        }

        private void error(int src, int off, String msg) {
            diagnostics.error(pos(src, off), msg);
        }

        private boolean active() {
            return conds.isEmpty() || conds.get(conds.size() - 1).active();
        }

        // ------------------------------------------------------------ files

        private void processFile(int src, int depth) {
            String s = sources.get(src).text;
            int n = s.length();
            Ctx ctx = Ctx.file(src);
            int i = n > 0 && s.charAt(0) == '\uFEFF' ? 1 : 0;
            boolean lineStart = true;
            while (i < n) {
                if (lineStart) {
                    lineStart = false;
                    int j = skipBlanks(s, i, n);
                    if (directiveAt(s, j, n) != null) {
                        i = directive(src, j, depth);
                        continue;
                    }
                    if (active() && includeKeywordAt(s, j, n)) {
                        i = include(src, j, j + (s.startsWith("include_file", j) ? 12 : 11), depth);
                        continue;
                    }
                }
                char c = s.charAt(i);
                if (c == '\n') {
                    emit('\n', src, i);
                    i++;
                    lineStart = true;
                    continue;
                }
                if (!active()) {
                    i++;
                    continue;
                }
                i = scanToken(s, i, n, ctx, 0);
                if (s.charAt(i - 1) == '\n') {
                    lineStart = true;
                }
            }
        }

        /** The directive word when a directive starts at {@code j} ({@code #!word}, or {@code !!word} for a known word). */
        private String directiveAt(String s, int j, int n) {
            if (j + 2 >= n || s.charAt(j + 1) != '!' || (s.charAt(j) != '#' && s.charAt(j) != '!')
                    || !isLetter(s.charAt(j + 2))) {
                return null;
            }
            int we = j + 2;
            while (we < n && isIdChar(s.charAt(we))) {
                we++;
            }
            String word = s.substring(j + 2, we);
            if (s.charAt(j) == '!' && !DIRECTIVES.contains(word)) {
                return null;
            }
            return word;
        }

        private boolean includeKeywordAt(String s, int j, int n) {
            int we;
            if (s.startsWith("include_file", j)) {
                we = j + 12;
            } else if (s.startsWith("import_file", j)) {
                we = j + 11;
            } else {
                return false;
            }
            int k = skipBlanks(s, we, n);
            return k < n && s.charAt(k) == '"';
        }

        /** Handles the directive at {@code j}; returns the index of the newline ending it (or the end). */
        private int directive(int src, int j, int depth) {
            String s = sources.get(src).text;
            int n = s.length();
            String prefix = s.substring(j, j + 2);
            String word = directiveAt(s, j, n);
            int we = j + 2 + word.length();
            int eol = lineEnd(s, we, n);
            String shown = prefix + word;
            switch (word) {
                case "ifdef", "ifndef" -> {
                    ifdef(src, j, we, eol, shown, word.equals("ifdef"));
                    return eol;
                }
                case "ifexp" -> {
                    if (active()) {
                        error(src, j, shown + " is not supported");
                        conds.add(new Cond(true, false, pos(src, j), shown));
                    } else {
                        conds.add(new Cond(false, false, pos(src, j), shown));
                    }
                    return eol;
                }
                case "else" -> {
                    if (conds.isEmpty()) {
                        diagnostics.warning(pos(src, j), shown + " without #!ifdef");
                    } else {
                        Cond top = conds.get(conds.size() - 1);
                        if (top.inElse) {
                            diagnostics.warning(pos(src, j), "second " + shown + " for " + top.label);
                        }
                        top.inElse = !top.inElse;
                    }
                    nothingMore(src, we, eol, shown);
                    return eol;
                }
                case "endif" -> {
                    if (conds.isEmpty()) {
                        diagnostics.warning(pos(src, j), shown + " without #!ifdef");
                    } else {
                        conds.remove(conds.size() - 1);
                    }
                    nothingMore(src, we, eol, shown);
                    return eol;
                }
                default -> {
                }
            }
            if (!active()) {
                return eol;
            }
            switch (word) {
                case "KAMAILIO", "OPENSER", "SER", "MAXCOMPAT", "ALL" -> {
                    // Kamailio's lexer takes these wherever they stand (usually the first line)
                    mode = switch (word) {
                        case "KAMAILIO", "OPENSER" -> ScriptMode.KAMAILIO;
                        case "SER" -> ScriptMode.SER;
                        default -> ScriptMode.MAXCOMPAT;
                    };
                    nothingMore(src, we, eol, shown);
                    return eol;
                }
                case "define", "def" -> {
                    return define(src, j, we, shown, DefKind.DEFINE);
                }
                case "trydef", "trydefine" -> {
                    return define(src, j, we, shown, DefKind.TRY);
                }
                case "redefine", "redef" -> {
                    return define(src, j, we, shown, DefKind.RE);
                }
                case "subst", "substdef", "substdefs" -> {
                    subst(src, j, we, eol, shown, word);
                    return eol;
                }
                case "include_file", "import_file" -> {
                    return include(src, j, we, depth);
                }
                case "defenv", "defenvs", "trydefenv", "trydefenvs" -> {
                    defenv(src, j, we, eol, shown, word.endsWith("s"), word.startsWith("try"));
                    return eol;
                }
                case "defexp", "defexps" -> {
                    error(src, j, shown + " is not supported");
                    return eol;
                }
                default -> {
                    error(src, j, "unknown preprocessor directive " + shown);
                    return eol;
                }
            }
        }

        /** Reports text after a directive's arguments (blanks and a comment may follow). */
        private void nothingMore(int src, int from, int eol, String shown) {
            String s = sources.get(src).text;
            int k = skipBlanks(s, from, eol);
            if (k >= eol || s.charAt(k) == '#' || s.startsWith("//", k)) {
                return;
            }
            String junk = s.substring(k, eol).strip();
            error(src, k, "unexpected text after " + shown + ": " + junk);
        }

        /** The next blank-delimited word from {@code from} on the line, as [start, end). */
        private int[] word(String s, int from, int eol) {
            int k = skipBlanks(s, from, eol);
            int e = k;
            while (e < eol && !isBlank(s.charAt(e))) {
                e++;
            }
            return new int[] {k, e};
        }

        private boolean checkName(int src, int at, String name, String shown) {
            if (name.isEmpty()) {
                error(src, at, "missing name after " + shown);
                return false;
            }
            if (name.indexOf('-') >= 0) {
                error(src, at + name.indexOf('-'), "'-' not allowed in define name " + name);
                return false;
            }
            if (!isIdentifier(name)) {
                error(src, at, "invalid define name " + name);
                return false;
            }
            return true;
        }

        private void ifdef(int src, int j, int we, int eol, String shown, boolean ifdef) {
            String s = sources.get(src).text;
            int[] w = word(s, we, eol);
            String name = s.substring(w[0], w[1]);
            if (!active()) {
                conds.add(new Cond(false, false, pos(src, j), shown + (name.isEmpty() ? "" : " " + name)));
                return;
            }
            boolean ok = checkName(src, name.isEmpty() ? j : w[0], name, shown);
            boolean defined = ok && defines.containsKey(name);
            conds.add(new Cond(true, ok && (ifdef == defined), pos(src, j), shown + (name.isEmpty() ? "" : " " + name)));
            if (ok) { // Kamailio reads the name and ignores what follows it on the line: said, not refused
                int k = skipBlanks(s, w[1], eol);
                if (k < eol && s.charAt(k) != '#' && !s.startsWith("//", k)) {
                    diagnostics.warning(pos(src, k), "text after " + shown + " " + name + " ignored: " + s.substring(k, eol).strip());
                }
            }
        }

        private int define(int src, int j, int we, String shown, DefKind kind) {
            String s = sources.get(src).text;
            int n = s.length();
            int eol = lineEnd(s, we, n);
            int[] w = word(s, we, eol);
            String name = s.substring(w[0], w[1]);
            StringBuilder value = new StringBuilder();
            int i = w[1];
            while (i < n && s.charAt(i) != '\n') {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < n && s.charAt(i + 1) == '\n') {
                    emit('\n', src, i + 1);
                    i += 2;
                } else if (c == '\\' && i + 2 < n && s.charAt(i + 1) == '\r' && s.charAt(i + 2) == '\n') {
                    emit('\n', src, i + 2);
                    i += 3;
                } else {
                    value.append(c);
                    i++;
                }
            }
            if (checkName(src, name.isEmpty() ? j : w[0], name, shown)) {
                String v = value.toString().strip();
                define(name, v.isEmpty() ? null : v, kind, pos(src, w[0]));
            }
            return i;
        }

        private void define(String name, String value, DefKind kind, SourcePos at) {
            Def old = defines.get(name);
            if (old != null) {
                if (kind == DefKind.TRY) {
                    return;
                }
                if (kind == DefKind.DEFINE) {
                    diagnostics.error(at, name + " already defined " + (old.at() == null
                            ? "on the command line" : "at " + old.at().file() + ":" + old.at().line()));
                    return;
                }
            }
            defines.put(name, new Def(value, at));
        }

        private void defenv(int src, int j, int we, int eol, String shown, boolean quoted, boolean tryOnly) {
            String s = sources.get(src).text;
            int[] w = word(s, we, eol);
            String arg = s.substring(w[0], w[1]);
            if (arg.isEmpty()) {
                error(src, j, "missing name after " + shown);
                return;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String var = eq < 0 ? arg : arg.substring(eq + 1);
            nothingMore(src, w[1], eol, shown + " " + arg);
            if (!checkName(src, w[0], name, shown)) {
                return;
            }
            if (var.isEmpty()) {
                error(src, w[0] + eq + 1, "missing environment variable name after " + shown + " " + name + "=");
                return;
            }
            String value = env.apply(var);
            if (value == null) {
                if (!tryOnly) {
                    error(src, w[0], "environment variable " + var + " is not set");
                }
                return;
            }
            define(name, quoted ? quote(value) : (value.isEmpty() ? null : value), DefKind.DEFINE, pos(src, w[0]));
        }

        /** {@code $env(NAME)} in a substdef replaced by the variable's value (empty when it is not set). */
        private String expandEnv(String text) {
            int at = text.indexOf("$env(");
            if (at < 0) {
                return text;
            }
            StringBuilder out = new StringBuilder();
            int from = 0;
            while (at >= 0) {
                int close = text.indexOf(')', at);
                if (close < 0) {
                    break;
                }
                String value = env.apply(text.substring(at + 5, close));
                out.append(text, from, at).append(value == null ? "" : value);
                from = close + 1;
                at = text.indexOf("$env(", from);
            }
            return out.append(text, from, text.length()).toString();
        }

        /**
         * Reads the quoted argument of a directive at {@code from}: returns {start, end} of the literal
         * (end after the closing quote) or null after reporting.
         */
        private int[] quotedArg(int src, int j, int from, int eol, String shown, boolean singleToo) {
            String s = sources.get(src).text;
            int k = skipBlanks(s, from, eol);
            char q = k < eol ? s.charAt(k) : 0;
            if (q != '"' && !(singleToo && q == '\'')) {
                error(src, k < eol ? k : j, shown + " needs a " + (singleToo ? "quoted" : "double-quoted")
                        + " argument");
                return null;
            }
            int e = k + 1;
            while (e < eol && s.charAt(e) != q) {
                e += q == '"' && s.charAt(e) == '\\' ? 2 : 1;
            }
            if (e >= eol) {
                error(src, k, "unterminated string");
                return null;
            }
            return new int[] {k, e + 1};
        }

        private void subst(int src, int j, int we, int eol, String shown, String word) {
            String s = sources.get(src).text;
            int[] q = quotedArg(src, j, we, eol, shown, true);
            if (q == null) {
                return;
            }
            nothingMore(src, q[1], eol, shown + " " + s.substring(q[0], q[1]));
            String content = s.substring(q[0] + 1, q[1] - 1);
            if (s.charAt(q[0]) == '"') {
                content = unescape(content);
            }
            if (!word.equals("subst")) {
                content = expandEnv(content); // Kamailio evaluates a substdef's value once, when it is defined
            }
            SubstRule rule;
            try {
                rule = SubstRule.parse(content);
            } catch (IllegalArgumentException e) {
                error(src, q[0], "bad " + shown + " expression " + s.substring(q[0], q[1]) + ": " + e.getMessage());
                return;
            }
            if (word.equals("subst")) {
                substs.add(rule);
                return;
            }
            // A substdef may define its name again (Kamailio 5.6 accepts it): the later one wins, in
            // strings and as a define
            int earlier = -1;
            for (int i = 0; i < substs.size() && earlier < 0; i++) {
                if (substs.get(i).rawRegex.equals(rule.rawRegex)) {
                    earlier = i;
                }
            }
            if (earlier >= 0) {
                substs.set(earlier, rule);
            } else {
                substs.add(rule);
            }
            String value = rule.rawReplacement;
            if (word.equals("substdefs")) {
                value = quote(value);
            }
            define(rule.rawRegex, value.isEmpty() ? null : value, earlier >= 0 ? DefKind.RE : DefKind.DEFINE, pos(src, q[0]));
        }

        /**
         * {@code include_file "path"} / {@code import_file "path"} (with or without {@code #!}) starting at
         * {@code j}, the keyword ending at {@code we}; returns the index of the newline ending the line.
         */
        private int include(int src, int j, int we, int depth) {
            Source cur = sources.get(src);
            String s = cur.text;
            int eol = lineEnd(s, we, s.length());
            String shown = s.substring(j, we);
            boolean importOnly = shown.endsWith("import_file");
            int[] q = quotedArg(src, j, we, eol, shown, false);
            if (q == null) {
                return eol;
            }
            nothingMore(src, q[1], eol, shown + " " + s.substring(q[0], q[1]));
            String given = applySubsts(unescapeFileName(s.substring(q[0] + 1, q[1] - 1)));
            SourcePos at = pos(src, q[0]); // errors point at the file name
            if (given.isEmpty()) {
                diagnostics.error(at, "empty file name after " + shown);
                return eol;
            }
            if (depth >= MAX_INCLUDE_DEPTH) {
                diagnostics.error(at, "too many nested includes (more than " + MAX_INCLUDE_DEPTH + ") at " + given);
                return eol;
            }
            Path asGiven;
            try {
                asGiven = Path.of(given);
            } catch (InvalidPathException e) {
                diagnostics.error(at, "invalid file name " + given + ": " + e.getReason());
                return eol;
            }
            List<String> tried = new ArrayList<>();
            tried.add(given);
            Path found = null;
            String display = null;
            if (Files.isRegularFile(asGiven)) {
                found = asGiven;
                display = given;
            } else if (!asGiven.isAbsolute() && cur.dir != null) {
                Path rel = cur.dir.resolve(asGiven).normalize();
                // named as a person sees it: beside the including file, as that file was named
                tried.add(cur.displayDir == null ? given + " next to " + cur.name : cur.displayDir + given);
                if (Files.isRegularFile(rel)) {
                    found = rel;
                    display = cur.displayDir == null ? given : cur.displayDir + given;
                }
            }
            if (found == null) {
                if (!importOnly) {
                    diagnostics.error(at, "cannot open included file " + given + " (tried " + String.join(", ", tried) + ")");
                }
                return eol;
            }
            String text;
            try {
                text = read(found);
            } catch (IOException e) {
                diagnostics.error(at, "cannot read included file " + display + ": " + describe(e));
                return eol;
            }
            diagnostics.addSource(display, text);
            sources.add(new Source(display, text, found.toAbsolutePath().getParent()));
            processFile(sources.size() - 1, depth + 1);
            return eol;
        }

        // ------------------------------------------------------------ code

        private String applySubsts(String value) {
            String v = value;
            for (SubstRule r : substs) {
                String next = r.apply(v);
                if (next != null) {
                    v = next;
                }
            }
            return v;
        }

        /** Consumes one construct of code at {@code s[i]} ({@code i < end}), emits it, returns the index after it. */
        private int scanToken(String s, int i, int end, Ctx ctx, int depth) {
            char c = s.charAt(i);
            switch (c) {
                case '/' -> {
                    if (i + 1 < end && s.charAt(i + 1) == '*') {
                        return blockComment(s, i, end, ctx);
                    }
                    if (i + 1 < end && s.charAt(i + 1) == '/') {
                        return lineEnd(s, i, end);
                    }
                }
                case '#' -> {
                    if (ctx.isFile()) {
                        String word = directiveAt(s, i, end);
                        if (word != null && DIRECTIVES.contains(word)) {
                            diagnostics.warning(pos(ctx.src(), i), "#!" + word
                                    + " must start a line; ignored as a comment");
                        }
                    }
                    return lineEnd(s, i, end);
                }
                case '"', '\'' -> {
                    return string(s, i, end, ctx);
                }
                case '$' -> {
                    return pvar(s, i, end, ctx);
                }
                case '@' -> {
                    if (i + 1 < end && isLetter(s.charAt(i + 1))) {
                        return select(s, i, end, ctx);
                    }
                }
                case '\\' -> {
                    if (i + 1 < end && s.charAt(i + 1) == '\n') {
                        emit('\n', ctx.src(), ctx.pos(i + 1));
                        return i + 2;
                    }
                    if (i + 2 < end && s.charAt(i + 1) == '\r' && s.charAt(i + 2) == '\n') {
                        emit('\n', ctx.src(), ctx.pos(i + 2));
                        return i + 3;
                    }
                }
                default -> {
                }
            }
            if (isIdChar(c)) {
                int k = i;
                while (k < end && isIdChar(s.charAt(k))) {
                    k++;
                }
                if (isIdStart(c)) {
                    return identifier(s, i, k, end, ctx, depth);
                }
                copy(s, i, k, ctx);
                return k;
            }
            emit(c, ctx.src(), ctx.pos(i));
            return i + 1;
        }

        private int blockComment(String s, int start, int end, Ctx ctx) {
            int nest = 0;
            int k = start;
            while (k < end) {
                char c = s.charAt(k);
                if (c == '/' && k + 1 < end && s.charAt(k + 1) == '*') {
                    nest++;
                    k += 2;
                } else if (c == '*' && k + 1 < end && s.charAt(k + 1) == '/') {
                    k += 2;
                    if (--nest == 0) {
                        return k;
                    }
                } else {
                    if (c == '\n') {
                        emit('\n', ctx.src(), ctx.pos(k));
                    }
                    k++;
                }
            }
            error(ctx.src(), ctx.pos(start), "unterminated /* comment");
            return end;
        }

        private int string(String s, int start, int end, Ctx ctx) {
            char q = s.charAt(start);
            int k = start + 1;
            while (k < end && s.charAt(k) != q) {
                k += q == '"' && s.charAt(k) == '\\' ? 2 : 1;
            }
            if (k >= end) {
                // Unterminated: report, close it at the end of its line and go on from there.
                error(ctx.src(), ctx.pos(start), "unterminated string");
                int eol = lineEnd(s, start, end);
                copy(s, start, eol, ctx);
                emit(q, ctx.src(), ctx.pos(eol));
                return eol;
            }
            int stop = k + 1;
            if (substs.isEmpty()) {
                copy(s, start, stop, ctx);
                return stop;
            }
            String raw = s.substring(start + 1, k);
            String value = q == '"' ? unescape(raw) : raw;
            String result = applySubsts(value);
            if (result.equals(value)) {
                copy(s, start, stop, ctx);
            } else if (q == '\'' && result.indexOf('\'') < 0) {
                emitAll("'" + result + "'", ctx.src(), ctx.pos(start));
            } else {
                emitAll(quote(result), ctx.src(), ctx.pos(start));
            }
            return stop;
        }

        /**
         * {@code $name}, {@code $name.more}, {@code $name(...)}, {@code $(...)}, {@code $?}: copied as they
         * are, never expanded. Parentheses nest; a double-quoted string inside them is skipped whole;
         * an unclosed one ends at the end of the line.
         */
        private int pvar(String s, int start, int end, Ctx ctx) {
            int k = start + 1;
            if (k < end && s.charAt(k) == '?') {
                k++;
            } else if (k < end && isIdStart(s.charAt(k))) {
                while (k < end && (isIdChar(s.charAt(k)) || s.charAt(k) == '.')) {
                    k++;
                }
            }
            if (k < end && s.charAt(k) == '(' && s.charAt(k - 1) != '?') {
                int depth = 0;
                while (k < end && s.charAt(k) != '\n') {
                    char c = s.charAt(k++);
                    if (c == '(') {
                        depth++;
                    } else if (c == ')' && --depth == 0) {
                        break;
                    } else if (c == '"') {
                        while (k < end && s.charAt(k) != '"' && s.charAt(k) != '\n') {
                            k += s.charAt(k) == '\\' && k + 1 < end && s.charAt(k + 1) != '\n' ? 2 : 1;
                        }
                        if (k < end && s.charAt(k) == '"') {
                            k++;
                        }
                    }
                }
            }
            copy(s, start, k, ctx);
            return k;
        }

        /** A select such as {@code @ruri.user} or {@code @hf_value["x"][1]}: copied, never expanded. */
        private int select(String s, int start, int end, Ctx ctx) {
            int k = start + 1;
            while (k < end) {
                char c = s.charAt(k);
                if (isIdChar(c) || c == '.') {
                    k++;
                } else if (c == '[') {
                    int close = s.indexOf(']', k);
                    int eol = lineEnd(s, k, end);
                    if (close < 0 || close > eol) {
                        break;
                    }
                    k = close + 1;
                } else {
                    break;
                }
            }
            copy(s, start, k, ctx);
            return k;
        }

        private int identifier(String s, int i, int k, int end, Ctx ctx, int depth) {
            String word = s.substring(i, k);
            Def def = defines.get(word);
            if (def == null) {
                copy(s, i, k, ctx);
                if (word.equals("event_route")) {
                    // event route names (xhttp:request, tm:local-request) are one token in Kamailio: never expanded
                    int b = skipBlanks(s, k, end);
                    int eol = lineEnd(s, k, end);
                    int close = s.indexOf(']', b);
                    if (b < end && s.charAt(b) == '[' && close >= 0 && close < eol) {
                        copy(s, k, close + 1, ctx);
                        return close + 1;
                    }
                }
                return k;
            }
            int use = ctx.pos(i);
            if (depth == 0) {
                recursionReported = false;
                expanding = word;
            }
            if (depth >= MAX_EXPANSION_DEPTH) {
                if (!recursionReported) {
                    recursionReported = true;
                    error(ctx.src(), use, "define " + expanding + " expands recursively (more than "
                            + MAX_EXPANSION_DEPTH + " levels)");
                }
                return k;
            }
            String v = def.value();
            if (v != null) {
                int from = out.length();
                Ctx inner = new Ctx(ctx.src(), use);
                int j = 0;
                while (j < v.length()) {
                    j = scanToken(v, j, v.length(), inner, depth + 1);
                }
                if (depth == 0 && out.length() > from) {
                    expansionStarts.add(from);
                    expansionEnds.add(out.length());
                    expansionNames.add(word);
                }
            }
            return k;
        }
    }
}
