package io.sipway.proxy.module.uac;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * uac_auth([mode]) (auth.c, auth_hdr.c, auth_alg.c): in failure_route, the failed branch's 401
 * or 407 is answered: its first WWW-Authenticate / Proxy-Authenticate challenge, the credentials
 * for its realm (the {@code auth_*_avp} values first, then the {@code credential} parameters,
 * the last one written first), and an Authorization / Proxy-Authorization header added to the
 * request the next t_relay() sends, with the Request-URI set back to the branch's. MD5 only,
 * qop {@code auth} (nc 00000001, cnonce Kamailio's hash of the nonce); mode 1: the password is
 * HA1. Kamailio 5.6 leaves the CSeq as it is (only the dialog module's cseq tracking changes it).
 */
final class UacAuth {
    private static final Logger LOG = LoggerFactory.getLogger("uac");

    /** One {@code credential} modparam, "user:realm:password". */
    record Credential(String user, String realm, String passwd) {
    }

    /** The pseudo-variables auth_username_avp, auth_realm_avp, auth_password_avp name (all or none). */
    record Avps(Pv user, Pv realm, Pv passwd) {
    }

    private volatile List<Credential> credentials = List.of();
    private volatile Avps avps;

    /** The auth_*_avp pseudo-variables, or null when not configured. */
    Avps avps() {
        return avps;
    }

    void configure(List<Credential> credentials, Avps avps) {
        this.credentials = List.copyOf(credentials);
        this.avps = avps;
    }

    /** add_credential: "user:realm:password", white space allowed around the parts; null when it does not parse. */
    static Credential parseCredential(String text) {
        String[] parts = text.split(":", 3);
        if (parts.length != 3) {
            return null;
        }
        String user = parts[0].trim();
        String realm = parts[1].trim();
        String passwd = parts[2].trim();
        if (user.isEmpty() || realm.isEmpty() || passwd.isEmpty() || hasSpace(user) || hasSpace(realm) || hasSpace(passwd)) {
            return null;
        }
        return new Credential(user, realm, passwd);
    }

    private static boolean hasSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** A parsed challenge (parse_authenticate_body). */
    record Challenge(String realm, String nonce, String opaque, String qop, boolean qopAuth) {
    }

    /** uac_auth_mode: 1 when the header was added, else -1. */
    long auth(MsgContext m, long mode) {
        ServerTransaction st = m.st;
        if (st == null) {
            LOG.error("no current transaction found");
            return -1;
        }
        String uri = st.pickedUri();
        if (uri == null) {
            LOG.error("no picked branch");
            return -1;
        }
        SipMessage rpl = st.pickedReply();
        if (rpl == null) {
            LOG.error("cannot process a FAKED reply");
            return -1;
        }
        int code = rpl.statusCode();
        String hname = code == 401 ? "WWW-Authenticate" : code == 407 ? "Proxy-Authenticate" : null;
        if (hname == null) {
            LOG.error("reply is not an auth request");
            return -1;
        }
        String body = rpl.header(hname);
        if (body == null) {
            LOG.error("reply has no auth hdr ({})", hname);
            return -1;
        }
        Challenge c = parse(body);
        if (c == null) {
            return -1;
        }
        Credential crd = null;
        Avps a = avps;
        if (a != null) {
            crd = fromAvps(m, a, c.realm);
        }
        if (crd == null) {
            List<Credential> all = credentials;
            for (int i = all.size() - 1; i >= 0 && crd == null; i--) { // Kamailio's list: the last one first
                if (all.get(i).realm.equals(c.realm)) {
                    crd = all.get(i);
                }
            }
        }
        if (crd == null) {
            LOG.debug("no credential for realm \"{}\"", c.realm);
            return -1;
        }
        String method = m.msg.methodName();
        String header = authorization(c, crd, method, uri, (mode & 1) != 0);
        m.ruri = uri;
        m.appended.add(new String[] {code == 401 ? "Authorization" : "Proxy-Authorization", header});
        return 1;
    }

    private static Credential fromAvps(MsgContext m, Avps a, String realm) {
        String r = text(a.realm.get(m));
        if (r != null && !r.isEmpty() && !r.equals(realm)) {
            return null;
        }
        String user = text(a.user.get(m));
        String passwd = text(a.passwd.get(m));
        if (user == null || user.isEmpty() || passwd == null || passwd.isEmpty()) {
            return null;
        }
        return new Credential(user, realm, passwd); // no realm value: any realm asked for
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    /** The header value: {@code Digest username="", realm="", nonce="", uri=""[, opaque=""][, qop=auth, nc=, cnonce=""], response="", algorithm=MD5}. */
    static String authorization(Challenge c, Credential crd, String method, String uri, boolean ha1Given) {
        String cnonce = Long.toString(hash1(c.nonce) & 0xffffffffL);
        String nc = "00000001";
        String ha1 = ha1Given ? crd.passwd : md5(crd.user + ":" + crd.realm + ":" + crd.passwd);
        String ha2 = md5(method + ":" + uri);
        String response;
        if (c.qop != null && !c.qop.isEmpty()) {
            int comma = c.qop.indexOf(',');
            String qop = comma < 0 ? c.qop : c.qop.substring(0, comma);
            response = md5(ha1 + ":" + c.nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
        } else {
            response = md5(ha1 + ":" + c.nonce + ":" + ha2);
        }
        StringBuilder b = new StringBuilder(256).append("Digest username=\"").append(crd.user)
                .append("\", realm=\"").append(crd.realm)
                .append("\", nonce=\"").append(c.nonce)
                .append("\", uri=\"").append(uri);
        if (c.opaque != null && !c.opaque.isEmpty()) {
            b.append("\", opaque=\"").append(c.opaque);
        }
        if (c.qopAuth) {
            b.append("\", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce);
        }
        return b.append("\", response=\"").append(response).append("\", algorithm=MD5").toString();
    }

    /**
     * parse_authenticate_body: {@code Digest} then name=value pairs; realm and nonce are needed,
     * an algorithm other than MD5 and a stale other than true/false are refused. Null when refused.
     */
    static Challenge parse(String body) {
        String s = body.trim();
        if (s.length() < 7 || !s.regionMatches(true, 0, "Digest", 0, 6) || !Character.isWhitespace(s.charAt(6))) {
            LOG.error("parse error in <{}>", body);
            return null;
        }
        String realm = null;
        String nonce = null;
        String opaque = null;
        String qop = null;
        int p = 7;
        int n = s.length();
        while (p < n) {
            while (p < n && (Character.isWhitespace(s.charAt(p)) || s.charAt(p) == ',')) {
                p++;
            }
            if (p >= n) {
                break;
            }
            int ns = p;
            while (p < n && s.charAt(p) != '=' && !Character.isWhitespace(s.charAt(p))) {
                p++;
            }
            String name = s.substring(ns, p).toLowerCase(Locale.ROOT);
            while (p < n && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
            if (p >= n || s.charAt(p) != '=') {
                LOG.error("parse error in <{}>", body);
                return null;
            }
            p++;
            while (p < n && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
            String value;
            if (p < n && s.charAt(p) == '"') {
                int q = s.indexOf('"', p + 1);
                if (q < 0) {
                    return null;
                }
                value = s.substring(p + 1, q);
                p = q + 1;
            } else {
                int vs = p;
                while (p < n && !Character.isWhitespace(s.charAt(p)) && s.charAt(p) != ',') {
                    p++;
                }
                value = s.substring(vs, p);
            }
            switch (name) {
                case "realm" -> realm = value;
                case "nonce" -> nonce = value;
                case "opaque" -> opaque = value;
                case "qop" -> qop = value;
                case "algorithm" -> {
                    if (!value.equalsIgnoreCase("MD5")) {
                        LOG.error("unsupported algorithm \"{}\"", value);
                        return null;
                    }
                }
                case "stale" -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        LOG.error("unsupported stale value \"{}\"", value);
                        return null;
                    }
                }
                default -> { }
            }
        }
        if (realm == null || realm.isEmpty() || nonce == null || nonce.isEmpty()) {
            LOG.error("realm or nonce missing");
            return null;
        }
        return new Challenge(realm, nonce, opaque, qop, qop != null && qop.startsWith("auth"));
    }

    /** Kamailio's get_hash1_raw (core/hashes.h) over the bytes, as the C code reads them (char is signed). */
    static int hash1(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int h = 0;
        int p = 0;
        for (; p <= b.length - 4; p += 4) {
            int v = (b[p] << 24) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3];
            h += v ^ (v >>> 3);
        }
        int v = switch (b.length - p) {
            case 3 -> (b[p] << 16) + (b[p + 1] << 8) + b[p + 2];
            case 2 -> (b[p] << 8) + b[p + 1];
            case 1 -> b[p];
            default -> 0;
        };
        h += v ^ (v >>> 3);
        return (h + (h >>> 11)) + ((h >>> 13) + (h >>> 23));
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The credential modparams, parsed: the first that does not parse is named. */
    static List<Credential> credentials(List<String> values) {
        List<Credential> out = new ArrayList<>();
        for (String v : values) {
            Credential c = parseCredential(v);
            if (c == null) {
                throw new IllegalArgumentException("uac: parse error in credential <" + v + ">");
            }
            out.add(c);
        }
        return out;
    }
}
