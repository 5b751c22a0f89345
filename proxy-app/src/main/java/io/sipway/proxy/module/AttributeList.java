package io.sipway.proxy.module;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kamailio's "name=value;name=value;" module parameters (rtimer's timer and exec, mqueue's mqueue):
 * the pairs in their order, blanks trimmed, empty parts skipped.
 */
public final class AttributeList {
    private AttributeList() {
    }

    /** @throws IllegalArgumentException for a part that is not name=value */
    public static Map<String, String> parse(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : spec.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + p + "' is not name=value");
            }
            out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return out;
    }
}
