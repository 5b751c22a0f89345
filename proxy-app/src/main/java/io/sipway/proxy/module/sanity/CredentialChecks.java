package io.sipway.proxy.module.sanity;

import io.sipway.proxy.module.sanity.SanityChecks.Failure;
import io.sipway.sip.DigestParams;
import io.sipway.sip.SipMessage;
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
        return DigestParams.isDigest(value) ? DigestParams.parse(value) : Map.of();
    }
}
