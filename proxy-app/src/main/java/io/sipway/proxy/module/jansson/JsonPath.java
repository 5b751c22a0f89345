package io.sipway.proxy.module.jansson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jansson module's paths into a JSON value: keys joined by '.', an array element by {@code [n]}
 * ({@code obj.inner.x}, {@code arr[1]}, {@code a.b[0].c}), as Kamailio's jansson_path.c reads them.
 */
final class JsonPath {
    private final List<Object> steps;

    private JsonPath(List<Object> steps) {
        this.steps = steps;
    }

    /** @throws IllegalArgumentException for a path that is not one */
    static JsonPath parse(String path) {
        List<Object> steps = new ArrayList<>();
        int i = 0;
        StringBuilder key = new StringBuilder();
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                if (key.length() > 0) {
                    steps.add(key.toString());
                    key.setLength(0);
                }
                i++;
            } else if (c == '[') {
                if (key.length() > 0) {
                    steps.add(key.toString());
                    key.setLength(0);
                }
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("missing ']' in the path " + path);
                }
                try {
                    steps.add(Integer.parseInt(path.substring(i + 1, close).trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad index in the path " + path);
                }
                i = close + 1;
            } else {
                key.append(c);
                i++;
            }
        }
        if (key.length() > 0) {
            steps.add(key.toString());
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("an empty path");
        }
        return new JsonPath(steps);
    }

    /** What the path reaches in {@code root}; {@link #MISSING} when it reaches nothing. */
    Object get(Object root) {
        Object v = root;
        for (Object step : steps) {
            if (step instanceof String k && v instanceof Map<?, ?> m && m.containsKey(k)) {
                v = m.get(k);
            } else if (step instanceof Integer n && v instanceof List<?> l && n >= 0 && n < l.size()) {
                v = l.get(n);
            } else {
                return MISSING;
            }
        }
        return v;
    }

    /**
     * Sets the path in {@code root} to {@code value}, making the objects on the way; {@code append}
     * adds the value to the array the path names instead. Returns false when the path cannot be set
     * (it goes through a value that is no object or array, an index out of range).
     */
    @SuppressWarnings("unchecked")
    boolean set(Object root, Object value, boolean append) {
        Object v = root;
        for (int i = 0; i < steps.size(); i++) {
            Object step = steps.get(i);
            boolean last = i == steps.size() - 1;
            if (step instanceof String k && v instanceof Map<?, ?> m) {
                Map<String, Object> map = (Map<String, Object>) m;
                if (last) {
                    if (append) {
                        return map.get(k) instanceof List<?> l && ((List<Object>) l).add(value);
                    }
                    map.put(k, value);
                    return true;
                }
                Object next = map.get(k);
                if (next == null) {
                    next = steps.get(i + 1) instanceof Integer ? new ArrayList<>() : new LinkedHashMap<String, Object>();
                    map.put(k, next);
                }
                v = next;
            } else if (step instanceof Integer n && v instanceof List<?> l) {
                List<Object> list = (List<Object>) l;
                if (n < 0 || n > list.size() || (n == list.size() && !last)) {
                    return false;
                }
                if (last) {
                    if (append) {
                        return n < list.size() && list.get(n) instanceof List<?> inner && ((List<Object>) inner).add(value);
                    }
                    if (n == list.size()) {
                        list.add(value);
                    } else {
                        list.set(n, value);
                    }
                    return true;
                }
                v = list.get(n);
            } else {
                return false;
            }
        }
        return false;
    }

    /** What {@link #get} returns for a path that reaches nothing (JSON's null is a value). */
    static final Object MISSING = new Object();
}
