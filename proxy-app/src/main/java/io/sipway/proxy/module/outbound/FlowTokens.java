package io.sipway.proxy.module.outbound;

import io.sipway.proxy.core.Outbound;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Kamailio's flow token (outbound_mod.c encode_flow_token / decode_flow_token), base64 of
 * <pre>
 *   HMAC-SHA1-80 (10) | protocol (1) | our IP (4 or 16) | our port (2) | peer IP (4 or 16) | peer port (2)
 * </pre>
 * 23 bytes for IPv4, 47 for IPv6. The protocol byte is Kamailio's protocol number (udp 1, tcp 2, tls
 * 3, ws 5, wss 6) with 0x80 set for IPv6; the HMAC-SHA1 is over the bytes after it, keyed with 20
 * random bytes made at start, or with the SHA-1 of {@code flow_token_secret} so that tokens outlive a
 * restart and several proxies share them; its last 10 bytes are kept. A text that does not decode to
 * 23 or 47 bytes is no flow token; one that does and fails the HMAC is broken.
 */
final class FlowTokens {
    static final int HMAC_LENGTH = 10;
    private final SecretKeySpec key;

    FlowTokens(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA1");
    }

    String encode(ReceiveInfo r) {
        InetSocketAddress local = r.localSocket().local();
        InetSocketAddress remote = r.source();
        byte[] l = local.getAddress().getAddress();
        byte[] p = remote.getAddress().getAddress();
        boolean v6 = l.length == 16 || p.length == 16;
        if (v6) { // one family per token: an IPv4 address on a dual-stack socket goes in as IPv4-mapped
            l = l.length == 4 ? mapped(l) : l;
            p = p.length == 4 ? mapped(p) : p;
        }
        byte[] t = new byte[HMAC_LENGTH + 1 + l.length + 2 + p.length + 2];
        int at = HMAC_LENGTH;
        t[at++] = (byte) ((v6 ? 0x80 : 0) | r.protocol().kamailioId());
        System.arraycopy(l, 0, t, at, l.length);
        at += l.length;
        t[at++] = (byte) (local.getPort() >> 8);
        t[at++] = (byte) local.getPort();
        System.arraycopy(p, 0, t, at, p.length);
        at += p.length;
        t[at++] = (byte) (remote.getPort() >> 8);
        t[at] = (byte) remote.getPort();
        System.arraycopy(hmac(t), 20 - HMAC_LENGTH, t, 0, HMAC_LENGTH);
        return Base64.getEncoder().encodeToString(t);
    }

    Outbound.Flow decode(String token) throws Outbound.BrokenToken {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] t;
        try {
            t = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (t.length != 23 && t.length != 47) {
            return null;
        }
        byte[] mac = hmac(t);
        if (!Arrays.equals(Arrays.copyOfRange(mac, 20 - HMAC_LENGTH, 20), Arrays.copyOf(t, HMAC_LENGTH))) {
            throw new Outbound.BrokenToken("flow-token failed validation");
        }
        int at = HMAC_LENGTH;
        boolean v6 = (t[at] & 0x80) != 0;
        Protocol proto = protocol(t[at++] & 0x7f);
        int n = v6 ? 16 : 4;
        if (proto == null || t.length != HMAC_LENGTH + 1 + 2 * (n + 2)) {
            throw new Outbound.BrokenToken("flow-token names no protocol or address Sipway has");
        }
        try {
            InetAddress local = InetAddress.getByAddress(Arrays.copyOfRange(t, at, at + n));
            at += n;
            int localPort = (t[at] & 0xff) << 8 | (t[at + 1] & 0xff);
            at += 2;
            InetAddress remote = InetAddress.getByAddress(Arrays.copyOfRange(t, at, at + n));
            at += n;
            int remotePort = (t[at] & 0xff) << 8 | (t[at + 1] & 0xff);
            return new Outbound.Flow(proto, new InetSocketAddress(local, localPort), new InetSocketAddress(remote, remotePort));
        } catch (UnknownHostException e) { // literal bytes of the right length: cannot happen
            throw new Outbound.BrokenToken(e.getMessage());
        }
    }

    private static Protocol protocol(int kamailioId) {
        for (Protocol p : Protocol.values()) {
            if (p.kamailioId() == kamailioId) {
                return p;
            }
        }
        return null;
    }

    /** HMAC-SHA1 of the token after its HMAC field. */
    private byte[] hmac(byte[] t) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            mac.update(t, HMAC_LENGTH, t.length - HMAC_LENGTH);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this Java runtime", e);
        }
    }

    private static byte[] mapped(byte[] v4) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(v4, 0, m, 12, 4);
        return m;
    }
}
