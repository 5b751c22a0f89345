package io.sipway.proxy.module.jsonrpcs;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON as Kamailio's jsonrpcs writes it with {@code modparam("jsonrpcs", "pretty_format", 1)}
 * (srjson_Print, cJSON's formatted output): an object opens a line per member, indented by one tab
 * per level, {@code "name":<TAB>value}; an array stays on one line, its items separated by
 * {@code ", "}; an empty object is {@code "{"} and {@code "}"} on two lines, an empty array {@code []}.
 * The answers under src/test/resources/rpc/kamailio-5.6.3 are Kamailio's own, byte for byte.
 */
final class SrjsonFormat {
    private SrjsonFormat() {
    }

    static String print(Object value) {
        StringBuilder b = new StringBuilder();
        value(b, value, 0);
        return b.toString();
    }

    /** {@code depth} is the nesting of the value: the members of an object at depth d are indented d+1 tabs. */
    private static void value(StringBuilder b, Object v, int depth) {
        if (v instanceof Map<?, ?> m) {
            object(b, m, depth + 1);
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ", ");
                value(b, l.get(i), depth + 1);
            }
            b.append(']');
        } else if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Double d) {
            b.append(number(d));
        } else if (v instanceof Number) {
            b.append(v);
        } else {
            JsonText.string(b, v.toString());
        }
    }

    private static void object(StringBuilder b, Map<?, ?> m, int depth) {
        b.append("{\n");
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                b.append(",\n");
            }
            first = false;
            b.append("\t".repeat(depth));
            JsonText.string(b, String.valueOf(e.getKey()));
            b.append(":\t");
            value(b, e.getValue(), depth);
        }
        if (!m.isEmpty()) {
            b.append('\n');
        }
        b.append("\t".repeat(depth - 1)).append('}');
    }

    /** cJSON's print_number: a whole number as such, else %e for the very small and large, %f otherwise. */
    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1.0e60) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        if (Math.abs(d) < 1.0e-6 || Math.abs(d) > 1.0e9) {
            return String.format(Locale.ROOT, "%e", d);
        }
        return String.format(Locale.ROOT, "%f", d);
    }
}
