package io.sipway.proxy.module.auth;

import io.sipway.sip.DigestParams;
import java.util.Map;

/**
 * Digest credentials of one Authorization or Proxy-Authorization header field, as Kamailio's
 * parser leaves them (core/parser/digest/digest_parser.c): the username split at its first
 * {@code @} into user and domain, quotes removed, absent parameters null.
 *
 * @param username the whole username ({@code alice} or {@code alice@example.com})
 * @param user     the username before the first {@code @}
 * @param domain   the part after it, or null
 * @param qop      the qop as written (null when absent)
 */
public record Credentials(String username, String user, String domain, String realm, String nonce, String uri,
                          String response, String algorithm, String cnonce, String opaque, String qop, String nc) {

    /** What {@link #parse} says of a header that is not Digest credentials. */
    public static final Credentials OTHER_SCHEME = new Credentials(null, null, null, null, null, null, null, null, null,
            null, null, null);

    /**
     * The credentials in a header value: {@link #OTHER_SCHEME} when its scheme is not Digest (skipped
     * when looking for a realm, as Kamailio's find_credentials does), null when they do not parse.
     */
    public static Credentials parse(String value) {
        if (!DigestParams.isDigest(value)) {
            return OTHER_SCHEME;
        }
        Map<String, String> m = DigestParams.parse(value);
        if (m == null) {
            return null;
        }
        String[] p = {m.get("username"), m.get("realm"), m.get("nonce"), m.get("uri"), m.get("response"), m.get("algorithm"),
            m.get("cnonce"), m.get("opaque"), m.get("qop"), m.get("nc")};
        String username = p[0];
        String user = username;
        String domain = null;
        if (username != null) {
            int at = username.indexOf('@');
            if (at >= 0) {
                user = username.substring(0, at);
                domain = username.substring(at + 1);
            }
        }
        return new Credentials(username, user, domain, p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]);
    }

    /** qop=auth or qop=auth-int (Kamailio's QOP_AUTH, QOP_AUTHINT): then cnonce and nc are required. */
    boolean qopAuth() {
        return "auth".equalsIgnoreCase(qop) || qopAuthInt();
    }

    boolean qopAuthInt() {
        return "auth-int".equalsIgnoreCase(qop);
    }

    /** digest.c check_dig_cred: username, realm, nonce, uri and response present; cnonce and nc with qop auth/auth-int. */
    boolean complete() {
        if (username == null || realm == null || nonce == null || uri == null || response == null) {
            return false;
        }
        return !qopAuth() || (cnonce != null && nc != null);
    }
}
