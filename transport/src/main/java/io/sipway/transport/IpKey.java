package io.sipway.transport;

import java.net.InetAddress;

/**
 * An IP address as two longs (IPv4 as the IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}), so that
 * table keys compare and hash without objects. Package-private helpers.
 */
final class IpKey {
    private IpKey() {
    }

    static long hi(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? 0L : word(b, 0);
    }

    static long lo(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return 0x0000_FFFF_0000_0000L | ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        }
        return word(b, 8);
    }

    private static long word(byte[] b, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[from + i] & 0xffL);
        }
        return v;
    }

    /** A well-spread bucket hash of (address, port). */
    static int hash(long hi, long lo, int port) {
        long h = hi * 0x9E37_79B9_7F4A_7C15L ^ lo * 0xC2B2_AE3D_27D4_EB4FL ^ port * 0x1656_67B1_9E37_79F9L;
        h ^= h >>> 31;
        h *= 0xD6E8_FEB8_6659_FD93L;
        return (int) (h ^ (h >>> 32));
    }
}
