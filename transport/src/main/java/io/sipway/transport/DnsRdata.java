package io.sipway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The record data SIP resolution reads (RFC 1035 A, RFC 3596 AAAA, RFC 2782 SRV, RFC 3403 NAPTR),
 * decoded from Netty's raw records into plain values that outlive the response buffer.
 */
final class DnsRdata {
    private DnsRdata() {
    }

    /** RFC 2782: a target host and port, tried by priority (lower first), weight among equals. */
    record Srv(int priority, int weight, int port, String target) {
        /** A lone record with target "." says the service is decidedly not available at this domain. */
        boolean unavailable() {
            return target.isEmpty();
        }
    }

    /** RFC 3403, as RFC 3263 uses it: the flag "s" and a replacement naming the SRV records to ask for. */
    record Naptr(int order, int preference, String flags, String service, String regexp, String replacement) {
    }

    static InetAddress address(DnsRawRecord r) throws UnknownHostException {
        ByteBuf c = r.content();
        byte[] b = new byte[c.readableBytes()];
        c.getBytes(c.readerIndex(), b);
        if (b.length != 4 && b.length != 16) {
            throw new UnknownHostException("bad address record for " + r.name() + ": " + b.length + " bytes");
        }
        // no name attached: a name would make the address print as "name/1.2.3.4" and compare unequal
        return InetAddress.getByAddress(b);
    }

    static Srv srv(DnsRawRecord r) {
        // a duplicate: the record's content shares the whole message, so a compressed target name
        // (which RFC 2782 forbids but servers send) can still follow its pointer
        ByteBuf c = r.content().duplicate();
        int priority = c.readUnsignedShort();
        int weight = c.readUnsignedShort();
        int port = c.readUnsignedShort();
        return new Srv(priority, weight, port, name(c));
    }

    static Naptr naptr(DnsRawRecord r) {
        ByteBuf c = r.content().duplicate();
        int order = c.readUnsignedShort();
        int preference = c.readUnsignedShort();
        String flags = characterString(c);
        String service = characterString(c);
        String regexp = characterString(c);
        return new Naptr(order, preference, flags, service, regexp, name(c));
    }

    /** RFC 1035 TXT: its character-strings, in order. */
    static java.util.List<String> txt(DnsRawRecord r) {
        ByteBuf c = r.content().duplicate();
        java.util.List<String> out = new java.util.ArrayList<>();
        while (c.isReadable()) {
            out.add(characterString(c));
        }
        return java.util.List.copyOf(out);
    }

    /** A domain name without its final dot, lower-cased; the root (".") is the empty name. */
    static String name(ByteBuf c) {
        return normalize(DefaultDnsRecordDecoder.decodeName(c));
    }

    /** Names compare without case and without the final dot. */
    static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String characterString(ByteBuf c) {
        int len = c.readUnsignedByte();
        String s = c.toString(c.readerIndex(), len, StandardCharsets.US_ASCII);
        c.skipBytes(len);
        return s;
    }

    /** The address a host text writes (IPv4, IPv6 with or without brackets), or null for a name. Never asks DNS. */
    static InetAddress literal(String host) {
        if (host == null) {
            return null;
        }
        String h = host.length() > 1 && host.charAt(0) == '[' && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] b = NetUtil.createByteArrayFromIpAddressString(h);
        if (b == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null; // cannot happen: 4 or 16 bytes
        }
    }
}
