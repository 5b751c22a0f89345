package io.sipway.proxy.module.avpops;

import java.util.regex.Pattern;

/**
 * fnmatch(3) with no flags but FNM_CASEFOLD, as avp_check's {@code fm} and dialplan's fnmatch operator
 * call it: {@code *} any run of characters (a '/' and a leading '.' included), {@code ?} one character,
 * {@code [...]} a bracket expression ({@code !} or {@code ^} negates, ranges), a backslash quotes the
 * next character. A pattern with an unclosed {@code [} takes the bracket literally, as glibc does.
 */
public final class Fnmatch {
    private Fnmatch() {
    }

    public static boolean matches(String pattern, String text, boolean ignoreCase) {
        return compile(pattern, ignoreCase).matcher(text).matches();
    }

    /** The pattern as a regular expression matching whole strings. */
    public static Pattern compile(String pattern, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        int n = pattern.length();
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> re.append("(?s:.*)");
                case '?' -> re.append("(?s:.)");
                case '\\' -> {
                    if (i + 1 < n) {
                        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    } else {
                        re.append("\\\\");
                    }
                }
                case '[' -> {
                    int close = bracketEnd(pattern, i);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        re.append(bracket(pattern.substring(i + 1, close)));
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }

    /** Where the bracket expression opened at {@code open} closes (a ']' first in it is a member), or -1. */
    private static int bracketEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        for (; i < p.length(); i++) {
            if (p.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    private static String bracket(String body) {
        StringBuilder b = new StringBuilder("[");
        int i = 0;
        if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
            b.append('^');
            i = 1;
        }
        int first = i;
        for (; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '-' && i > first && i < body.length() - 1) { // a range; first or last it is a member
                b.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                b.append(c);
            } else {
                b.append('\\').append(c);
            }
        }
        return b.append(']').toString();
    }
}
