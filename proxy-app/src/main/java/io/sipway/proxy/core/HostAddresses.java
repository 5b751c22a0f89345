package io.sipway.proxy.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Host text from SIP headers turned into addresses, and the line between text that is an address
 * and text that is a name. The line matters on the event loop: a name asks DNS and blocks the loop,
 * so checks that only care about literal addresses (is this Contact the source? is this Via us?)
 * must never resolve. A WebRTC browser's Contact host such as {@code 7ddb6380-76f.invalid} starts
 * with a digit and once went to DNS on every reply, stalling every connection of that loop. Names
 * are resolved only by the transport's {@code SipResolver}, which never waits on a loop.
 */
public final class HostAddresses {
    private HostAddresses() {
    }

    /** The address written by {@code host} (dotted IPv4, IPv6 with or without brackets), or null for a name. Never asks DNS. */
    public static InetAddress literal(String host) {
        String h = unbracketed(host);
        if (!isIpv4(h) && !(h.indexOf(':') >= 0 && isIpv6Text(h))) {
            return null;
        }
        try {
            return InetAddress.getByName(h); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String unbracketed(String host) {
        return host.length() > 1 && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    public static boolean isIpv4(String h) {
        int parts = 0;
        int i = 0;
        int n = h.length();
        while (parts < 4) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 3 && Character.isDigit(h.charAt(i))) {
                value = value * 10 + (h.charAt(i) - '0');
                i++;
            }
            if (i == start || value > 255) {
                return false;
            }
            parts++;
            if (parts < 4) {
                if (i >= n || h.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == n;
    }

    /** Only hex digits, colons, dots (an embedded IPv4 tail) and a {@code %zone}: the JDK parses such text without DNS. */
    private static boolean isIpv6Text(String h) {
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c == '%') {
                return i > 0;
            }
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                return false;
            }
        }
        return true;
    }
}
