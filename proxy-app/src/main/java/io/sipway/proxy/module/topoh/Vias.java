package io.sipway.proxy.module.topoh;

import io.sipway.proxy.module.topoh.SipText.Field;
import java.util.ArrayList;
import java.util.List;

/** The Via values of a message, in order across Via fields and commas, each replaceable in place. */
final class Vias {
    private Vias() {
    }

    /** One Via value: where it is in its field's value. */
    static final class Ref {
        private final Field field;
        private final List<Ref> siblings;
        private int start;
        private int end;

        private Ref(Field field, List<Ref> siblings, int start, int end) {
            this.field = field;
            this.siblings = siblings;
            this.start = start;
            this.end = end;
        }

        /** The Via as written: {@code SIP/2.0/UDP host[:port][;params]}. */
        String text() {
            return field.value.substring(start, end);
        }

        void replace(String text) {
            int delta = text.length() - (end - start);
            field.set(field.value.substring(0, start) + text + field.value.substring(end));
            end += delta;
            boolean after = false;
            for (Ref r : siblings) { // the later values of the same field move with it
                if (after) {
                    r.start += delta;
                    r.end += delta;
                }
                after |= r == this;
            }
        }
    }

    static List<Ref> all(SipText t) {
        List<Ref> out = new ArrayList<>();
        for (Field f : t.all("via")) {
            List<Ref> siblings = new ArrayList<>();
            for (int[] v : SipText.values(f.value)) {
                Ref r = new Ref(f, siblings, v[0], v[1]);
                siblings.add(r);
                out.add(r);
            }
        }
        return out;
    }

    /** Where the sent-by starts: after the protocol and its blanks. */
    private static int sentBy(String via) {
        int i = 0;
        while (i < via.length() && !Character.isWhitespace(via.charAt(i))) {
            i++;
        }
        while (i < via.length() && Character.isWhitespace(via.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Where the parameters start (the first ';' after the sent-by), or the end. */
    private static int params(String via) {
        int i = sentBy(via);
        if (i < via.length() && via.charAt(i) == '[') {
            int close = via.indexOf(']', i);
            i = close < 0 ? via.length() : close;
        }
        int semi = via.indexOf(';', i);
        return semi < 0 ? via.length() : semi;
    }

    static String host(String via) {
        String sentBy = via.substring(sentBy(via), params(via)).trim();
        return Topoh.hostOf(sentBy);
    }

    static String param(String via, String name) {
        int p = params(via);
        return p >= via.length() ? null : SipText.param(via.substring(p + 1), name);
    }

    /** {@code param} (with its ';') put before the other parameters, as Kamailio's th_add_via_cookie does. */
    static String withParamFirst(String via, String param) {
        int p = params(via);
        int at = p;
        while (at > 0 && Character.isWhitespace(via.charAt(at - 1))) {
            at--;
        }
        return via.substring(0, at) + param + via.substring(at);
    }

    static String withoutParam(String via, String name) {
        int p = params(via);
        if (p >= via.length()) {
            return via;
        }
        StringBuilder b = new StringBuilder(via.substring(0, p));
        for (String part : via.substring(p + 1).split(";", -1)) {
            String t = part.trim();
            int eq = t.indexOf('=');
            String n = (eq < 0 ? t : t.substring(0, eq)).trim();
            if (!n.equalsIgnoreCase(name)) {
                b.append(';').append(part);
            }
        }
        return b.toString();
    }
}
