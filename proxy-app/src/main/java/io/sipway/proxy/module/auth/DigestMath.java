package io.sipway.proxy.module.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digest computations of RFC 2617 (MD5) and RFC 7616 (SHA-256), as Kamailio's auth module
 * makes them (rfc2617.c, rfc2617_sha256.c): hashes written as lower-case hex; the response over
 * {@code HA1:nonce[:nc:cnonce:qop]:HA2} where the qop part is present whenever the credentials
 * carry a qop, and {@code HA2 = H(method:uri[:H(body)])}, the body's hash only for qop=auth-int.
 */
public final class DigestMath {

    /** The algorithm of the whole instance (auth's {@code algorithm} parameter): one for every challenge. */
    public enum Algorithm {
        MD5("MD5", 32), SHA256("SHA-256", 64);

        /** The name in the challenge's {@code algorithm=} and for MessageDigest. */
        public final String token;
        /** Length of a hash in hex. */
        public final int hexLength;

        Algorithm(String token, int hexLength) {
            this.token = token;
            this.hexLength = hexLength;
        }
    }

    private DigestMath() {
    }

    /** {@code H(username:realm:password)}, what kamctl stores as ha1 (ha1b with {@code user@domain} as username). */
    public static String ha1(Algorithm alg, String username, String realm, String password) {
        return hash(alg, username + ":" + realm + ":" + password);
    }

    /**
     * The request-digest for these credentials and {@code ha1}; {@code body} is the request's body,
     * hashed into HA2 for qop=auth-int only. Of {@code ha1}, as of Kamailio's fixed-size buffer, only
     * the first {@link Algorithm#hexLength} characters count.
     */
    public static String response(Algorithm alg, String ha1, Credentials c, String method, byte[] body) {
        String a2 = (method == null ? "" : method) + ":" + c.uri();
        if (c.qopAuthInt()) {
            a2 += ":" + hex(digest(alg, body == null ? new byte[0] : body));
        }
        String ha2 = hash(alg, a2);
        String h1 = ha1.length() > alg.hexLength ? ha1.substring(0, alg.hexLength) : ha1;
        StringBuilder s = new StringBuilder(h1).append(':').append(c.nonce()).append(':');
        if (c.qop() != null && !c.qop().isEmpty()) {
            s.append(c.nc() == null ? "" : c.nc()).append(':').append(c.cnonce() == null ? "" : c.cnonce()).append(':')
                    .append(c.qop()).append(':');
        }
        return hash(alg, s.append(ha2).toString());
    }

    static String hash(Algorithm alg, String text) {
        return hex(digest(alg, text.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] digest(Algorithm alg, byte[] data) {
        try {
            return MessageDigest.getInstance(alg.token).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg.token + " is part of every Java platform", e);
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String hex(byte[] b) {
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(out);
    }
}
