package io.sipway.proxy.module.ipops;

import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The name of {@code $dns(pvid=>key[index])}, {@code $srvquery(pvid=>key[index])} and
 * {@code $naptrquery(pvid=>key[index])}, read once at load as Kamailio's ipops_pv.c reads it: the
 * container, the key (its position in the key list) and the index, a number (negative counts from the
 * end) or a pseudo-variable read per use.
 *
 * <p>The two syntaxes differ as Kamailio's do: in {@code $dns} the container is anything up to
 * {@code =} or a blank, the key follows {@code =>} at once, the index is optional (0); in
 * {@code $srvquery} and {@code $naptrquery} container and key are letters and digits with blanks
 * allowed around them, {@code count} takes no index and every other key needs one, of digits (no sign:
 * Kamailio's parser stops at the {@code -}).
 */
record DnsPvName(String container, int key, long index, ValueSource indexPv) {
    private static final Logger LOG = LoggerFactory.getLogger("ipops");

    static final List<String> DNS_KEYS = List.of("addr", "type", "ipv4", "ipv6", "count");
    static final List<String> SRV_KEYS = List.of("count", "port", "priority", "target", "weight");
    static final List<String> NAPTR_KEYS = List.of("count", "order", "pref", "flags", "services", "regex", "replace");

    /** The index for this use, or null when a pseudo-variable index holds no integer (Kamailio logs it and reads $null). */
    Long index(ScriptContext ctx) {
        if (indexPv == null) {
            return index;
        }
        Object v = indexPv.get(ctx);
        if (v instanceof Long l) {
            return l;
        }
        LOG.error("failed to evaluate index variable");
        return null;
    }

    /** pv_parse_dns_name. */
    static DnsPvName dns(String in, Function<String, ValueSource> pvs) {
        String what = "$dns(" + in + ")";
        int p = 0;
        int n = in.length();
        while (p < n && blank(in.charAt(p))) {
            p++;
        }
        int start = p;
        while (p < n && in.charAt(p) != '=' && !blank(in.charAt(p))) {
            p++;
        }
        String container = in.substring(start, p);
        while (p < n && blank(in.charAt(p))) {
            p++;
        }
        if (container.isEmpty() || !in.startsWith("=>", p)) {
            throw bad(what);
        }
        String key = in.substring(p + 2);
        String index = null;
        if (key.endsWith("]")) {
            int open = key.indexOf('[');
            if (open < 0 || open == key.length() - 1) {
                throw bad(what);
            }
            index = key.substring(open + 1, key.length() - 1);
            key = key.substring(0, open);
        }
        int k = DNS_KEYS.indexOf(key);
        if (k < 0) {
            throw bad(what);
        }
        if (index == null || index.isEmpty()) {
            return new DnsPvName(container, k, 0, null);
        }
        if (index.charAt(0) == '$') {
            return new DnsPvName(container, k, 0, pv(index, pvs, what));
        }
        int sign = 1;
        int i = 0;
        if (index.charAt(0) == '-') {
            sign = -1;
            i++;
        }
        long value = 0;
        for (; i < index.length(); i++) {
            char c = index.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("invalid index [" + index + "] in " + what);
            }
            value = value * 10 + (c - '0');
        }
        return new DnsPvName(container, k, sign * value, null);
    }

    /** pv_parse_srv_name and pv_parse_naptr_name: {@code keys} is the pseudo-variable's list, "count" first. */
    static DnsPvName records(String pvName, String in, List<String> keys, Function<String, ValueSource> pvs) {
        String what = "$" + pvName + "(" + in + ")";
        int n = in.length();
        int p = skipBlanks(in, 0);
        int start = p;
        p = skipWord(in, p);
        String container = in.substring(start, p);
        p = skipBlanks(in, p);
        if (container.isEmpty() || !in.startsWith("=>", p)) {
            throw bad(what);
        }
        p = skipBlanks(in, p + 2);
        start = p;
        p = skipWord(in, p);
        int k = keys.indexOf(in.substring(start, p));
        if (k < 0) {
            throw bad(what);
        }
        if (k == 0) {
            if (skipBlanks(in, p) != n) {
                throw bad(what);
            }
            return new DnsPvName(container, 0, 0, null);
        }
        p = skipBlanks(in, p);
        if (p + 3 > n || in.charAt(p) != '[') {
            throw bad(what);
        }
        p = skipBlanks(in, p + 1);
        if (p + 2 > n) {
            throw bad(what);
        }
        if (in.charAt(p) == '$') {
            int close = in.lastIndexOf(']');
            if (close <= p || skipBlanks(in, close + 1) != n) {
                throw bad(what);
            }
            return new DnsPvName(container, k, 0, pv(in.substring(p, close), pvs, what));
        }
        start = p;
        p = skipWord(in, p);
        long value = 0;
        for (int i = start; i < p; i++) {
            char c = in.charAt(i);
            if (c >= '0' && c <= '9') { // Kamailio skips the letters of an index such as "1a"
                value = value * 10 + (c - '0');
            }
        }
        p = skipBlanks(in, p);
        if (p == n || in.charAt(p) != ']' || skipBlanks(in, p + 1) != n) {
            throw bad(what);
        }
        return new DnsPvName(container, k, value, null);
    }

    private static ValueSource pv(String text, Function<String, ValueSource> pvs, String what) {
        if (pvs == null) {
            throw new IllegalArgumentException(what + ": a pseudo-variable index needs a script");
        }
        return pvs.apply(text);
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("error at PV name: " + what);
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static int skipBlanks(String s, int p) {
        while (p < s.length() && blank(s.charAt(p))) {
            p++;
        }
        return p;
    }

    /** skip_over(..., 0): letters and digits. */
    private static int skipWord(String s, int p) {
        while (p < s.length()) {
            char c = s.charAt(p);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                break;
            }
            p++;
        }
        return p;
    }
}
