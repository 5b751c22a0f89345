package io.sipway.proxy.module.rtpproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of an SDP body rtpproxy rewrites, as offsets into the message text (Kamailio's parse_sdp
 * as force_rtp_proxy reads it): per session the o= address and the session c= address, per media
 * stream its port, its c= address, its payload types and its a=rtcp port. Lines end in CRLF or LF.
 */
final class Sdp {
    /** An address in the text: [start, end), its family (4 or 6), and where that family's digit is. */
    record Ip(int start, int end, int family, int familyAt) {
    }

    record Stream(int portStart, int portEnd, boolean rtp, String payloads, Ip c, int rtcpStart, int rtcpEnd) {
    }

    record Session(Ip origin, Ip c, List<Stream> streams) {
    }

    private Sdp() {
    }

    /** The sessions of the body text[from, to). */
    static List<Session> parse(String text, int from, int to) {
        List<Session> sessions = new ArrayList<>();
        Ip origin = null;
        Ip sessionC = null;
        List<Stream> streams = null;
        // the stream being read: its fields until the next m= or v=
        int ps = -1;
        int pe = -1;
        boolean rtp = false;
        String payloads = "";
        Ip streamC = null;
        int rs = -1;
        int re = -1;
        boolean inStream = false;
        int p = from;
        while (p < to) {
            int nl = text.indexOf('\n', p);
            int lineEnd = nl < 0 || nl >= to ? to : nl;
            int next = lineEnd < to ? lineEnd + 1 : to;
            int end = lineEnd > p && text.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            if (end - p >= 2 && text.charAt(p + 1) == '=') {
                char type = text.charAt(p);
                if (type == 'v' || type == 'm') {
                    if (inStream) {
                        streams.add(new Stream(ps, pe, rtp, payloads, streamC, rs, re));
                        inStream = false;
                    }
                }
                if (type == 'v') {
                    if (streams != null) {
                        sessions.add(new Session(origin, sessionC, List.copyOf(streams)));
                    }
                    streams = new ArrayList<>();
                    origin = null;
                    sessionC = null;
                } else if (streams != null) {
                    switch (type) {
                        case 'o' -> origin = origin == null ? address(text, p + 2, end, 3) : origin;
                        case 'c' -> {
                            Ip ip = address(text, p + 2, end, 0);
                            if (inStream) {
                                streamC = streamC == null ? ip : streamC;
                            } else if (sessionC == null) {
                                sessionC = ip;
                            }
                        }
                        case 'm' -> {
                            List<int[]> tok = tokens(text, p + 2, end);
                            if (tok.size() >= 3) {
                                inStream = true;
                                ps = tok.get(1)[0];
                                pe = tok.get(1)[1];
                                String transport = text.substring(tok.get(2)[0], tok.get(2)[1]).toUpperCase(Locale.ROOT);
                                rtp = transport.startsWith("RTP/") || transport.contains("/RTP/");
                                payloads = tok.size() > 3 ? text.substring(tok.get(3)[0], end) : "";
                                streamC = null;
                                rs = -1;
                                re = -1;
                            }
                        }
                        case 'a' -> {
                            if (inStream && text.startsWith("a=rtcp:", p)) {
                                int s = p + 7;
                                while (s < end && text.charAt(s) == ' ') {
                                    s++;
                                }
                                int e = s;
                                while (e < end && Character.isDigit(text.charAt(e))) {
                                    e++;
                                }
                                if (e > s && rs < 0) {
                                    rs = s;
                                    re = e;
                                }
                            }
                        }
                        default -> {
                        }
                    }
                }
            }
            p = next;
        }
        if (inStream) {
            streams.add(new Stream(ps, pe, rtp, payloads, streamC, rs, re));
        }
        if (streams != null) {
            sessions.add(new Session(origin, sessionC, List.copyOf(streams)));
        }
        return sessions;
    }

    /**
     * The address of a c= line ({@code IN IP4 addr}) or an o= line (after {@code skip} fields:
     * {@code user id version IN IP4 addr}), or null when the line is not so.
     */
    private static Ip address(String text, int from, int end, int skip) {
        List<int[]> tok = tokens(text, from, end);
        if (tok.size() < skip + 3) {
            return null;
        }
        int[] type = tok.get(skip + 1);
        String t = text.substring(type[0], type[1]).toUpperCase(Locale.ROOT);
        int family = t.equals("IP4") ? 4 : t.equals("IP6") ? 6 : 0;
        if (family == 0) {
            return null;
        }
        int[] a = tok.get(skip + 2);
        return new Ip(a[0], a[1], family, type[1] - 1);
    }

    /** The blank-separated words of text[from, end). */
    private static List<int[]> tokens(String text, int from, int end) {
        List<int[]> out = new ArrayList<>(8);
        int p = from;
        while (p < end) {
            while (p < end && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
            int s = p;
            while (p < end && text.charAt(p) != ' ' && text.charAt(p) != '\t') {
                p++;
            }
            if (p > s) {
                out.add(new int[] {s, p});
            }
        }
        return out;
    }

    /** isnulladdr: 0.0.0.0, or an IPv6 address of zeros and colons only. */
    static boolean isNull(String ip, int family) {
        if (family == 6) {
            return ip.chars().allMatch(c -> c == '0' || c == ':');
        }
        return ip.equals("0.0.0.0");
    }

    /** Whether the message's Content-Type is application/sdp (check_content_type; none counts as such, as Kamailio's does). */
    static boolean isSdpType(String contentType) {
        if (contentType == null) {
            return true;
        }
        String t = contentType.strip().toLowerCase(Locale.ROOT);
        if (!t.startsWith("application")) {
            return false;
        }
        t = t.substring(11).stripLeading();
        if (!t.startsWith("/")) {
            return false;
        }
        t = t.substring(1).stripLeading();
        return t.startsWith("sdp") && (t.length() == 3 || ";  \t\r\n".indexOf(t.charAt(3)) >= 0);
    }
}
