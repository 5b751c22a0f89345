package io.sipway.sip;

/** A dotted-decimal IPv4 address as text, compared with an address's bytes without parsing it into an InetAddress (per message). */
public final class Ipv4Text {
    private Ipv4Text() {
    }

    /** Whether dotted-decimal {@code text} (already checked as an IPv4 address) is the address {@code a}. */
    public static boolean same(String text, byte[] a) {
        int part = 0;
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (part > 3 || (byte) value != a[part]) {
                    return false;
                }
                part++;
                value = 0;
            } else {
                value = value * 10 + (c - '0');
            }
        }
        return part == 3 && (byte) value == a[3];
    }
}
