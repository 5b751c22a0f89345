package io.sipway.proxy.module.topoh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * topoh's masking (th_mask.c): base64 over an alphabet of letters, digits, '.' and '-' shuffled by
 * the mask key, with '*' as padding, behind a fixed prefix. The shuffle is Kamailio's, so a value
 * masked by Kamailio with the same {@code mask_key} unmasks here and the other way round:
 * <pre>
 *   md5 = MD5(key + key), read as four little-endian 32-bit words
 *   crc = CRC-16/CCITT (reflected 0x8408, init and final xor 0xffff) of the key
 *   for last = 64 down to 2:  k = crc + last + len(key)
 *       r = (md5[k % 4] + key[k % len(key)]) % last     (32-bit unsigned; key bytes signed, as C's char)
 *       swap table[r] and table[last - 1]
 * </pre>
 */
final class ThMask {
    private static final String TABLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-";
    static final char PAD = '*';
    private final char[] encode = new char[64];
    private final int[] decode = new int[256];

    ThMask(String key) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        char[] t = TABLE.toCharArray();
        if (k.length > 0) {
            shuffle(t, k);
        }
        System.arraycopy(t, 0, encode, 0, 64);
        java.util.Arrays.fill(decode, -1);
        for (int i = 0; i < 64; i++) {
            decode[encode[i]] = i;
        }
    }

    private static void shuffle(char[] t, byte[] key) {
        byte[] md5;
        try {
            MessageDigest d = MessageDigest.getInstance("MD5");
            d.update(key);
            d.update(key);
            md5 = d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this Java runtime", e);
        }
        long[] words = new long[4];
        for (int i = 0; i < 4; i++) {
            words[i] = (md5[4 * i] & 0xffL) | (md5[4 * i + 1] & 0xffL) << 8 | (md5[4 * i + 2] & 0xffL) << 16 | (md5[4 * i + 3] & 0xffL) << 24;
        }
        long crc = crcitt(key);
        for (int last = t.length; last > 1; last--) {
            long k = crc + last + key.length;
            long sum = (words[(int) (k % 4)] + key[(int) (k % key.length)]) & 0xffffffffL;
            int r = (int) (sum % last);
            char tmp = t[r];
            t[r] = t[last - 1];
            t[last - 1] = tmp;
        }
    }

    /** Kamailio's crcitt_string: CRC-16 over the reflected CCITT polynomial, 0xffff in and out. */
    static int crcitt(byte[] s) {
        int crc = 0xffff;
        for (byte b : s) {
            crc ^= b & 0xff;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return ~crc & 0xffff;
    }

    /** th_mask_encode: {@code prefix} then the masked bytes of {@code in}. */
    String encode(String in, String prefix) {
        byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(prefix.length() + (b.length + 2) / 3 * 4).append(prefix);
        for (int idx = 0; idx < b.length; idx += 3) {
            int left = Math.min(b.length - idx - 1, 2);
            int block = 0;
            for (int i = 0, r = 16; i <= left; i++, r -= 8) {
                block += (b[idx + i] & 0xff) << r;
            }
            out.append(encode[(block >> 18) & 0x3f]).append(encode[(block >> 12) & 0x3f])
                    .append(left > 0 ? encode[(block >> 6) & 0x3f] : PAD).append(left > 1 ? encode[block & 0x3f] : PAD);
        }
        return out.toString();
    }

    /** th_mask_decode: the text after {@code prefixLength} characters unmasked, or null when it is not masked text. */
    String decode(String in, int prefixLength) {
        int n = 0;
        for (int i = in.length() - 1; i >= 0 && in.charAt(i) == PAD; i--) {
            n++;
        }
        int olen = (((in.length() - prefixLength) * 6) >> 3) - n;
        if (olen <= 0) {
            return null;
        }
        byte[] out = new byte[olen];
        int end = in.length() - n;
        int i = prefixLength;
        for (int idx = 0; i < end; idx += 3) {
            int block = 0;
            for (int j = 0; j < 4 && i < end; j++) {
                char ch = in.charAt(i++);
                int c = ch < 256 ? decode[ch] : -1;
                if (c < 0) {
                    return null;
                }
                block += c << (18 - 6 * j);
            }
            for (int j = 0, s = 16; j < 3 && idx + j < olen; j++, s -= 8) {
                out[idx + j] = (byte) ((block >> s) & 0xff);
            }
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
