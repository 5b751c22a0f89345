package io.sipway.proxy.module.avpops;

import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import java.util.ArrayList;
import java.util.List;

/**
 * The message's plain AVPs as avpops walks them (Kamailio's search_first_avp / search_next_avp over the
 * default list): the items of one name newest first, taken when the walk starts, so that values a
 * function adds on top while it walks (avp_copy or avp_op into the same name) are not walked again,
 * as in Kamailio where new AVPs go to the head of the list.
 *
 * <p>Values are Kamailio's integer (a Long) or string ones.
 */
final class AvpList {
    private AvpList() {
    }

    static List<Xavps.Item> named(MsgContext m, String name) {
        List<Xavps.Item> out = new ArrayList<>();
        for (Xavps.Item i : m.avps().items()) {
            if (i.name().equals(name)) {
                out.add(i);
            }
        }
        return out;
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Integer;
    }

    static long intOf(Object v) {
        return ((Number) v).longValue();
    }

    /** Kamailio's str2int: unsigned decimal digits only (no sign, no spaces); null when it is not one. */
    static Long str2int(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        long n = Long.parseLong(s);
        return n > 0xFFFFFFFFL ? null : n;
    }

    static String text(Object v) {
        return String.valueOf(v);
    }
}
