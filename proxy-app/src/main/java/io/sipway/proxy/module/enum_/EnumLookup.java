package io.sipway.proxy.module.enum_;

import io.sipway.cfg.PosixRegex;
import io.sipway.transport.NaptrRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ENUM as enum.c computes it, without the DNS: the domain name of an E.164 number, which NAPTR records
 * serve the service asked for, and the URI a record's {@code !pattern!replacement!} makes of the number.
 */
final class EnumLookup {
    /** enum.h's MAX_NUM_LEN: a number is shorter. */
    static final int MAX_NUM_LEN = 33;
    /** MAX_URI_SIZE: a result is shorter. */
    static final int MAX_URI = 1024;
    /** regex_extensions' SR_RE_MAX_MATCH: the whole match and five groups. */
    static final int MAX_MATCH = 6;

    private EnumLookup() {
    }

    /** is_e164: "+" and 1 to 31 digits. */
    static boolean isE164(String user) {
        if (user == null || user.length() <= 1 || user.length() >= MAX_NUM_LEN || user.charAt(0) != '+') {
            return false;
        }
        for (int i = 1; i < user.length(); i++) {
            if (user.charAt(i) < '0' || user.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The digits reversed, each followed by a dot, then the suffix: +4930123 and e164.arpa. give 3.2.1.0.3.9.4.e164.arpa. */
    static String domain(String number, String suffix) {
        StringBuilder b = new StringBuilder();
        for (int i = number.length() - 1; i > 0; i--) {
            b.append(number.charAt(i)).append('.');
        }
        return b.append(suffix).toString();
    }

    /**
     * i_enum_query's name: the branch label inserted after the first {@code position} digits (the country
     * code's with the "cc" algorithm, a TXT record's number with "txt"), the suffix last.
     */
    static String infrastructureDomain(String number, String suffix, String label, int position) {
        int sdl = position + 1;
        StringBuilder b = new StringBuilder();
        for (int i = number.length() - 1; i > 0; i--) {
            b.append(number.charAt(i)).append('.');
            if (!label.isEmpty() && i == sdl) {
                b.append(label).append('.');
            }
        }
        return b.append(suffix).toString();
    }

    /**
     * cclen: the digits of the country code, as enum.c counts them (its tests compare the first digit
     * where they mean the second in places; reproduced as they are), 0 for fewer than 3 digits.
     */
    static int countryCodeLength(String n) {
        if (n.length() < 3) {
            return 0;
        }
        char d1 = n.charAt(0);
        char d2 = n.charAt(1);
        if (!Character.isDigit(d2)) {
            return 0;
        }
        switch (d1) {
            case '1', '7' -> {
                return 1;
            }
            case '2' -> {
                if (d2 == '0' || d1 == '7') {
                    return 2;
                }
            }
            case '3' -> {
                if (d2 >= '0' && d1 <= '4') {
                    return 2;
                }
                if (d2 == '6' || d1 == '9') {
                    return 2;
                }
            }
            case '4' -> {
                if (d2 != '2') {
                    return 2;
                }
            }
            case '5' -> {
                if (d2 >= '1' && d1 <= '8') {
                    return 2;
                }
            }
            case '6' -> {
                if (d1 <= '6') {
                    return 2;
                }
            }
            case '8' -> {
                if (d2 == '1' || d1 == '2' || d1 == '4' || d1 == '6') {
                    return 2;
                }
            }
            case '9' -> {
                if (d1 <= '5') {
                    return 2;
                }
                if (d2 == '8') {
                    return 2;
                }
            }
            default -> {
                return 0;
            }
        }
        return 3;
    }

    /** Where the "txt" algorithm asks for the position: {@code label.<country code reversed>.suffix}. */
    static String positionDomain(String number, String suffix, String label) {
        StringBuilder b = new StringBuilder(label).append('.');
        for (int i = countryCodeLength(number.substring(1)); i > 0; i--) {
            b.append(number.charAt(i)).append('.');
        }
        return b.append(suffix).toString();
    }

    /** atoi over a TXT record's first string; out of 0..10 (or none) the country code's length. */
    static int position(String txt, int ccLen) {
        int i = 0;
        String t = txt == null ? "" : txt.trim();
        boolean neg = t.startsWith("-");
        if (neg || t.startsWith("+")) {
            i = 1;
        }
        long v = 0;
        for (; i < t.length() && Character.isDigit(t.charAt(i)) && v < 1000; i++) {
            v = v * 10 + (t.charAt(i) - '0');
        }
        long sdl = neg ? -v : v;
        return sdl < 0 || sdl > 10 ? ccLen : (int) sdl;
    }

    /** sip_match: flag "u" and services e2u+sip (or sip+e2u), e2u+SERVICE:sip, or one of "+a+b" compound ones. */
    static boolean sipMatch(NaptrRecord n, String service) {
        String s = n.services();
        if (service.isEmpty()) {
            return n.flags().equalsIgnoreCase("u") && (s.equalsIgnoreCase("e2u+sip") || s.equalsIgnoreCase("sip+e2u"));
        }
        if (service.charAt(0) != '+') {
            return n.flags().equalsIgnoreCase("u") && s.equalsIgnoreCase("e2u+" + service + ":sip");
        }
        // compound: no flag check here, as in enum.c
        if (s.length() < 4 || !s.substring(0, 4).equalsIgnoreCase("e2u+")) {
            return false;
        }
        String[] offered = s.substring(4).split("\\+", -1);
        String[] wanted = service.substring(1).split("\\+", -1);
        for (String o : offered) {
            for (String w : wanted) {
                if (o.equalsIgnoreCase(w)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** naptr_sort: by (order, preference), a stable sort as enum.c's bubble sort. */
    static List<NaptrRecord> sorted(List<NaptrRecord> records) {
        List<NaptrRecord> out = new ArrayList<>(records);
        out.sort(Comparator.comparingLong(n -> ((long) n.order() << 16) + n.preference()));
        return out;
    }

    static long priority(NaptrRecord n) {
        return ((long) n.order() << 16) + n.preference();
    }

    /**
     * parse_naptr_regexp and reg_replace: {@code !pattern!replacement!} applied to the number, the result the
     * replacement with {@code \0..\5} its groups; null when the regexp is malformed, does not match, or the
     * replacement names a group that did not match.
     */
    static String apply(String regexp, String number) {
        if (regexp.isEmpty() || regexp.charAt(0) != '!') {
            return null;
        }
        int second = regexp.indexOf('!', 1);
        int third = second < 0 ? -1 : regexp.indexOf('!', second + 1);
        if (third < 0) {
            return null;
        }
        String pattern = regexp.substring(1, second);
        String replacement = regexp.substring(second + 1, third);
        Matcher m;
        try {
            Pattern p = PosixRegex.compile(pattern, Pattern.MULTILINE);
            m = p.matcher(number);
            if (m.groupCount() > MAX_MATCH || !m.find()) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                if (i == replacement.length() - 1) {
                    return null;
                }
                char next = replacement.charAt(++i);
                if (Character.isDigit(next)) {
                    int g = next - '0';
                    if (g >= MAX_MATCH || g > m.groupCount() || m.group(g) == null) {
                        return null;
                    }
                    out.append(m.group(g));
                    continue;
                }
                c = next;
            }
            out.append(c);
        }
        return out.length() + 1 >= MAX_URI ? null : out.toString();
    }

    /** add_uri_param: the parameters at the end of the URI, or before its headers ("?..."). */
    static String withParams(String uri, String params) {
        if (params.isEmpty()) {
            return uri;
        }
        int q = uri.indexOf('?');
        return q < 0 ? uri + params : uri.substring(0, q) + params + uri.substring(q);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
