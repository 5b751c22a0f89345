package io.sipway.proxy.module.uac;

import java.util.Arrays;
import java.util.Base64;

/**
 * How Kamailio's uac carries the other From/To URI in a Record-Route parameter ({@code ;vsf=},
 * {@code ;vst=}; replace.c encode_uri/decode_uri), byte for byte, so that a Kamailio hop and a
 * Sipway hop restore each other's values: the old and the new URI XORed (the shorter one over the
 * longer one's first bytes), XORed again with {@code restore_passwd} cycled, then base64 with
 * {@code -} where base64 pads with {@code =}. Whichever of the two URIs a request carries, XORing
 * it with the decoded value gives the other one (its end is where a zero byte appears).
 */
final class UriCodec {
    /** Kamailio's MAX_URI_SIZE: a longer URI cannot be encoded. */
    static final int MAX_URI = 1024;

    private UriCodec() {
    }

    /** The parameter value for a header whose URI {@code oldUri} becomes {@code newUri}; null when one is too long. */
    static String encode(byte[] oldUri, byte[] newUri, byte[] passwd) {
        byte[] longer = oldUri.length > newUri.length ? oldUri : newUri;
        byte[] shorter = longer == oldUri ? newUri : oldUri;
        if (longer.length > MAX_URI) {
            return null;
        }
        byte[] buf = Arrays.copyOf(longer, longer.length);
        for (int i = 0; i < shorter.length; i++) {
            buf[i] ^= shorter[i];
        }
        xor(buf, buf.length, passwd);
        return Base64.getEncoder().encodeToString(buf).replace('=', '-');
    }

    /**
     * The URI the parameter {@code value} pairs with {@code current} (the URI the request carries
     * now), or null as Kamailio's restore_uri fails: not base64, shorter than the current URI,
     * empty, or not printable (an endpoint changed the URI: the update is skipped).
     */
    static byte[] decode(String value, byte[] current, byte[] passwd) {
        byte[] buf;
        try {
            buf = Base64.getDecoder().decode(value.replace('-', '='));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (buf.length == 0 || buf.length > MAX_URI) {
            return null;
        }
        xor(buf, buf.length, passwd);
        if (buf.length < current.length) {
            return null;
        }
        int len = buf.length;
        for (int i = 0; i < current.length; i++) {
            buf[i] ^= current[i];
            if (buf[i] == 0) {
                len = i;
                break;
            }
        }
        if (len == 0) {
            return null;
        }
        for (int i = 0; i < len; i++) {
            int c = buf[i] & 0xff;
            if (c < 0x20 || c > 0x7e) { // isprint in the C locale
                return null;
            }
        }
        return Arrays.copyOf(buf, len);
    }

    private static void xor(byte[] buf, int len, byte[] passwd) {
        if (passwd.length == 0) {
            return;
        }
        for (int i = 0; i < len; i++) {
            buf[i] ^= passwd[i % passwd.length];
        }
    }
}
