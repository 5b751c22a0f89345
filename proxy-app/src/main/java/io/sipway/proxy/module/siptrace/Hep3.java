package io.sipway.proxy.module.siptrace;

import io.sipway.transport.Protocol;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * HEP version 3 (the Homer encapsulation protocol) as Kamailio's siptrace writes it
 * (siptrace_hep.c, trace_send_hep3_duplicate): the header {@code "HEP3"} and the packet's total
 * length, then chunks, each {@code vendor id (0), type id, length including these 6 bytes, data},
 * every number in network byte order, in this order:
 *
 * <pre>
 *   0x0001 IP family (uint8: 2 AF_INET, 10 AF_INET6)   0x0002 IP protocol (uint8: 17 UDP, 6 TCP, 22 TLS/WS/WSS)
 *   0x0003/0x0004 source/destination IPv4 (4 bytes)   or 0x0005/0x0006 IPv6 (16 bytes)
 *   0x0007/0x0008 source/destination port (uint16)
 *   0x0009 seconds, 0x000a microseconds (uint32)      0x000b protocol type (uint8: 1 SIP)
 *   0x000c capture id (uint32)                        0x0011 correlation id (when given)
 *   0x000e authentication key (when set)              0x000f the payload: the SIP message
 * </pre>
 *
 * Source and destination must be of one family: Kamailio refuses "interworking" (null here).
 */
final class Hep3 {
    /** Kamailio's AF_INET and AF_INET6 (Linux). */
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** The largest packet Kamailio builds (BUF_SIZE). */
    static final int MAX = 65535;

    private Hep3() {
    }

    /** One end of a traced message: the protocol (Kamailio's siptrace names it in "proto:ip:port") and the address. */
    record End(Protocol protocol, InetSocketAddress address) {
        /** Kamailio's "udp:127.0.0.1:5060" (siptrace_proto_name, ip_addr2a: IPv6 without brackets). */
        String text() {
            return protocol.text() + ":" + address.getAddress().getHostAddress().replaceFirst("%.*$", "") + ":" + address.getPort();
        }
    }

    /** The IP protocol number siptrace's pipport2su gives a "proto:" prefix (TLS, WS and WSS: IPPROTO_IDP, 22). */
    static int ipProtocol(Protocol p) {
        return switch (p) {
            case UDP -> 17;
            case TCP -> 6;
            default -> 22;
        };
    }

    /**
     * The packet of one traced message, or null when its ends are of different families.
     *
     * @param micros the capture time in microseconds since the epoch
     */
    static byte[] encode(End from, End to, long micros, int captureId, String authKey, String correlationId, byte[] payload) {
        boolean v4 = from.address().getAddress() instanceof Inet4Address;
        if (v4 != to.address().getAddress() instanceof Inet4Address) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 160);
        out.writeBytes(new byte[] {'H', 'E', 'P', '3', 0, 0});
        chunk(out, 0x0001, new byte[] {(byte) (v4 ? AF_INET : AF_INET6)});
        // pipport2su sets the protocol from each end in turn: the destination's wins
        chunk(out, 0x0002, new byte[] {(byte) ipProtocol(to.protocol())});
        chunk(out, v4 ? 0x0003 : 0x0005, from.address().getAddress().getAddress());
        chunk(out, v4 ? 0x0004 : 0x0006, to.address().getAddress().getAddress());
        chunk(out, 0x0007, u16(from.address().getPort()));
        chunk(out, 0x0008, u16(to.address().getPort()));
        chunk(out, 0x0009, u32(Math.floorDiv(micros, 1_000_000L)));
        chunk(out, 0x000a, u32(Math.floorMod(micros, 1_000_000L)));
        chunk(out, 0x000b, new byte[] {1});
        chunk(out, 0x000c, u32(captureId & 0xffffffffL));
        if (correlationId != null && !correlationId.isEmpty()) {
            chunk(out, 0x0011, correlationId.getBytes(StandardCharsets.UTF_8));
        }
        if (authKey != null && !authKey.isEmpty()) {
            chunk(out, 0x000e, authKey.getBytes(StandardCharsets.UTF_8));
        }
        chunk(out, 0x000f, payload);
        byte[] packet = out.toByteArray();
        if (packet.length > MAX) {
            return null; // Kamailio's BUF_SIZE: the length field has 16 bits
        }
        packet[4] = (byte) (packet.length >>> 8);
        packet[5] = (byte) packet.length;
        return packet;
    }

    /**
     * HEP version 1 or 2 (siptrace_hep.c, trace_send_hep2_duplicate): a fixed header {@code version,
     * header length, family, protocol, source port, destination port}, the two addresses, for
     * version 2 the time (seconds and microseconds, little-endian as Kamailio's to_le leaves them on
     * x86) and the capture id (16 bits, host order) padded to 12 bytes as the C struct is, then the
     * payload. Null for ends of different families.
     */
    static byte[] encodeV1V2(int version, End from, End to, long micros, int captureId, byte[] payload) {
        boolean v4 = from.address().getAddress() instanceof Inet4Address;
        if (v4 != to.address().getAddress() instanceof Inet4Address) {
            return null;
        }
        int ipLen = v4 ? 8 : 32;
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 64);
        out.writeBytes(new byte[] {(byte) version, (byte) (8 + ipLen), (byte) (v4 ? AF_INET : AF_INET6),
                (byte) ipProtocol(to.protocol())});
        out.writeBytes(u16(from.address().getPort()));
        out.writeBytes(u16(to.address().getPort()));
        out.writeBytes(from.address().getAddress().getAddress());
        out.writeBytes(to.address().getAddress().getAddress());
        if (version == 2) {
            out.writeBytes(le32(Math.floorDiv(micros, 1_000_000L)));
            out.writeBytes(le32(Math.floorMod(micros, 1_000_000L)));
            out.writeBytes(new byte[] {(byte) captureId, (byte) (captureId >>> 8), 0, 0});
        }
        out.writeBytes(payload);
        byte[] packet = out.toByteArray();
        return packet.length > MAX ? null : packet;
    }

    private static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static void chunk(ByteArrayOutputStream out, int type, byte[] data) {
        int len = 6 + data.length;
        out.writeBytes(new byte[] {0, 0, (byte) (type >>> 8), (byte) type, (byte) (len >>> 8), (byte) len});
        out.writeBytes(data);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
