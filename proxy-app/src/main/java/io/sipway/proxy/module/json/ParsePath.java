package io.sipway.proxy.module.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The path of {@code {json.parse,path}} (json_funcs.c, tr_json_get_field_object): member names
 * separated by dots, each maybe followed by an array index, {@code a.b[2].c}. As Kamailio 5.6.3 reads
 * it: '%' in a name stands for a dot ({@code a%b} is the member "a.b"; the module parameter
 * json_escape_char is never read); a name is what comes before its first '[', and the index is what
 * follows up to ']' read as C's atoi reads it (a second index, or anything after ']', is ignored); an
 * index on something that is no array is ignored, one out of range reaches nothing. Empty steps
 * ({@code a..b}, a leading dot) are skipped: Kamailio aborts on them (an assertion in str_split),
 * which is nothing to copy.
 */
final class ParsePath {
    /** One step: a member name, then an index or none. */
    private record Step(String name, Integer index) {
    }

    private final List<Step> steps;

    private ParsePath(List<Step> steps) {
        this.steps = steps;
    }

    static ParsePath of(String path) {
        List<Step> steps = new ArrayList<>();
        for (String token : path.split("\\.")) {
            if (token.isEmpty()) {
                continue;
            }
            token = token.replace('%', '.');
            int open = token.indexOf('[');
            if (open < 0) {
                steps.add(new Step(token, null));
                continue;
            }
            // sscanf("%[^[][%[^]]]"): an empty name matches nothing, an empty index leaves it out
            String name = token.substring(0, open);
            int close = token.indexOf(']', open + 1);
            String index = token.substring(open + 1, close < 0 ? token.length() : close);
            steps.add(new Step(name.isEmpty() ? null : name, index.isEmpty() ? null : atoi(index)));
        }
        return new ParsePath(steps);
    }

    /** What the path reaches from the root, or null when it reaches nothing (or JSON null). */
    Object get(Object root) {
        Object at = root;
        for (Step s : steps) {
            if (s.name() == null || !(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(s.name());
            if (at instanceof List<?> l && s.index() != null) {
                int i = s.index();
                at = i >= 0 && i < l.size() ? l.get(i) : null;
            }
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** C's atoi: leading whitespace, a sign, digits up to the first other character; 0 when there are none. */
    static int atoi(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) >= '\t' && s.charAt(i) <= '\r')) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            v = Math.min(v * 10 + (s.charAt(i) - '0'), (long) Integer.MAX_VALUE + 1);
            i++;
        }
        v = negative ? -v : v;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
