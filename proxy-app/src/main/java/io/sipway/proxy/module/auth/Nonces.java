package io.sipway.proxy.module.auth;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Kamailio's nonces (auth/nonce.c, nonce.h, nc.c, ot_nonce.c): stateless, signed with the
 * module's secret, verifiable by any worker of this instance. The nonce is the standard base64 of
 *
 * <pre>
 *   expire(4, big-endian) | since(4) | MD5(expire | since [| nid | pf] | secret1)(16)
 *       [| MD5([R-URI][Call-ID][From tag][source IP] | secret2)(16)]   when auth_checks_* asks for it
 *       [| nid(4) | pf(1)]                                              with nonce_count or one_time_nonce
 * </pre>
 *
 * where {@code pf} holds the flags 128 (nid valid for nonce_count) and 64 (for one_time_nonce) and
 * the pool number 0. A nonce made before this instance started, or more than nonce_auth_max_drift
 * seconds in the future, is stale before anything else is looked at; one whose MD5 does not match is
 * invalid. With nonce_count, the {@code nc} of each nonce must grow (stored as a byte per nonce id in
 * a ring of nc_array_size ids, so an nc above 255 or an id pushed out of the ring is stale); with
 * one_time_nonce a nonce is accepted once (one bit per id).
 *
 * <p>{@link #check} answers check_nonce's codes: 0 ok, -1 invalid, 1 too short, 2 no match, 3 the
 * extra checks failed, 4 stale, 5 bad nc, 6 reused.
 */
final class Nonces {
    static final int NF_VALID_NC_ID = 128;
    static final int NF_VALID_OT_ID = 64;
    /** base64 of the 24 bytes every nonce has. */
    static final int MIN_NONCE_LEN = 32;
    private static final int MIN_BIN_NONCE_LEN = 24;
    private static final int MAX_BIN_NONCE_LEN = 45;

    private final byte[] secret1;
    private final byte[] secret2;
    private final int expire;
    private final int maxDrift;
    private final LongSupplier clock;
    /** Kamailio's up_since: nonces made before are stale. Moved back if the clock goes back before it. */
    private volatile long upSince;
    private final AtomicInteger nid = new AtomicInteger();
    /** nonce_count: the last nc of each nonce id (ring of ncSize), 0xff when unknown (so replays after a start fail). */
    private final byte[] nc;
    /** one_time_nonce: whether each nonce id (ring of otnSize) was used; all set at start. */
    private final long[] otn;

    /**
     * @param ncSize  nonce ids remembered for nonce_count (a power of 2), 0 when off
     * @param otnSize the same for one_time_nonce, 0 when off
     * @param clock   the time in seconds
     */
    Nonces(byte[] secret1, byte[] secret2, int expire, int maxDrift, int ncSize, int otnSize, LongSupplier clock) {
        this.secret1 = secret1.clone();
        this.secret2 = secret2.clone();
        this.expire = expire;
        this.maxDrift = maxDrift;
        this.clock = clock;
        this.upSince = clock.getAsLong();
        this.nc = ncSize > 0 ? new byte[ncSize] : null;
        if (nc != null) {
            Arrays.fill(nc, (byte) 0xff);
        }
        this.otn = otnSize > 0 ? new long[(otnSize + 63) / 64] : null;
        if (otn != null) {
            Arrays.fill(otn, -1L);
        }
    }

    boolean countsNc() {
        return nc != null;
    }

    /** A new nonce; {@code extra} is what auth_checks_* binds it to (null when they are 0 for this request). */
    String create(byte[] extra) {
        int t = (int) clock.getAsLong();
        int id = 0;
        int pf = 0;
        if (nc != null || otn != null) {
            id = nid.incrementAndGet();
            if (nc != null) {
                synchronized (nc) {
                    nc[id & (nc.length - 1)] = 0;
                }
                pf |= NF_VALID_NC_ID;
            }
            if (otn != null) {
                int bit = id & (otn.length * 64 - 1);
                synchronized (otn) {
                    otn[bit >>> 6] &= ~(1L << (bit & 63));
                }
                pf |= NF_VALID_OT_ID;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(MAX_BIN_NONCE_LEN);
        b.putInt(t + expire).putInt(t);
        b.put(md5One(b.array(), id, pf));
        if (extra != null) {
            b.put(md5Two(extra));
        }
        if (pf != 0) {
            b.putInt(id).put((byte) pf);
        }
        return Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), b.position()));
    }

    /** MD5(expire | since [| nid | pf] | secret1) over the first 8 bytes of {@code head}. */
    private byte[] md5One(byte[] head, int id, int pf) {
        java.security.MessageDigest md = md5();
        md.update(head, 0, 8);
        if ((pf & (NF_VALID_NC_ID | NF_VALID_OT_ID)) != 0) {
            md.update(ByteBuffer.allocate(5).putInt(id).put((byte) pf).array());
        }
        md.update(secret1);
        return md.digest();
    }

    private byte[] md5Two(byte[] extra) {
        java.security.MessageDigest md = md5();
        md.update(extra);
        md.update(secret2);
        return md.digest();
    }

    private static java.security.MessageDigest md5() {
        try {
            return java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * check_nonce: {@code extra} as for {@link #create} (null without extra checks), {@code ncValue}
     * the credentials' nc (null when absent).
     */
    int check(String nonce, byte[] extra, String ncValue) {
        if (nonce == null) {
            return -1;
        }
        if (nonce.length() < MIN_NONCE_LEN) {
            return 1;
        }
        byte[] b;
        try {
            b = Base64.getDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (b.length < MIN_BIN_NONCE_LEN || b.length > MAX_BIN_NONCE_LEN) {
            return -1;
        }
        ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(b, MAX_BIN_NONCE_LEN)); // missing nid bytes read as 0
        long expireAt = in.getInt(0);
        long since = in.getInt(4);
        long t = clock.getAsLong();
        if (since < upSince) {
            if (t < upSince) {
                upSince = t; // the clock went back since the start
            }
            if (since < t) {
                return 4; // from before this instance started
            }
        }
        if (since > t && since - t > maxDrift) {
            return 4; // from the future
        }
        int nidAt = extra != null ? 40 : 24;
        int id = in.getInt(nidAt);
        int pf = in.get(nidAt + 4) & 0xff;
        if (otn != null && (pf & NF_VALID_OT_ID) == 0) {
            return 4;
        }
        if (!java.security.MessageDigest.isEqual(Arrays.copyOfRange(b, 8, 24), md5One(b, id, pf))) {
            return 2;
        }
        if (nc != null && (pf & NF_VALID_NC_ID) != 0 && ncValue != null && !ncValue.isEmpty()) {
            long n = ncValue.length() == 8 ? parseHex8(ncValue) : -1;
            if (n < 0) {
                return 5;
            }
            // a valid nc skips the one-time and extra checks (nonce.c: goto check_stale)
            return ncCheck(id, n) ? (expireAt < t ? 4 : 0) : 4;
        }
        if (otn != null && (pf & NF_VALID_OT_ID) != 0 && !otnCheck(id)) {
            return 6;
        }
        if (extra != null) {
            int expected = 40 + ((pf & (NF_VALID_NC_ID | NF_VALID_OT_ID)) != 0 ? 5 : 0);
            if (b.length != expected) {
                return 2;
            }
            if (!java.security.MessageDigest.isEqual(Arrays.copyOfRange(b, 24, 40), md5Two(extra))) {
                return 3;
            }
        }
        return expireAt < t ? 4 : 0;
    }

    private static long parseHex8(String s) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** nc.c nc_check_val: the id still in the ring, nc below 256 and above the last one; then remembered. */
    private boolean ncCheck(int id, long value) {
        if (Integer.toUnsignedLong(nid.get() - id) >= nc.length || value >= 256) {
            return false; // id overflow, or nc too big: stale, re-challenge
        }
        synchronized (nc) {
            int i = id & (nc.length - 1);
            if ((nc[i] & 0xff) >= value) {
                return false; // replay
            }
            nc[i] = (byte) value;
            return true;
        }
    }

    /** ot_nonce.c otn_check_id: the id still in the ring and not used yet; then used. */
    private boolean otnCheck(int id) {
        int size = otn.length * 64;
        if (Integer.toUnsignedLong(nid.get() - id) >= size) {
            return false;
        }
        int bit = id & (size - 1);
        synchronized (otn) {
            long mask = 1L << (bit & 63);
            if ((otn[bit >>> 6] & mask) != 0) {
                return false;
            }
            otn[bit >>> 6] |= mask;
            return true;
        }
    }
}
