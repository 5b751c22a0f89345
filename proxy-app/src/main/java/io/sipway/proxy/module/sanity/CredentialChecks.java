package io.sipway.proxy.module.sanity;

import io.sipway.proxy.module.sanity.SanityChecks.Failure;
import io.sipway.sip.SipMessage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** sanity_check()'s digest credentials (2048) and Authorization (8192) checks: sanity.c check_digest_only and digest.c. */
final class CredentialChecks {

    private CredentialChecks() {
    }

    /**
     * sanity.c check_digest_only over every Authorization, then every Proxy-Authorization. A scheme
     * other than Digest passes the Authorization check (8192) and fails the digest check (2048),
     * without a reply.
     */
    static Failure digest(SipMessage msg, boolean otherSchemesPass) {
        for (String header : new String[] {"Authorization", "Proxy-Authorization"}) {
            for (String value : msg.headers(header)) {
                Map<String, String> cred = credentials(value);
                if (cred == null) {
                    return new Failure(400, "Bad Auth Header", null);
                }
                if (cred.isEmpty()) {
                    return otherSchemesPass ? null : Failure.SILENT; // not Digest
                }
                if (!digestComplete(cred)) {
                    return new Failure(400, "Bad Auth Credentials", null);
                }
                if (cred.get("username").isEmpty()) {
                    return new Failure(400, "Auth Empty User", null);
                }
                if (cred.get("nonce").isEmpty()) {
                    return new Failure(400, "Auth Empty Nonce", null);
                }
                if (cred.get("response").isEmpty()) {
                    return new Failure(400, "Auth Empty Response", null);
                }
            }
        }
        return null;
    }

    /** digest.c check_dig_cred: username, realm, nonce, uri, response; cnonce and nc with qop auth or auth-int. */
    private static boolean digestComplete(Map<String, String> c) {
        for (String p : new String[] {"username", "realm", "nonce", "uri", "response"}) {
            if (!c.containsKey(p)) {
                return false;
            }
        }
        String qop = c.get("qop");
        if (qop != null && (qop.equalsIgnoreCase("auth") || qop.equalsIgnoreCase("auth-int"))) {
            return c.containsKey("cnonce") && c.containsKey("nc");
        }
        return true;
    }

    /**
     * The parameters of Digest credentials (names lower-cased, quotes removed); an empty map for
     * another scheme; null when they do not parse.
     */
    static Map<String, String> credentials(String value) {
        String v = value.trim();
        int sp = 0;
        while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
            sp++;
        }
        if (!v.substring(0, sp).equalsIgnoreCase("Digest")) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
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
            out.put(name, val.toString());
            while (i < n && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            if (i < n && v.charAt(i) != ',') {
                return null;
            }
        }
        return out;
    }
}
