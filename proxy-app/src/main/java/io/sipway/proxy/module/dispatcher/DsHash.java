package io.sipway.proxy.module.dispatcher;

import io.sipway.sip.SipUri;
import java.nio.charset.StandardCharsets;

/**
 * Kamailio's dispatcher hash ({@code dispatch.c:ds_get_hash}) and the keys it is computed over, so
 * that a hash algorithm sends a call to the same destination Kamailio would. The C code reads the
 * key four bytes at a time as a big-endian word of signed chars, folds each word with
 * {@code v ^ (v >> 3)} into an unsigned sum, mixes the sum once more at the end and never returns 0.
 * Everything here is unsigned 32-bit arithmetic on Java ints.
 */
final class DsHash {
    /** modparam("dispatcher", "flags") bit 1: the URI hashes use only the user part. */
    static final int HASH_USER_ONLY = 1;

    private DsHash() {
    }

    /** ds_get_hash(x, y): either may be null (Kamailio's NULL or empty str). */
    static int of(String x, String y) {
        if (x == null && y == null) {
            return 0;
        }
        int h = 0;
        if (x != null) {
            h += fold(x.getBytes(StandardCharsets.UTF_8));
        }
        if (y != null) {
            h += fold(y.getBytes(StandardCharsets.UTF_8));
        }
        h = (h + (h >>> 11)) + ((h >>> 13) + (h >>> 23));
        return h != 0 ? h : 1;
    }

    /** The sum one key adds: its whole words, then the rest as one word (which is 0 when there is no rest). */
    private static int fold(byte[] p) {
        int h = 0;
        int i = 0;
        if (p.length >= 4) {
            for (; i <= p.length - 4; i += 4) {
                // C promotes each (signed) char to int before shifting
                int v = (p[i] << 24) + (p[i + 1] << 16) + (p[i + 2] << 8) + p[i + 3];
                h += v ^ (v >>> 3);
            }
        }
        int v = 0;
        for (; i < p.length; i++) {
            v <<= 8;
            v += p[i];
        }
        h += v ^ (v >>> 3);
        return h;
    }

    /** The Call-ID hash (algorithm 0): the header's value, trimmed. */
    static int callId(String callId) {
        return of(callId == null ? "" : callId.trim(), null);
    }

    /**
     * A URI hash (algorithms 1, 2, 3; get_uri_hash_keys): the user part and the host, with
     * ":port" when the URI names a port other than its scheme's default; only the user with
     * {@link #HASH_USER_ONLY}. Null when the URI does not parse or has no host.
     */
    static Integer uri(String uriText, int dsFlags) {
        SipUri u;
        try {
            u = SipUri.parse(uriText.trim());
        } catch (RuntimeException e) {
            return null;
        }
        if (u.host() == null) {
            return null;
        }
        String key2 = null;
        if ((dsFlags & HASH_USER_ONLY) == 0) {
            int dflt = u.scheme() == SipUri.Scheme.SIPS ? 5061 : 5060;
            key2 = u.port() > 0 && u.port() != dflt ? u.host() + ":" + u.port() : u.host();
        }
        return of(u.user(), key2);
    }
}
