package io.sipway.cfg;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kamailio's regular expressions are POSIX extended ones, matched case-insensitively and
 * unanchored ({@code =~}, regex {@code case} labels), translated to java.util.regex once, at load
 * time.
 * Also the small address helpers of {@code src_ip == 10.0.0.0/8}.
 */
final class Regex {
    private Regex() {
    }

    /** @throws IllegalArgumentException naming what is wrong with the expression */
    static Pattern compile(String posix) {
        String java;
        try {
            java = Preprocessor.posixToJava(posix); // the same translation #!subst uses
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad regular expression \"" + posix + "\": " + e.getMessage());
        }
        try {
            return Pattern.compile(java, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regular expression \"" + posix + "\": " + e.getDescription());
        }
    }

    /** The bytes of an IPv4 or IPv6 literal (brackets allowed), or null when it is not one. */
    static byte[] ipBytes(String s) {
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || !(s.indexOf(':') >= 0 || s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}"))) {
            return null;
        }
        if (s.indexOf(':') >= 0 && !s.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(s).getAddress(); // a literal: no DNS
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
