package io.sipway.proxy.module.sdpops;

import io.sipway.proxy.core.MsgContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SDP body of a message as Kamailio 5.6's core parser (parser/sdp) reads it for sdpops: one
 * session (an {@code application/sdp} body) with its streams, every part kept as offsets into the
 * message text as received, so that the edits sdpops makes are edits of the original bytes (as
 * Kamailio's lumps are: a later function sees the body as it came, not as an earlier one changed it).
 *
 * <p>What the parser refuses, Kamailio refuses: no {@code v=}, {@code o=} or {@code m=} line, an
 * {@code o=} line without a sess-version or an {@code IP4}/{@code IP6} address, an {@code m=} line
 * without port or transport, a stream with no {@code c=} of its own nor one for the session.
 */
final class Sdp {
    /** What {@code parse_sdp} answers: the body parsed, no body at all (1), or an error (-1). */
    enum Status { OK, NO_BODY, ERROR }

    /** One {@code m=} section: [start, end) from its {@code m=} to the next one or the end of the body. */
    record Stream(int start, int end, String media, String port, String transport, int payloadsStart, int payloadsEnd,
                  String sendrecv, List<String[]> rtpmaps) {
        /** The payload types as written on the m= line (Kamailio's {@code payloads}). */
        String payloads(String text) {
            return text.substring(payloadsStart, payloadsEnd);
        }
    }

    final Status status;
    /** The whole message as ISO-8859-1 chars (one per byte), as {@link io.sipway.proxy.core.Lumps.TextEdits#text}. */
    final String text;
    final int bodyStart;
    /** The SDP itself (Kamailio's raw_sdp): the body, or the last application/sdp part of a multipart/mixed body. */
    final int start;
    final int end;
    /** The session's address family from its own {@code c=} line: 4, 6, or 0 without one. */
    final int family;
    /** Where the o= line's sess-version is. */
    final int versionStart;
    final int versionEnd;
    final List<Stream> streams;

    private Sdp(Status status, String text, int bodyStart, int start, int end, int family, int versionStart, int versionEnd,
                List<Stream> streams) {
        this.status = status;
        this.text = text;
        this.bodyStart = bodyStart;
        this.start = start;
        this.end = end;
        this.family = family;
        this.versionStart = versionStart;
        this.versionEnd = versionEnd;
        this.streams = streams;
    }

    boolean ok() {
        return status == Status.OK;
    }

    /** The message's text and where its body starts, as the text edits see them. */
    static Sdp of(MsgContext m) {
        String text;
        int bodyStart;
        if (m.textEdits != null) {
            text = m.textEdits.text;
            bodyStart = m.textEdits.bodyStart;
        } else {
            text = new String(m.msg.toBytes(), StandardCharsets.ISO_8859_1);
            bodyStart = text.length() - m.msg.bodyLength();
        }
        return parse(text, bodyStart, m.msg.contentType());
    }

    /** Kamailio's parse_sdp over the body of {@code text} from {@code bodyStart}, with the Content-Type value (null: none). */
    static Sdp parse(String text, int bodyStart, String contentType) {
        if (bodyStart >= text.length()) {
            return failed(Status.NO_BODY, text, bodyStart);
        }
        try {
            if (contentType != null && isSdp(contentType)) {
                List<Stream> streams = new ArrayList<>();
                int[] s = session(text, bodyStart, text.length(), streams);
                return new Sdp(Status.OK, text, bodyStart, bodyStart, text.length(), s[0], s[1], s[2], List.copyOf(streams));
            }
            String boundary = contentType == null ? null : Multipart.boundary(contentType);
            if (boundary != null) {
                return Multipart.parse(text, bodyStart, boundary);
            }
        } catch (IllegalArgumentException e) {
            return failed(Status.ERROR, text, bodyStart);
        }
        return failed(Status.ERROR, text, bodyStart); // parse_sdp: no Content-Type, or neither application/sdp nor multipart/mixed
    }

    /** Whether the Content-Type value's media type is application/sdp (any case, parameters aside). */
    static boolean isSdp(String contentType) {
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return type.equalsIgnoreCase("application/sdp");
    }

    private static Sdp failed(Status s, String text, int bodyStart) {
        return new Sdp(s, text, bodyStart, bodyStart, text.length(), 0, -1, -1, List.of());
    }

    /** A parsed multipart body: the streams of every SDP part, the rest from the last one. */
    static Sdp of(String text, int bodyStart, int start, int end, int[] session, List<Stream> streams) {
        return new Sdp(Status.OK, text, bodyStart, start, end, session[0], session[1], session[2], List.copyOf(streams));
    }

    /** parse_sdp_session over [start, end): its streams go to {@code streams}; answers family, sess-version start and end. */
    static int[] session(String t, int start, int end, List<Stream> streams) {
        int v = findLine(t, start, end, 'v');
        int o = v < 0 ? -1 : findLine(t, v, end, 'o');
        int m1 = o < 0 ? -1 : findLine(t, o, end, 'm');
        if (m1 < 0) {
            throw new IllegalArgumentException("no v=, o= or m= line");
        }
        // sess-version: the third word of the o= line
        int[] w = words(t, o + 2, lineEnd(t, o, m1));
        if (w.length < 6) {
            throw new IllegalArgumentException("no sess-version");
        }
        address(t, o, end); // the origin's address must be there
        int c1 = findLine(t, o, m1, 'c');
        int family = c1 < 0 ? 0 : address(t, c1, end);
        for (int m = m1; m >= 0 && m < end; ) {
            int m2 = nextLine(t, m, end, 'm');
            int next = m2 < 0 ? end : m2;
            int c2 = findLine(t, m, next, 'c');
            if (c2 >= 0) {
                address(t, c2, end);
            } else if (c1 < 0) {
                throw new IllegalArgumentException("no c= for a stream");
            }
            streams.add(stream(t, m, next));
            m = m2;
        }
        return new int[] {family, w[4], w[5]};
    }

    /** extract_media_attr: m=media port transport payloads; then the a= lines Kamailio keeps for a stream with payloads. */
    private static Stream stream(String t, int m, int end) {
        int le = trimEnd(t, m + 2, lineEnd(t, m, end));
        int[] w = words(t, m + 2, le);
        if (w.length < 6) {
            throw new IllegalArgumentException("no port or transport in m=");
        }
        int ps = w.length > 6 ? w[6] : le;
        String sendrecv = "";
        List<String[]> rtpmaps = new ArrayList<>();
        if (ps < le) {
            List<String> pts = new ArrayList<>();
            int[] pos = {0};
            String payloads = t.substring(ps, le);
            for (String pt = token(payloads, pos, ' '); !pt.isEmpty(); pt = token(payloads, pos, ' ')) {
                pts.add(pt);
            }
            for (int a = findLine(t, m, end, 'a'); a >= 0; a = nextLine(t, a, end, 'a')) {
                String mode = t.regionMatches(true, a, "a=", 0, 2) && a + 10 <= end ? t.substring(a + 2, a + 10).toLowerCase(Locale.ROOT) : "";
                if (mode.equals("sendrecv") || mode.equals("recvonly") || mode.equals("inactive") || mode.equals("sendonly")) {
                    sendrecv = t.substring(a + 2, a + 10);
                } else if (t.startsWith("a=rtpmap:", a)) {
                    String line = t.substring(a + 9, trimEnd(t, a, lineEnd(t, a, end)));
                    int sp = line.indexOf(' ');
                    int slash = line.indexOf('/');
                    if (sp > 0 && slash > sp && pts.contains(line.substring(0, sp))) { // an rtpmap of a payload the m= line lists
                        rtpmaps.add(new String[] {line.substring(0, sp), line.substring(sp + 1, slash).trim()});
                    }
                }
            }
        }
        return new Stream(m, end, t.substring(w[0], w[1]), t.substring(w[2], w[3]), t.substring(w[4], w[5]), ps, le, sendrecv,
                List.copyOf(rtpmaps));
    }

    /** extract_mediaip: the word after IP4 or IP6 on the line at {@code at}; 4 or 6, or the parse fails. */
    private static int address(String t, int at, int end) {
        int[] w = words(t, at + 2, trimEnd(t, at + 2, lineEnd(t, at, end)));
        for (int i = 0; i + 3 < w.length; i += 2) {
            String word = t.substring(w[i], w[i + 1]);
            if (word.equals("IP4") || word.equals("IP6")) {
                return word.charAt(2) - '0';
            }
        }
        throw new IllegalArgumentException("no IP4/IP6 address");
    }

    /** Start and end of each blank-separated word in [from, to). */
    private static int[] words(String t, int from, int to) {
        List<Integer> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            while (i < to && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
                i++;
            }
            if (i >= to) {
                break;
            }
            int s = i;
            while (i < to && t.charAt(i) != ' ' && t.charAt(i) != '\t') {
                i++;
            }
            out.add(s);
            out.add(i);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** find_sdp_line: the first "x=" in [from, limit) that follows a CR or LF, or -1. */
    static int findLine(String t, int from, int limit, char x) {
        int p = from;
        while (p < limit) {
            int at = t.indexOf(x, p);
            if (at < 0 || at + 2 > limit) {
                return -1;
            }
            if (t.charAt(at + 1) == '=' && at > 0 && (t.charAt(at - 1) == '\n' || t.charAt(at - 1) == '\r')) {
                return at;
            }
            p = at + 1;
        }
        return -1;
    }

    /** find_next_sdp_line: the next "x=" line after the one at {@code at}, or -1. */
    static int nextLine(String t, int at, int limit, char x) {
        return limit - at < 3 ? -1 : findLine(t, at + 2, limit, x);
    }

    /** Where the line holding {@code at} ends, after its LF (or at the limit). */
    static int lineEnd(String t, int at, int limit) {
        int nl = t.indexOf('\n', at);
        return nl < 0 || nl >= limit ? limit : nl + 1;
    }

    /** sdp_locate_line: [start, end) of the line holding {@code at}, its LF included. */
    static int[] locate(String t, int at) {
        int s = t.lastIndexOf('\n', at - 1) + 1;
        return new int[] {s, lineEnd(t, at, t.length())};
    }

    private static int trimEnd(String t, int from, int to) {
        while (to > from && Character.isWhitespace(t.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /**
     * str_find_token: the next token of {@code list} from {@code pos[0]} (one leading delimiter
     * skipped, then blanks), up to the delimiter, a NUL, CR or LF; moves {@code pos[0]} past it.
     */
    static String token(String list, int[] pos, char delim) {
        int p = pos[0];
        if (p < list.length() && list.charAt(p) == delim) {
            p++;
        }
        while (p < list.length() && (list.charAt(p) == ' ' || list.charAt(p) == '\t' || list.charAt(p) == '\r' || list.charAt(p) == '\n')) {
            p++;
        }
        int s = p;
        while (p < list.length() && list.charAt(p) != delim && list.charAt(p) != 0 && list.charAt(p) != '\r' && list.charAt(p) != '\n') {
            p++;
        }
        pos[0] = p;
        return list.substring(s, p);
    }

    /** sdp_codec_in_str: whether {@code codec} is one of the {@code delim}-separated entries of {@code all}. */
    static boolean codecIn(String all, String codec, char delim) {
        if (all.isEmpty() || codec.isEmpty()) {
            return false;
        }
        boolean cmp = true;
        for (int i = 0; i < all.length(); i++) {
            if (cmp && all.startsWith(codec, i) && (i + codec.length() == all.length() || all.charAt(i + codec.length()) == delim)) {
                return true;
            }
            cmp = all.charAt(i) == delim;
        }
        return false;
    }
}
