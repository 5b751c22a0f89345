package io.sipway.proxy.module.auth;

import java.util.Locale;

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
        String v = value.trim();
        int sp = 0;
        while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
            sp++;
        }
        if (!v.substring(0, sp).equalsIgnoreCase("Digest")) {
            return OTHER_SCHEME;
        }
        String[] p = new String[11];
        int i = sp;
        int n = v.length();
        while (true) {
            while (i < n && (Character.isWhitespace(v.charAt(i)) || v.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int ns = i;
            while (i < n && (Character.isLetterOrDigit(v.charAt(i)) || v.charAt(i) == '-' || v.charAt(i) == '_')) {
                i++;
            }
            if (i == ns) {
                return null;
            }
            String name = v.substring(ns, i).toLowerCase(Locale.ROOT);
            while (i < n && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            if (i >= n || v.charAt(i) != '=') {
                return null;
            }
            i++;
            while (i < n && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            StringBuilder val = new StringBuilder();
            if (i < n && v.charAt(i) == '"') {
                i++;
                boolean closed = false;
                for (; i < n; i++) {
                    char ch = v.charAt(i);
                    if (ch == '\\' && i + 1 < n) {
                        val.append(v.charAt(++i));
                    } else if (ch == '"') {
                        closed = true;
                        i++;
                        break;
                    } else {
                        val.append(ch);
                    }
                }
                if (!closed) {
                    return null;
                }
            } else {
                while (i < n && v.charAt(i) != ',' && !Character.isWhitespace(v.charAt(i))) {
                    val.append(v.charAt(i++));
                }
            }
            int slot = switch (name) {
                case "username" -> 0;
                case "realm" -> 1;
                case "nonce" -> 2;
                case "uri" -> 3;
                case "response" -> 4;
                case "algorithm" -> 5;
                case "cnonce" -> 6;
                case "opaque" -> 7;
                case "qop" -> 8;
                case "nc" -> 9;
                default -> 10; // other parameters are allowed and ignored
            };
            p[slot] = val.toString();
            while (i < n && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            if (i < n && v.charAt(i) != ',') {
                return null;
            }
        }
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
