package io.sipway.proxy.module.ipops;

import io.sipway.proxy.core.HostAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;

/** IP addresses written as text, as ipops reads them: literals only, never a name (nothing asks DNS). */
final class IpText {
    private IpText() {
    }

    enum Type { IPV4, IPV6, IPV6_REFERENCE, NONE }

    static Type type(String text) {
        if (text == null || text.isEmpty()) {
            return Type.NONE;
        }
        String t = text.trim();
        if (HostAddresses.isIpv4(t)) {
            return HostAddresses.literal(t) != null ? Type.IPV4 : Type.NONE;
        }
        boolean bracketed = t.length() > 2 && t.startsWith("[") && t.endsWith("]");
        String inner = bracketed ? t.substring(1, t.length() - 1) : t;
        if (inner.indexOf(':') < 0 || inner.startsWith("[") || HostAddresses.literal(inner) == null) {
            return Type.NONE;
        }
        return bracketed ? Type.IPV6_REFERENCE : Type.IPV6;
    }

    /** The address of a literal of any {@link Type} but NONE, else null. */
    private static InetAddress address(String text, boolean references) {
        Type t = type(text);
        if (t == Type.NONE || (t == Type.IPV6_REFERENCE && !references)) {
            return null;
        }
        return HostAddresses.literal(text.trim());
    }

    static boolean same(String a, String b, boolean references) {
        InetAddress x = address(a, references);
        InetAddress y = address(b, references);
        return x != null && y != null && x.equals(y);
    }

    /** 10/8, 172.16/12, 192.168/16. */
    static boolean isRfc1918(String text) {
        if (type(text) != Type.IPV4) {
            return false;
        }
        byte[] a = HostAddresses.literal(text.trim()).getAddress();
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        return first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168);
    }

    /** Whether {@code ip} (no IPv6 reference) is in one of the comma-separated subnets ("a.b.c.d/n", "ipv6/n", an address alone is /32 or /128). */
    static boolean inAnySubnet(String ip, String subnets) {
        InetAddress address = address(ip, false); // Kamailio's is_in_subnet refuses an IPv6 reference
        if (address == null || subnets == null) {
            return false;
        }
        for (String subnet : subnets.split(",")) {
            if (inSubnet(address, subnet.trim())) {
                return true;
            }
        }
        return false;
    }

    private static boolean inSubnet(InetAddress address, String subnet) {
        int slash = subnet.indexOf('/');
        InetAddress net = address(slash < 0 ? subnet : subnet.substring(0, slash), true);
        if (net == null || (net instanceof Inet4Address) != (address instanceof Inet4Address)) {
            return false;
        }
        byte[] n = net.getAddress();
        byte[] a = address.getAddress();
        int bits = n.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(subnet.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                return false;
            }
            if (bits < 0 || bits > n.length * 8) {
                return false;
            }
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((n[i / 8] & mask) != (a[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
