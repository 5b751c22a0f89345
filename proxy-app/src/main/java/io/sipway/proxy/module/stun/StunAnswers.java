package io.sipway.proxy.module.stun;

import io.sipway.transport.ReceiveInfo;
import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The answers of Kamailio's stun module (kam_stun.c) to a STUN message read on a SIP listener.
 *
 * <p>Header (RFC 5389 section 6): type (2 bytes), length of the attributes (2), magic cookie
 * 0x2112A442 (4), transaction id (12). A request without the cookie is an RFC 3489 one ("old").
 * <ul>
 * <li>A Binding request (0x0001) is answered with a Binding success response (0x0101) carrying the
 *     request's cookie and transaction id and the source address and port it came from:
 *     XOR-MAPPED-ADDRESS (0x0020: the port XORed with 0x2112, an IPv4 address with the cookie, an IPv6
 *     one with cookie and transaction id) and SOFTWARE (0x8022), or for an old request MAPPED-ADDRESS
 *     (0x0001) in clear and no SOFTWARE.</li>
 * <li>Any other type gets a Binding error response (0x0111) with ERROR-CODE 600 "Global Failure";
 *     a length that does not match what arrived, or an attribute running past the end, 400 "Bad
 *     Request"; comprehension-required attributes (0x0000-0x7fff) the server does not know, 420
 *     "Unknown Attribute" listing them in UNKNOWN-ATTRIBUTES.</li>
 * <li>Less than a header (a 4-byte 0x00000000 keep-alive, say) is dropped: there is no transaction
 *     id to answer.</li>
 * </ul>
 * FINGERPRINT must be the last attribute; neither it nor MESSAGE-INTEGRITY is checked (Kamailio has
 * no credentials) and nothing after MESSAGE-INTEGRITY is read (RFC 5389 15.4). Two differences from
 * Kamailio's bytes, both where it departs from the RFC: every attribute is skipped by its length
 * padded to 4 (Kamailio pads MESSAGE-INTEGRITY to 64 and FINGERPRINT to 20, which only changes
 * where it stops reading), and UNKNOWN-ATTRIBUTES repeats one type when their number is odd, as RFC
 * 5389 15.9 pads it (Kamailio pads by another count).
 */
final class StunAnswers {
    static final int MAGIC_COOKIE = 0x2112A442;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_RESPONSE = 0x0101;
    static final int BINDING_ERROR_RESPONSE = 0x0111;
    static final int MAPPED_ADDRESS = 0x0001;
    static final int ERROR_CODE = 0x0009;
    static final int UNKNOWN_ATTRIBUTES = 0x000A;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int SOFTWARE = 0x8022;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int FINGERPRINT = 0x8028;
    private static final int HEADER = 20;

    private final byte[] software;

    /** {@code software}: the SOFTWARE attribute's text (Kamailio's Server header line). */
    StunAnswers(String software) {
        this.software = software.getBytes(StandardCharsets.UTF_8);
    }

    /** The response to {@code m} from {@code from}, or null when it is dropped. */
    byte[] answer(byte[] m, ReceiveInfo from) {
        if (m.length < HEADER) {
            return null;
        }
        int type = u16(m, 0);
        boolean old = u32(m, 4) != MAGIC_COOKIE;
        int error = type == BINDING_REQUEST ? 0 : 600;
        List<Integer> unknown = new ArrayList<>();
        if (error == 0) {
            error = readAttributes(m, unknown);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(new byte[HEADER]); // type and length written last
        if (error == 0) {
            InetSocketAddress src = from.source();
            if (old) {
                address(out, MAPPED_ADDRESS, src, m, false);
            } else {
                address(out, XOR_MAPPED_ADDRESS, src, m, true);
            }
        } else {
            errorCode(out, error);
            if (!unknown.isEmpty()) {
                unknownAttributes(out, unknown);
            }
        }
        if (!old) {
            attribute(out, SOFTWARE, software);
        }
        byte[] r = out.toByteArray();
        int t = error == 0 ? BINDING_RESPONSE : BINDING_ERROR_RESPONSE;
        r[0] = (byte) (t >> 8);
        r[1] = (byte) t;
        int len = r.length - HEADER;
        r[2] = (byte) (len >> 8);
        r[3] = (byte) len;
        System.arraycopy(m, 4, r, 4, 16); // the request's cookie and transaction id
        return r;
    }

    /** 0 when the attributes are fine, else the error code; the unknown comprehension-required ones go to {@code unknown}. */
    private static int readAttributes(byte[] m, List<Integer> unknown) {
        if (m.length - HEADER != u16(m, 2)) {
            return 400;
        }
        int at = HEADER;
        while (at < m.length) {
            if (m.length - at < 4) {
                return 400;
            }
            int type = u16(m, at);
            int len = u16(m, at + 2);
            at += 4;
            if (m.length - at < len) {
                return 400;
            }
            if (type == FINGERPRINT && m.length - at > len) {
                return 400; // FINGERPRINT must come last
            }
            if (type == MESSAGE_INTEGRITY) {
                break; // what follows is FINGERPRINT or ignored
            }
            if (type <= 0x7fff && !known(type)) {
                unknown.add(type);
            }
            at += (len + 3) & ~3;
        }
        return unknown.isEmpty() ? 0 : 420;
    }

    /** The attributes Kamailio's parser knows (RFC 5389 and RFC 3489's). */
    private static boolean known(int type) {
        return switch (type) {
            case 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0008, 0x0009, 0x000A, 0x000B, 0x0014, 0x0015, 0x0020 -> true;
            default -> false;
        };
    }

    private static void address(ByteArrayOutputStream out, int type, InetSocketAddress src, byte[] request, boolean xor) {
        byte[] ip = src.getAddress().getAddress();
        boolean v6 = src.getAddress() instanceof Inet6Address;
        int port = xor ? src.getPort() ^ (MAGIC_COOKIE >>> 16) : src.getPort();
        if (xor) { // IPv4: the cookie; IPv6: the cookie and the transaction id (bytes 4..19 of the header)
            for (int i = 0; i < ip.length; i++) {
                ip[i] ^= request[4 + i];
            }
        }
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (v6 ? 2 : 1);
        v[2] = (byte) (port >> 8);
        v[3] = (byte) port;
        System.arraycopy(ip, 0, v, 4, ip.length);
        attribute(out, type, v);
    }

    private static void errorCode(ByteArrayOutputStream out, int code) {
        byte[] reason = reason(code).getBytes(StandardCharsets.US_ASCII);
        byte[] v = new byte[4 + reason.length];
        v[2] = (byte) (code / 100);
        v[3] = (byte) (code % 100);
        System.arraycopy(reason, 0, v, 4, reason.length);
        attribute(out, ERROR_CODE, v);
    }

    static String reason(int code) {
        return switch (code) {
            case 400 -> "Bad Request";
            case 420 -> "Unknown Attribute";
            default -> "Global Failure";
        };
    }

    private static void unknownAttributes(ByteArrayOutputStream out, List<Integer> types) {
        byte[] v = new byte[types.size() * 2];
        for (int i = 0; i < types.size(); i++) {
            v[2 * i] = (byte) (types.get(i) >> 8);
            v[2 * i + 1] = (byte) (int) types.get(i);
        }
        attribute(out, UNKNOWN_ATTRIBUTES, v);
        if (types.size() % 2 == 1) { // the padding repeats one of them
            out.write(types.get(0) >> 8);
            out.write(types.get(0));
        }
    }

    /** Type, length, value, zeros up to a multiple of 4 (UNKNOWN-ATTRIBUTES pads itself). */
    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type >> 8);
        out.write(type);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
        if (type != UNKNOWN_ATTRIBUTES) {
            for (int i = value.length; i % 4 != 0; i++) {
                out.write(0);
            }
        }
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static int u32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }
}
