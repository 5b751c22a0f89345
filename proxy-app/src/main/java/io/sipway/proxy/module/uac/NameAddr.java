package io.sipway.proxy.module.uac;

import io.sipway.proxy.core.Lumps;

/**
 * Where the parts of a From or To header field are in a message's text (offsets into
 * {@link Lumps.TextEdits#text}), as Kamailio's parse_to finds them: the display name (quoted, or
 * the tokens before {@code <}), the {@code <}, the URI, and the end of what uac replaces in a
 * reply (through the {@code >}, or the URI's end without brackets). Parameters (the tag) follow.
 */
final class NameAddr {
    /** Where the value begins (after the colon and white space). */
    final int valueStart;
    /** The display name, as written (quotes included); -1 when there is none. */
    final int displayStart;
    final int displayEnd;
    /** The {@code <}, or -1 (a bare URI). */
    final int lt;
    final int uriStart;
    final int uriEnd;
    /** The end of the display-and-URI part: after the {@code >} (white space before it included), or the URI's end. */
    final int prefixEnd;

    private NameAddr(int valueStart, int displayStart, int displayEnd, int lt, int uriStart, int uriEnd, int prefixEnd) {
        this.valueStart = valueStart;
        this.displayStart = displayStart;
        this.displayEnd = displayEnd;
        this.lt = lt;
        this.uriStart = uriStart;
        this.uriEnd = uriEnd;
        this.prefixEnd = prefixEnd;
    }

    /** The first header field of this name (From or To, long or compact form) in the text, or null when there is none or it does not parse. */
    static NameAddr find(Lumps.TextEdits t, String name) {
        int line = t.headerLine(name);
        if (line < 0) {
            return null;
        }
        String s = t.text;
        int colon = s.indexOf(':', line);
        int end = t.fieldEnd(line);
        if (colon < 0 || colon >= end) {
            return null;
        }
        while (end > colon && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        int p = colon + 1;
        while (p < end && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        return parse(s, p, end);
    }

    static NameAddr parse(String s, int start, int end) {
        int p = start;
        int dStart = -1;
        int dEnd = -1;
        if (p < end && s.charAt(p) == '"') {
            int q = p + 1;
            while (q < end && s.charAt(q) != '"') {
                q += s.charAt(q) == '\\' ? 2 : 1;
            }
            if (q >= end) {
                return null;
            }
            dStart = p;
            dEnd = q + 1;
            p = q + 1;
            while (p < end && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
            if (p >= end || s.charAt(p) != '<') {
                return null;
            }
        }
        int lt = s.indexOf('<', p);
        if (lt >= end) {
            lt = -1;
        }
        if (lt >= 0 && dStart < 0) {
            int semi = s.indexOf(';', p);
            if (semi >= 0 && semi < lt) {
                lt = -1; // a bare URI whose parameters hold a '<'
            } else if (lt > p) {
                int e = lt;
                while (e > p && Character.isWhitespace(s.charAt(e - 1))) {
                    e--;
                }
                if (e > p) {
                    dStart = p;
                    dEnd = e;
                }
            }
        }
        if (lt >= 0) {
            int gt = s.indexOf('>', lt);
            if (gt < 0 || gt >= end) {
                return null;
            }
            int us = lt + 1;
            int ue = gt;
            while (us < ue && Character.isWhitespace(s.charAt(us))) {
                us++;
            }
            while (ue > us && Character.isWhitespace(s.charAt(ue - 1))) {
                ue--;
            }
            return us == ue ? null : new NameAddr(start, dStart, dEnd, lt, us, ue, gt + 1);
        }
        int ue = p;
        while (ue < end && s.charAt(ue) != ';' && !Character.isWhitespace(s.charAt(ue))) {
            ue++;
        }
        return ue == p ? null : new NameAddr(start, -1, -1, -1, p, ue, ue);
    }
}
