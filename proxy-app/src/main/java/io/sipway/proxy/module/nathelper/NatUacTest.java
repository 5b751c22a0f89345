package io.sipway.proxy.module.nathelper;

import static io.sipway.proxy.module.Routes.*;

import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.Address;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
import io.sipway.transport.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * nathelper's nat_uac_test: the tests of a request's source against what its headers and SDP say
 * (flags 1..256, as Kamailio's), and what "private" means (RFC 1918, RFC 6598).
 */
final class NatUacTest {
    /** An SDP body's line ends, compiled once. */
    private static final Pattern SDP_LINE_END = Pattern.compile("\r?\n");

    private NatUacTest() {
    }


    static boolean test(MsgContext m, long flags) {
        InetSocketAddress src = m.from.source();
        try {
            if ((flags & 1) != 0 && contactHostPrivate(m)) {
                return true;
            }
            Via v = m.msg.topVia();
            if ((flags & 2) != 0 && v != null && !sameAddress(v.host(), src.getAddress())) {
                return true;
            }
            if ((flags & 4) != 0 && v != null && isPrivate(v.host())) {
                return true;
            }
            if ((flags & 8) != 0 && sdpConnection(m) != null && isPrivate(sdpConnection(m))) {
                return true;
            }
            if ((flags & 16) != 0 && v != null && (v.port() > 0 ? v.port() : 5060) != src.getPort()) {
                return true;
            }
            if ((flags & 32) != 0 && isPrivate(src.getAddress().getHostAddress())) {
                return true;
            }
            if ((flags & 64) != 0 && (m.from.protocol() == Protocol.WS || m.from.protocol() == Protocol.WSS)) {
                return true;
            }
            if ((flags & 128) != 0) {
                SipUri u = contactUri(m);
                if (u != null && (u.port() > 0 ? u.port() : 5060) != src.getPort()) {
                    return true;
                }
            }
            if ((flags & 256) != 0) {
                String c = sdpConnection(m);
                if (c != null && !sameAddress(c, src.getAddress())) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return false; // a header that does not parse answers no test
        }
        return false;
    }

    static SipUri contactUri(MsgContext m) {
        if (m.contactOverride != null) {
            return SipUri.parse(m.contactOverride);
        }
        List<Address> contacts = m.msg.contacts();
        return contacts.isEmpty() || contacts.get(0).isWildcard() ? null : contacts.get(0).uri();
    }

    private static boolean contactHostPrivate(MsgContext m) {
        SipUri u = contactUri(m);
        return u != null && isPrivate(u.host());
    }

    /** The address of the SDP's first {@code c=IN IP4/IP6} line, or null. */
    private static String sdpConnection(MsgContext m) {
        String body = new String(m.msg.body(), StandardCharsets.ISO_8859_1);
        for (String line : SDP_LINE_END.split(body)) {
            if (line.startsWith("c=IN IP4 ") || line.startsWith("c=IN IP6 ")) {
                String a = line.substring(9).trim();
                int slash = a.indexOf('/');
                return slash < 0 ? a : a.substring(0, slash);
            }
        }
        return null;
    }

    static boolean sameAddress(String host, InetAddress a) {
        InetAddress h = HostAddresses.literal(host);
        return h != null && h.equals(a);
    }

    /** RFC 1918 and RFC 6598 (100.64/10) IPv4 addresses; a name is not private. */
    static boolean isPrivate(String host) {
        String[] p = host.split("\\.");
        if (p.length != 4) {
            return false;
        }
        int[] o = new int[4];
        try {
            for (int i = 0; i < 4; i++) {
                o[i] = Integer.parseInt(p[i]);
            }
        } catch (NumberFormatException e) {
            return false;
        }
        return o[0] == 10 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) || (o[0] == 192 && o[1] == 168)
                || (o[0] == 100 && o[1] >= 64 && o[1] <= 127);
    }
}
