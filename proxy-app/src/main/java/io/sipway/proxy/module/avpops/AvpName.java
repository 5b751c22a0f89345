package io.sipway.proxy.module.avpops;

import io.sipway.proxy.core.Format;

/**
 * An AVP as avpops' arguments name it ({@code $avp(i:678)}, {@code $avp(s:foo)}, {@code $avp(bar)},
 * {@code $(avp(x)[1])}), read once at load. The name is kept as the pv module keeps {@code $avp}
 * values: {@code s:foo} and {@code foo} are the same string name, {@code i:678} the integer id 678
 * (Kamailio's AVP_NAME_STR unset). {@code index} is the written index (null: none; {@code all}: [*]).
 *
 * <p>Not here: script flags in the name ({@code $avp(i3:123)}) and names computed when the route
 * runs ({@code $avp($var(n))}): refused at load.
 */
record AvpName(String name, Integer index, boolean all) {

    /** Whether the name is an integer id ({@code i:678}). */
    boolean intName() {
        return name.startsWith("i:");
    }

    /** The name as avpops writes it to the attribute column: the id's digits for an integer name. */
    String dbName() {
        return intName() ? name.substring(2) : name;
    }

    /** Whether {@code text} is an AVP written as one ({@code $avp(...)} or {@code $(avp(...)...)}). */
    static boolean isAvp(String text) {
        String t = text.trim();
        return t.startsWith("$avp(") || t.startsWith("$(avp(");
    }

    /** Where the pseudo-variable starting {@code text} ends (the rest may be "/flags"). */
    static int end(String text) {
        int e = Format.pvEnd(text, 0);
        return e <= 1 ? text.length() : e;
    }

    /** Reads {@code $avp(name)} or {@code $(avp(name)[i])}; throws IllegalArgumentException saying what is wrong. */
    static AvpName parse(String text) {
        String t = text.trim();
        String inner;
        String idx = null;
        if (t.startsWith("$avp(") && t.endsWith(")")) {
            inner = t.substring(5, t.length() - 1);
        } else if (t.startsWith("$(avp(") && t.endsWith(")")) {
            String body = t.substring(2, t.length() - 1); // avp(name)[i]
            int close = body.indexOf(')');
            if (close < 0) {
                throw new IllegalArgumentException("bad AVP " + text);
            }
            inner = body.substring(4, close);
            String rest = body.substring(close + 1).trim();
            if (rest.startsWith("[") && rest.endsWith("]")) {
                idx = rest.substring(1, rest.length() - 1).trim();
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("avpops takes an AVP with an index at most, not " + text);
            }
        } else {
            throw new IllegalArgumentException("expected $avp(name), not " + text);
        }
        inner = inner.trim();
        if (inner.indexOf('$') >= 0) {
            throw new IllegalArgumentException("Sipway's avpops takes AVP names written in the script, not computed ones: " + text);
        }
        String name;
        // as the pv module names them (MessagePvs): s:foo is foo, i:678 is kept as written
        if (inner.startsWith("s:")) {
            name = inner.substring(2);
        } else if (inner.startsWith("i:")) {
            if (!inner.substring(2).matches("\\d+")) {
                throw new IllegalArgumentException("bad AVP id in " + text + ": an integer is expected after i:");
            }
            name = inner;
        } else if (inner.matches("[iIsS]\\d+:.*")) {
            throw new IllegalArgumentException("AVP script flags (" + text + ") are not implemented by Sipway");
        } else {
            name = inner;
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty AVP name in " + text);
        }
        Integer index = null;
        boolean all = false;
        if (idx != null) {
            if (idx.equals("*")) {
                all = true;
            } else if (idx.matches("-?\\d+")) {
                index = Integer.valueOf(idx);
            } else {
                throw new IllegalArgumentException("Sipway's avpops takes a number or * as AVP index, not " + text);
            }
        }
        return new AvpName(name, index, all);
    }
}
