package io.sipway.proxy.module.sdpops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A multipart/mixed body as Kamailio's SDP parser reads it (parse_mixed_content): each part whose
 * Content-Type is application/sdp is a session, its SDP from the first non-blank character after
 * the part's headers up to the next boundary line (the CRLF before it included, as in Kamailio).
 */
final class Multipart {
    private Multipart() {
    }

    /** The boundary of a multipart/mixed Content-Type value, unquoted, or null for any other type. */
    static String boundary(String contentType) {
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("multipart/mixed")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    static Sdp parse(String t, int bodyStart, String boundary) {
        String delimiter = "--" + boundary;
        int end = t.length();
        int d1 = delimiterLine(t, bodyStart, end, delimiter);
        if (d1 < 0) {
            throw new IllegalArgumentException("empty multipart content");
        }
        List<Sdp.Stream> streams = new ArrayList<>();
        int[] session = null;
        int rawStart = -1;
        int rawEnd = -1;
        while (d1 >= 0 && d1 < end) {
            int next = delimiterLine(t, d1 + 2, end, delimiter);
            int d2 = next < 0 ? end : next;
            int p = Sdp.lineEnd(t, d1 + delimiter.length(), d2);
            boolean sdp = false;
            while (p < d2) { // the part's headers, up to an empty line
                int le = Sdp.lineEnd(t, p, d2);
                String line = t.substring(p, le).trim();
                p = le;
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Type")) {
                    sdp = Sdp.isSdp(line.substring(colon + 1));
                }
            }
            if (sdp) {
                while (p < d2 && " \t\r\n".indexOf(t.charAt(p)) >= 0) {
                    p++;
                }
                rawStart = p;
                rawEnd = d2;
                session = Sdp.session(t, p, d2, streams);
            }
            d1 = next;
        }
        if (session == null) {
            throw new IllegalArgumentException("no application/sdp part");
        }
        return Sdp.of(t, bodyStart, rawStart, rawEnd, session, streams);
    }

    /** find_sdp_line_delimiter: the next line of [from, limit) that begins with the delimiter, or -1. */
    private static int delimiterLine(String t, int from, int limit, String delimiter) {
        for (int p = t.indexOf(delimiter, from); p >= 0 && p + delimiter.length() <= limit; p = t.indexOf(delimiter, p + 1)) {
            if (p > 0 && (t.charAt(p - 1) == '\n' || t.charAt(p - 1) == '\r')) {
                return p;
            }
        }
        return -1;
    }
}
