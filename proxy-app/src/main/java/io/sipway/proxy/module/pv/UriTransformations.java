package io.sipway.proxy.module.pv;

import static io.sipway.proxy.module.pv.ParamTransformations.parseParams;
import static io.sipway.proxy.module.pv.ParamTransformations.valueOf;
import static io.sipway.proxy.module.pv.Transformations.nonEmpty;
import static io.sipway.proxy.module.pv.Transformations.plain;
import static io.sipway.proxy.module.pv.Transformations.simple;
import static io.sipway.proxy.module.pv.Transformations.textParam;
import static io.sipway.proxy.module.pv.Transformations.with;

import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.module.pv.ParamTransformations.Param;
import io.sipway.proxy.module.pv.Transformations.TextParam;
import io.sipway.sip.SipUri;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code uri.} transformations (pv_trans.c tr_eval_uri over parse_uri.c): the parts of a sip:,
 * sips:, tel: or tels: URI, {@code uri.param,name} and the rebuilt forms duri, saor, suri and
 * tosocket. {@link Uri} is also what {@code tobody.} parses its URI with.
 */
final class UriTransformations {

    private UriTransformations() {
    }

    /** Puts the uri. names into {@link Transformations}'s table. */
    static void register() {
        plain("uri.user", uri(u -> u.user));
        plain("uri.host", uri(u -> u.host));
        plain("uri.domain", uri(u -> u.host));
        plain("uri.passwd", uri(u -> u.passwd));
        plain("uri.port", uri(u -> u.port < 0 ? "" : (Object) (long) u.port));
        plain("uri.params", uri(u -> u.sipParams));
        with("uri.param", 1, 1, "name", simple(UriTransformations::uriParam));
        plain("uri.headers", uri(u -> u.headers));
        plain("uri.transport", uri(u -> u.known("transport")));
        plain("uri.ttl", uri(u -> u.known("ttl")));
        plain("uri.uparam", uri(u -> u.known("user")));
        plain("uri.maddr", uri(u -> u.known("maddr")));
        plain("uri.method", uri(u -> u.known("method")));
        plain("uri.lr", uri(u -> u.known("lr")));
        plain("uri.r2", uri(u -> u.known("r2")));
        plain("uri.scheme", uri(u -> u.scheme));
        plain("uri.duri", uri(u -> u.rebuild(false, true)));
        plain("uri.saor", uri(u -> u.rebuild(true, false)));
        plain("uri.suri", uri(u -> u.rebuild(true, true)));
        plain("uri.tosocket", uri(Uri::toSocket));
    }

    /**
     * A URI cut as Kamailio's parse_uri cuts it. sip:, sips:, tel: and tels: URIs are read by
     * sip-parser's {@link SipUri} (RFC 3261 and 3966 grammar); a URI it refuses, and any other scheme
     * (urn: included, which Kamailio reads too), fails the transformation.
     */
    static final class Uri {
        /** The URI as parsed (for uri.: without the one trailing ';' Kamailio ignores). */
        final String text;
        /** The scheme as written, e.g. "sip" or "SIP". */
        final String scheme;
        final String user;
        final String passwd;
        /** The host as written; an IPv6 reference keeps its brackets; "" for tel:. */
        final String host;
        /** The port, or -1 when none is written. */
        final int port;
        /** The parameters after the first ';' of a sip: or sips: URI, without it; "" for tel:. */
        final String sipParams;
        final String headers;
        /** The parameters to look the well-known ones up in (transport, user, lr...). */
        private final String params;

        private Uri(String text, String scheme, SipUri u, String params, boolean tel) {
            this.text = text;
            this.scheme = scheme;
            this.params = params;
            this.sipParams = tel ? "" : params;
            String usr = u.user() == null ? "" : u.user();
            // core's phone2tel (on by default): in sip:+123;npdi@host;user=phone the user is "+123"
            int semi = usr.indexOf(';');
            if (!tel && semi >= 0 && "phone".equals(known("user"))) {
                usr = usr.substring(0, semi);
            }
            this.user = usr;
            this.passwd = u.password() == null ? "" : u.password();
            this.host = u.host() == null ? "" : u.host();
            this.port = u.port();
            this.headers = u.headers() == null ? "" : u.headers();
        }

        /** The URI, or null when it does not parse. */
        static Uri parse(String s) {
            int colon = s.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            String scheme = s.substring(0, colon);
            String lower = scheme.toLowerCase(Locale.ROOT);
            boolean tel = lower.equals("tel") || lower.equals("tels");
            if (!tel && !lower.equals("sip") && !lower.equals("sips")) {
                return null;
            }
            SipUri u;
            try {
                u = SipUri.parse(lower.equals("tels") ? "tel" + s.substring(colon) : s);
            } catch (RuntimeException e) {
                return null;
            }
            int from = colon + 1;
            if (!tel) {
                from = s.indexOf('@', from) + 1; // past the userinfo (no ';' or '?' in the host)
                if (from == 0) {
                    from = colon + 1;
                }
            }
            int semi = s.indexOf(';', from);
            int question = tel ? -1 : s.indexOf('?', from);
            String params = semi < 0 || question >= 0 && semi > question ? ""
                    : s.substring(semi + 1, question < 0 ? s.length() : question);
            return new Uri(s, scheme, u, params, tel);
        }

        /**
         * The value of a parameter parse_uri knows by name ("" for a flag such as lr, and when it is
         * missing); the last one written wins, as parse_uri keeps overwriting.
         */
        String known(String name) {
            String found = "";
            int i = 0;
            int n = params.length();
            while (i < n) {
                int end = params.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                int eq = params.indexOf('=', i);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                if (params.regionMatches(true, i, name, 0, name.length()) && nameEnd - i == name.length()) {
                    found = nameEnd == end ? "" : params.substring(nameEnd + 1, end);
                }
                i = end + 1;
            }
            return found;
        }

        /**
         * uri.duri (scheme, host, port, transport), uri.saor (scheme, user, host) and uri.suri (all
         * four): the scheme as written, a part only when the URI has it.
         */
        String rebuild(boolean withUser, boolean withPortAndTransport) {
            StringBuilder b = new StringBuilder(text.length()).append(scheme).append(':');
            if (withUser && !user.isEmpty()) {
                b.append(user).append('@');
            }
            b.append(host);
            if (withPortAndTransport) {
                if (port >= 0) {
                    b.append(':').append(port);
                }
                String transport = known("transport");
                if (!transport.isEmpty()) {
                    b.append(";transport=").append(transport);
                }
            }
            return b.toString();
        }

        /**
         * uri.tosocket: proto:host:port, the port 5060 when none is written. The proto comes from the
         * transport parameter (udp, tcp, tls, sctp, ws, any case); without one, or with another, the
         * result is "" (Kamailio warns "unknown transport protocol").
         */
        String toSocket() {
            String proto = known("transport").toLowerCase(Locale.ROOT);
            if (!SOCKET_PROTOS.contains(proto)) {
                return "";
            }
            return proto + ":" + host + ":" + (port > 0 ? port : 5060);
        }
    }

    /** The transports uri.tosocket names (parse_uri knows no others). */
    private static final Set<String> SOCKET_PROTOS = Set.of("udp", "tcp", "tls", "sctp", "ws");

    /** The last URI the uri. class parsed: scripts read several parts of one URI in a row. */
    private static volatile Uri lastUri;

    private static Transformation uri(Function<Uri, Object> part) {
        return (v, ctx) -> {
            Uri u = uriOf(v);
            return u == null ? null : part.apply(u);
        };
    }

    /** tr_eval_uri's input: a non-empty string, one trailing ';' dropped when longer than 4 chars. */
    private static Uri uriOf(Object v) {
        String s = nonEmpty(v);
        if (s == null) {
            return null;
        }
        if (s.length() > 4 && s.charAt(s.length() - 1) == ';') {
            s = s.substring(0, s.length() - 1);
        }
        Uri last = lastUri;
        if (last != null && last.text.equals(s)) {
            return last;
        }
        Uri u = Uri.parse(s);
        if (u != null) {
            lastUri = u;
        }
        return u;
    }

    /** uri.param,name: looked up in the sip: parameters with param.'s parser; "" when absent. */
    private static Transformation uriParam(String name, List<ValueSource> params) {
        TextParam wanted = textParam(name, "name", params.get(0));
        return (v, ctx) -> {
            Uri u = uriOf(v);
            if (u == null) {
                return null;
            }
            if (u.sipParams.isEmpty()) {
                return "";
            }
            List<Param> list = parseParams(u.sipParams, ';');
            String key = wanted.get(ctx);
            return list == null || key == null ? null : valueOf(list, key, "");
        };
    }
}
