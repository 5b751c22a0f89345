package io.sipway.proxy.module.permissions;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The trusted table's {@code from_pattern} and {@code ruri_pattern} as Kamailio reads them: POSIX
 * basic regular expressions (regcomp with REG_NOSUB only, not REG_EXTENDED), searched anywhere in
 * the text (regexec). Translated once to a Java pattern: {@code \( \) \{ \} \| \+ \?} are the
 * operators (the last three GNU's), while a bare {@code ( ) { } | + ?} is a plain character;
 * bracket expressions keep their POSIX classes ({@code [[:digit:]]}).
 */
final class PosixRegex {
    private PosixRegex() {
    }

    /** The compiled pattern, or null when it is invalid (Kamailio logs it and skips the rule). */
    static Pattern compile(String bre) {
        try {
            return Pattern.compile(toJava(bre));
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    static String toJava(String bre) {
        StringBuilder out = new StringBuilder(bre.length() + 8);
        int i = 0;
        int n = bre.length();
        while (i < n) {
            char c = bre.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char d = bre.charAt(i + 1);
                switch (d) {
                    case '(', ')', '{', '}', '|', '+', '?' -> out.append(d);
                    default -> out.append('\\').append(d);
                }
                i += 2;
            } else if (c == '[') {
                i = bracket(bre, i, out);
            } else if ("(){}|+".indexOf(c) >= 0 || c == '?') {
                out.append('\\').append(c);
                i++;
            } else if (c == '*' && (out.length() == 0 || out.charAt(out.length() - 1) == '^' && i <= 1)) {
                out.append("\\*"); // a leading * is a literal in a BRE
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** A bracket expression from {@code [} at {@code i}: backslash is literal inside, POSIX classes become Java's. */
    private static int bracket(String s, int i, StringBuilder out) {
        int n = s.length();
        int j = i + 1;
        StringBuilder b = new StringBuilder("[");
        if (j < n && s.charAt(j) == '^') {
            b.append('^');
            j++;
        }
        if (j < n && s.charAt(j) == ']') {
            b.append("\\]");
            j++;
        }
        while (j < n && s.charAt(j) != ']') {
            char c = s.charAt(j);
            if (c == '[' && j + 1 < n && s.charAt(j + 1) == ':') {
                int end = s.indexOf(":]", j + 2);
                if (end > 0) {
                    b.append("\\p{").append(posixClass(s.substring(j + 2, end))).append('}');
                    j = end + 2;
                    continue;
                }
            }
            if (c == '\\' || c == '[' || c == '&') {
                b.append('\\');
            }
            b.append(c);
            j++;
        }
        if (j >= n) { // no closing bracket: let Java report the pattern invalid
            out.append(s, i, n);
            return n;
        }
        out.append(b).append(']');
        return j + 1;
    }

    private static String posixClass(String name) {
        return switch (name) {
            case "alpha" -> "Alpha";
            case "digit" -> "Digit";
            case "alnum" -> "Alnum";
            case "upper" -> "Upper";
            case "lower" -> "Lower";
            case "space" -> "Space";
            case "punct" -> "Punct";
            case "xdigit" -> "XDigit";
            case "cntrl" -> "Cntrl";
            case "print" -> "Print";
            case "graph" -> "Graph";
            case "blank" -> "Blank";
            default -> name;
        };
    }
}
