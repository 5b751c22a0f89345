package io.sipway.proxy.module.dispatcher;

import io.sipway.sip.SipUri;
import io.sipway.transport.SendSocket;
import java.net.InetAddress;
import java.util.Locale;

/**
 * One destination of a set (Kamailio's ds_dest_t): its URI as written, the parts of it that
 * matching needs, its priority, its attributes ({@code duid=...;weight=50;socket=udp:1.2.3.4:5060})
 * and its state flags, which change while the proxy runs (ds_mark_dst, the RPC); the rest is fixed
 * when the list is loaded. The flags are read and written under the set's lock.
 */
final class Destination {
    /** The state bits (dispatch.h). */
    static final int INACTIVE = 1;
    static final int TRYING = 2;
    static final int DISABLED = 4;
    static final int PROBING = 8;
    static final int NO_DNS = 16;
    static final int NO_PING = 32;
    static final int STATES_ALL = 63;

    final String uri;
    final int priority;
    final Attrs attrs;
    final String host;
    /** The URI's port; 0 when it names none (then any source port matches). */
    final int port;
    /** The URI's transport as Kamailio numbers protocols (udp 1, tcp 2, tls 3, sctp 4, ws 5, wss 6); 0 when it names none. */
    final int proto;
    /** The address the host resolved to when the list was loaded; null with the no-DNS flag or for a name that did not resolve. */
    final InetAddress address;
    /** The socket of its socket attribute or ds_default_socket, or null. */
    final SendSocket socket;
    int flags;
    int probingCount;

    Destination(String uri, int flags, int priority, Attrs attrs, SipUri parsed, InetAddress address, SendSocket socket) {
        this.uri = uri;
        this.flags = flags;
        this.priority = priority;
        this.attrs = attrs;
        this.host = parsed.host();
        this.port = Math.max(0, parsed.port());
        this.proto = protoId(parsed.transport());
        this.address = address;
        this.socket = socket;
    }

    static int protoId(String transport) {
        if (transport == null) {
            return 0;
        }
        return switch (transport.toLowerCase(Locale.ROOT)) {
            case "udp" -> 1;
            case "tcp" -> 2;
            case "tls" -> 3;
            case "sctp" -> 4;
            case "ws" -> 5;
            case "wss" -> 6;
            default -> 0;
        };
    }

    /** Kamailio's ds_skip_dst: inactive or disabled destinations are not selected. */
    static boolean skipped(int flags) {
        return (flags & (INACTIVE | DISABLED)) != 0;
    }

    /**
     * The attributes as Kamailio reads them (ds_set_attrs): {@code name=value} pairs separated by
     * ';' (a trailing ';' dropped); weight and rweight count only from 1 to 100.
     */
    record Attrs(String body, String duid, int weight, int rweight, int maxload, String socket, String sockname,
                 String pingFrom, String obproxy) {
        static final Attrs NONE = new Attrs(null, null, 0, 0, 0, null, null, null, null);

        static Attrs parse(String text, boolean attrsNone) {
            String s = text == null ? "" : text.trim();
            if (s.isEmpty()) {
                if (!attrsNone) {
                    return NONE;
                }
                s = "none=yes"; // ds_attrs_none: every destination gets attributes
            }
            if (s.endsWith(";")) {
                s = s.substring(0, s.length() - 1);
            }
            String duid = null;
            String socket = null;
            String sockname = null;
            String pingFrom = null;
            String obproxy = null;
            int weight = 0;
            int rweight = 0;
            int maxload = 0;
            for (String pair : s.split(";")) {
                int eq = pair.indexOf('=');
                String name = (eq < 0 ? pair : pair.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : unquote(pair.substring(eq + 1).trim());
                switch (name) {
                    case "duid" -> duid = value;
                    case "weight" -> weight = percent(value);
                    case "rweight" -> rweight = percent(value);
                    case "maxload" -> maxload = (int) number(value);
                    case "socket" -> socket = value;
                    case "sockname" -> sockname = value;
                    case "ping_from" -> pingFrom = value;
                    case "obproxy" -> obproxy = value;
                    default -> {
                        // other names are the script's own ($xavp(_dsdst_=>attrs), attrs_pvname)
                    }
                }
            }
            return new Attrs(s, duid, weight, rweight, maxload, socket, sockname, pingFrom, obproxy);
        }

        private static String unquote(String v) {
            return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
        }

        private static int percent(String v) {
            long n = number(v);
            return n >= 1 && n <= 100 ? (int) n : 0; // Kamailio ignores a weight out of 1..100
        }

        /** str2sint: the leading digits, with a sign; 0 when there are none. */
        static long number(String v) {
            String t = v.trim();
            int i = 0;
            boolean neg = false;
            if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
                neg = t.charAt(i) == '-';
                i++;
            }
            long n = 0;
            for (; i < t.length() && Character.isDigit(t.charAt(i)) && n < Integer.MAX_VALUE; i++) {
                n = n * 10 + (t.charAt(i) - '0');
            }
            return neg ? -n : n;
        }
    }
}
