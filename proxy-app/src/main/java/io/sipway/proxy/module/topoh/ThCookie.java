package io.sipway.proxy.module.topoh;

import io.sipway.proxy.module.topoh.SipText.Field;
import io.sipway.sip.SipUri;
import java.util.List;

/**
 * topoh's cookie (th_add_cookie, th_get_cookie, th_del_cookie): which way a received message goes
 * and whether it is initial, carried from the receiving side to the sending side in a {@code TH}
 * header and a {@code ;TH=} parameter of the top Via; and the way an in-dialog request goes.
 */
final class ThCookie {
    static final String COOKIE = "TH";

    private ThCookie() {
    }

    /** th_route_direction: 1 upstream when the first Route's ftag is not the From tag, else 0; -1 without a From tag. */
    static int routeDirection(SipText t) {
        String fromTag = SipText.tag(t.first("from").value);
        if (fromTag == null || fromTag.isEmpty()) {
            return -1;
        }
        Field r = t.first("route");
        if (r == null) {
            return 0;
        }
        List<int[]> values = SipText.values(r.value);
        if (values.isEmpty()) {
            return 0;
        }
        int[] u = SipText.uriOf(r.value, values.get(0)[0], values.get(0)[1]);
        String ftag = u == null ? null : SipUri.parse(r.value.substring(u[0], u[1])).param("ftag");
        if (ftag == null) {
            return 0;
        }
        return fromTag.equals(ftag) ? 0 : 1;
    }

    static void add(SipText t, String cookie) {
        t.fields.add(new Field(COOKIE, cookie + "h", null));
        List<Vias.Ref> vias = Vias.all(t);
        if (!vias.isEmpty()) {
            Vias.Ref v = vias.get(0);
            v.replace(Vias.withParamFirst(v.text(), ";" + COOKIE + "=" + cookie + "v"));
        }
    }

    /** th_get_cookie: the TH header's value, else the top Via's TH parameter, else "xxx". */
    static String of(SipText t) {
        for (Field f : t.fields) {
            if (f.name.equalsIgnoreCase(COOKIE)) {
                return f.value.length() >= 2 ? f.value : "xxx";
            }
        }
        List<Vias.Ref> vias = Vias.all(t);
        String v = vias.isEmpty() ? null : Vias.param(vias.get(0).text(), COOKIE);
        return v != null && v.length() >= 2 ? v : "xxx";
    }

    /** th_del_cookie: the TH header, and for a reply the top Via's TH parameter. */
    static void delete(SipText t) {
        t.fields.removeIf(f -> f.name.equalsIgnoreCase(COOKIE));
        if (!t.isRequest()) {
            List<Vias.Ref> vias = Vias.all(t);
            if (!vias.isEmpty()) {
                vias.get(0).replace(Vias.withoutParam(vias.get(0).text(), COOKIE));
            }
        }
    }
}
