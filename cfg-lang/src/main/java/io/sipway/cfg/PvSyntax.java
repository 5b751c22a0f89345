package io.sipway.cfg;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a pseudo-variable as written into its parts: {@code $name}, {@code $name(inner)},
 * {@code $(name(inner)[index]{tr1}{tr2,p1,p2})}, {@code $?}. Pure text work; names are resolved by
 * the compiler.
 */
final class PvSyntax {
    /** One transformation as written: {@code s.substr,1,2} is name {@code s.substr}, params {@code [1, 2]}. */
    record Tr(String name, List<String> params) {
    }

    record Parsed(PvName name, List<Tr> transformations) {
    }

    private PvSyntax() {
    }

    /** @throws IllegalArgumentException with a message for a malformed pseudo-variable */
    static Parsed parse(String text) {
        if (text.length() < 2 || text.charAt(0) != '$') {
            throw new IllegalArgumentException("not a pseudo-variable: " + text);
        }
        if (text.equals("$?")) {
            return new Parsed(new PvName("?", null, null), List.of());
        }
        if (text.charAt(1) != '(') {
            return new Parsed(nameAndInner(text.substring(1), text), List.of());
        }
        if (text.charAt(text.length() - 1) != ')') {
            throw new IllegalArgumentException("unbalanced parentheses in " + text);
        }
        String body = text.substring(2, text.length() - 1);
        int i = 0;
        while (i < body.length() && (Character.isLetterOrDigit(body.charAt(i)) || body.charAt(i) == '_' || body.charAt(i) == '.')) {
            i++;
        }
        if (i < body.length() && body.charAt(i) == '(') {
            i = closing(body, i, '(', ')', text) + 1;
        }
        PvName base = nameAndInner(body.substring(0, i), text);
        String index = null;
        if (i < body.length() && body.charAt(i) == '[') {
            int end = closing(body, i, '[', ']', text);
            index = body.substring(i + 1, end).trim();
            if (!index.equals("*") && !index.matches("-?[0-9]+") && !index.startsWith("$")) {
                throw new IllegalArgumentException("bad index [" + index + "] in " + text + ": a number, -n from the end, or *");
            }
            i = end + 1;
        }
        List<Tr> trs = new ArrayList<>();
        while (i < body.length()) {
            if (body.charAt(i) != '{') {
                throw new IllegalArgumentException("unexpected '" + body.charAt(i) + "' in " + text + " (transformations are written {class.name,params})");
            }
            int end = closing(body, i, '{', '}', text);
            trs.add(transformation(body.substring(i + 1, end), text));
            i = end + 1;
        }
        return new Parsed(new PvName(base.name(), base.inner(), index), trs);
    }

    private static PvName nameAndInner(String s, String text) {
        int paren = s.indexOf('(');
        String name = paren < 0 ? s : s.substring(0, paren);
        if (name.isEmpty() || !name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw new IllegalArgumentException("bad pseudo-variable name in " + text);
        }
        if (paren < 0) {
            return new PvName(name, null, null);
        }
        if (s.charAt(s.length() - 1) != ')') {
            throw new IllegalArgumentException("unbalanced parentheses in " + text);
        }
        return new PvName(name, s.substring(paren + 1, s.length() - 1), null);
    }

    /** The bracket closing the one at {@code open}; quotes mean nothing, as in Kamailio ({re.subst,/(a="[^"]*")//}). */
    private static int closing(String s, int open, char o, char c, String text) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == o) {
                depth++;
            } else if (ch == c && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("missing '" + c + "' in " + text);
    }

    private static Tr transformation(String s, String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(' || ch == '{' || ch == '[') {
                depth++;
            } else if (ch == ')' || ch == '}' || ch == ']') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        if (s.endsWith(",,") && parts.size() >= 3 && parts.get(parts.size() - 1).isEmpty() && parts.get(parts.size() - 2).isEmpty()) {
            // {s.select,1,,}: the separator is a comma
            parts.remove(parts.size() - 1);
            parts.set(parts.size() - 1, ",");
        }
        String name = parts.get(0).trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty transformation in " + text);
        }
        return new Tr(name, List.copyOf(parts.subList(1, parts.size())));
    }
}
