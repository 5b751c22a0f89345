package io.sipway.sip;

/**
 * Frames one SIP message (RFC 3261 section 7): the start line is tokenised, every header line is
 * found and typed ({@link HeaderName}), folded lines are joined logically, and Content-Length is
 * checked against the bytes. Nothing inside a header value is parsed here: the typed views of
 * {@link SipMessage} do that on first access, and {@link SipMessage#validate()} does it for all.
 *
 * <p>The message keeps a reference to the caller's array and never copies it: the caller must not
 * reuse the array while the message is in use.
 *
 * <p>Work is one pass over the header block plus a bounded look at the Content-Length digits, so
 * time is linear in the input; every failure is a {@link SipParseException}.
 */
public final class SipParser {
    private static final SipParser DEFAULT = new SipParser(SipParserConfig.defaults());

    private final SipParserConfig config;

    public SipParser(SipParserConfig config) {
        this.config = config;
    }

    /** A parser with {@link SipParserConfig#defaults()}. */
    public static SipParser defaults() {
        return DEFAULT;
    }

    /** Parses a whole datagram with the default limits (see {@link #parseDatagram}). */
    public static SipMessage parse(byte[] datagram) {
        return DEFAULT.parseDatagram(datagram, 0, datagram.length);
    }

    /**
     * Parses a message that arrived as one datagram (RFC 3261 18.3): with a Content-Length the
     * body is that many bytes and extra bytes are discarded; a body shorter than Content-Length is
     * an error; without Content-Length the body runs to the end of the datagram.
     */
    public SipMessage parseDatagram(byte[] buf, int off, int len) {
        return frame(buf, off, len, false);
    }

    /**
     * Parses one message cut from a byte stream by {@link StreamFramer}: Content-Length is required
     * (unless {@link SipParserConfig#acceptNoContentLength()}) and the region must end exactly with
     * the body.
     */
    public SipMessage parseStream(byte[] buf, int off, int len) {
        return frame(buf, off, len, true);
    }

    private SipMessage frame(byte[] buf, int off, int len, boolean stream) {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new IndexOutOfBoundsException("region " + off + "+" + len + " of " + buf.length);
        }
        if (len > config.maxMessageSize()) {
            throw new SipParseException("message larger than " + config.maxMessageSize() + " bytes", config.maxMessageSize());
        }
        int end = off + len;
        int p = off;
        // RFC 3261 7.5: CRLFs before the start line are ignored (keep-alives).
        while (p + 1 < end && buf[p] == Bytes.CR && buf[p + 1] == Bytes.LF) {
            p += 2;
        }
        if (p >= end) {
            throw new SipParseException("empty message", p - off);
        }
        SipMessage m = new SipMessage(buf, off, p);
        p = startLine(m, buf, p, end, off);
        p = headers(m, buf, p, end, off, stream);
        body(m, buf, p, end, off, stream);
        return m;
    }

    /**
     * Finds the line end (CRLF, or a bare LF as Kamailio takes it) of the start line beginning at
     * {@code from}: a bare CR and any control character but HT are errors.
     */
    private static int startLineEnd(byte[] buf, int from, int end, int base) {
        for (int p = from; p < end; p++) {
            int b = buf[p] & 0xff;
            if (b < 0x20 || b == 0x7f) {
                if (b == Bytes.CR || b == Bytes.LF) {
                    return crlfAt(buf, p, end, base, -1, -1);
                }
                if (b != Bytes.HT) {
                    throw new SipParseException("control character " + Cursor.describe(b) + " in the start line", p - base);
                }
            }
        }
        throw new SipParseException("message ends inside the start line", end - base);
    }

    /**
     * Finds the line end (CRLF or LF) of the header line part starting at {@code from}. Header values may
     * carry any other control character (quoted-pair allows %x00-09 / %x0B-0C / %x0E-7F), so
     * only CR and LF are looked for. {@code nameStart/nameEnd} name the header for error
     * messages; the name becomes text only when there is an error.
     */
    private static int headerLineEnd(byte[] buf, int from, int end, int base, int nameStart, int nameEnd) {
        int p = Bytes.indexOfCrOrLf(buf, from, end);
        if (p >= end) {
            throw new SipParseException("message ends inside the " + where(buf, nameStart, nameEnd), end - base);
        }
        return crlfAt(buf, p, end, base, nameStart, nameEnd);
    }

    /**
     * {@code buf[p]} is CR or LF: a line end when it is LF or CR LF (RFC 3261 wants CRLF; Kamailio, and
     * so Sipway, also ends a line at a bare LF). Returns p; the next line starts at {@link #afterLineEnd}.
     */
    private static int crlfAt(byte[] buf, int p, int end, int base, int nameStart, int nameEnd) {
        if (buf[p] == Bytes.LF) {
            return p;
        }
        if (p + 1 < end && buf[p + 1] == Bytes.LF) {
            return p;
        }
        if (p + 1 >= end) {
            throw new SipParseException("message ends inside the " + where(buf, nameStart, nameEnd), end - base);
        }
        throw new SipParseException("CR without LF in " + where(buf, nameStart, nameEnd), p - base);
    }

    /** Where the line whose end (CR LF or LF) is at {@code eol} is followed by the next one. */
    static int afterLineEnd(byte[] buf, int eol) {
        return buf[eol] == Bytes.CR ? eol + 2 : eol + 1;
    }

    private static String where(byte[] buf, int nameStart, int nameEnd) {
        return nameStart < 0 ? "start line" : "header " + Bytes.string(buf, nameStart, nameEnd);
    }

    /**
     * The common request line, {@code METHOD SP uri SP SIP/2.0 CRLF}, in one pass; returns where
     * the headers start, or -1 for anything else (a response, or a line with an error, which the
     * careful path of {@link #startLine} then reports precisely).
     */
    private static int requestLineFast(SipMessage m, byte[] buf, int p, int end) {
        int q = p;
        while (q < end && Bytes.isToken(buf[q])) {
            q++;
        }
        if (q == p || q >= end || buf[q] != Bytes.SP) {
            return -1;
        }
        int methodEnd = q;
        int uriStart = q + 1;
        int u = uriStart;
        while (u < end) {
            int b = buf[u] & 0xff;
            if (b <= ' ' || b == 0x7f) {
                break;
            }
            u++;
        }
        if (u == uriStart || u + 10 > end || buf[u] != Bytes.SP
                || !Bytes.regionEqualsIgnoreCase(buf, u + 1, u + 8, "sip/2.0") || buf[u + 8] != Bytes.CR || buf[u + 9] != Bytes.LF) {
            return -1;
        }
        m.setRequestLine(SipMethod.of(buf, p, methodEnd), p, methodEnd, uriStart, u);
        return u + 10;
    }

    private static int startLine(SipMessage m, byte[] buf, int p, int end, int base) {
        int fast = requestLineFast(m, buf, p, end);
        if (fast >= 0) {
            return fast;
        }
        int eol = startLineEnd(buf, p, end, base);
        m.noteLineEnd(eol);
        if (eol - p >= 4 && Bytes.regionEqualsIgnoreCase(buf, p, p + 4, "sip/")) {
            // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
            int v = version(buf, p, eol, base);
            if (v >= eol || buf[v] != Bytes.SP) {
                throw new SipParseException("expected one space after the SIP version", v - base);
            }
            int c = v + 1;
            int code = 0;
            int q = c;
            while (q < eol && Bytes.isDigit(buf[q]) && q - c < 4) {
                code = code * 10 + (buf[q] - '0');
                q++;
            }
            if (q - c != 3 || (q < eol && buf[q] != Bytes.SP)) {
                throw new SipParseException("status code must be three digits", c - base);
            }
            if (code < 100) {
                throw new SipParseException("status code below 100", c - base);
            }
            m.setStatusLine(code, q < eol ? q + 1 : eol, eol);
        } else {
            // Request-Line = Method SP Request-URI SP SIP-Version CRLF
            int q = p;
            while (q < eol && Bytes.isToken(buf[q])) {
                q++;
            }
            if (q == p) {
                throw new SipParseException("request line must start with a method token", p - base);
            }
            if (q >= eol || buf[q] != Bytes.SP) {
                throw new SipParseException("expected one space after the method", q - base);
            }
            int methodEnd = q;
            int uriStart = q + 1;
            int u = uriStart;
            while (u < eol && buf[u] != Bytes.SP && buf[u] != Bytes.HT) {
                u++;
            }
            if (u == uriStart) {
                throw new SipParseException("empty Request-URI (or more than one space after the method)", uriStart - base);
            }
            if (u >= eol || buf[u] != Bytes.SP) {
                throw new SipParseException("expected one space and the SIP version after the Request-URI", u - base);
            }
            int versionStart = u + 1;
            int v = version(buf, versionStart, eol, base);
            if (v != eol) {
                throw new SipParseException(
                        Bytes.isWsp(buf[v]) ? "white space after the SIP version" : "unexpected text after the SIP version", v - base);
            }
            m.setRequestLine(SipMethod.of(buf, p, methodEnd), p, methodEnd, uriStart, u);
        }
        return afterLineEnd(buf, eol);
    }

    /** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, which must be 2.0; returns the position after it. */
    private static int version(byte[] buf, int p, int eol, int base) {
        if (eol - p < 4 || !Bytes.regionEqualsIgnoreCase(buf, p, p + 4, "sip/")) {
            throw new SipParseException("expected SIP version", p - base);
        }
        int q = p + 4;
        int major = q;
        while (q < eol && Bytes.isDigit(buf[q])) {
            q++;
        }
        if (q == major || q >= eol || buf[q] != '.') {
            throw new SipParseException("malformed SIP version", p - base);
        }
        int majorEnd = q++;
        int minor = q;
        while (q < eol && Bytes.isDigit(buf[q])) {
            q++;
        }
        if (q == minor) {
            throw new SipParseException("malformed SIP version", p - base);
        }
        if (majorEnd - major != 1 || buf[major] != '2' || q - minor != 1 || buf[minor] != '0') {
            throw new SipParseException("unsupported SIP version " + Bytes.string(buf, p, q), p - base);
        }
        return q;
    }

    /**
     * The header lines up to the empty line (CRLF or LF) that closes them; returns where the body
     * starts. A datagram may end without that empty line: Kamailio takes it (its script runs; only
     * what needs the body fails), so the message is framed with {@link SipMessage#hasEndOfHeaders()}
     * false and no body. On a stream the framer has found the empty line.
     */
    private int headers(SipMessage m, byte[] buf, int p, int end, int base, boolean stream) {
        int max = config.maxHeaders();
        while (true) {
            if (p + 1 < end && buf[p] == Bytes.CR && buf[p + 1] == Bytes.LF) {
                m.setHeadersEnd(p, true);
                return p + 2;
            }
            if (p < end && buf[p] == Bytes.LF) {
                m.noteLineEnd(p);
                m.setHeadersEnd(p, true);
                return p + 1;
            }
            if (p >= end) {
                if (stream || m.headerCount() == 0) {
                    throw new SipParseException("message ends before the empty line that closes the headers", p - base);
                }
                m.setHeadersEnd(p, false);
                return p;
            }
            int nameStart = p;
            while (p < end && Bytes.isToken(buf[p])) {
                p++;
            }
            if (p == nameStart) {
                if (Bytes.isWsp(buf[p])) {
                    throw new SipParseException("header line starts with white space (continuation of nothing)", p - base);
                }
                throw new SipParseException("invalid character " + Cursor.describe(buf[p] & 0xff) + " in header name", p - base);
            }
            int nameEnd = p;
            while (p < end && Bytes.isWsp(buf[p])) {
                p++;
            }
            if (p >= end || buf[p] != ':') {
                throw new SipParseException("expected ':' after header name " + Bytes.string(buf, nameStart, nameEnd), p - base);
            }
            int colon = p++;
            // The value runs to the first CRLF not followed by SP/HT (RFC 3261 7.3.1 folding).
            int eol;
            while (true) {
                eol = headerLineEnd(buf, p, end, base, nameStart, nameEnd);
                m.noteLineEnd(eol);
                p = afterLineEnd(buf, eol);
                if (p < end && Bytes.isWsp(buf[p])) {
                    continue;
                }
                break;
            }
            int vs = colon + 1;
            while (vs < eol && Bytes.isLws(buf[vs])) {
                vs++;
            }
            int ve = eol;
            while (ve > vs && Bytes.isLws(buf[ve - 1])) {
                ve--;
            }
            if (m.headerCount() >= max) {
                throw new SipParseException("more than " + max + " header fields", nameStart - base);
            }
            HeaderName type = HeaderName.of(buf, nameStart, nameEnd);
            if (type == HeaderName.CONTENT_LENGTH && m.indexOf(HeaderName.CONTENT_LENGTH, 0) >= 0) {
                throw new SipParseException("Content-Length appears more than once", nameStart - base);
            }
            m.addHeader(nameStart, vs, ve, type);
        }
    }

    /**
     * Where the body ends. On a stream it is exactly Content-Length bytes (the framer cut the message
     * so). In a datagram (RFC 3261 18.3) bytes past Content-Length are discarded, and a body shorter
     * than Content-Length is kept as it came: RFC 3261 would answer 400, and so does Kamailio's
     * sanity_check in its default script, but its core takes the message; {@link SipMessage#validate()}
     * refuses it, and {@link SipMessage#bytesAfterHeaders()} tells what the datagram held.
     */
    private void body(SipMessage m, byte[] buf, int bodyStart, int end, int base, boolean stream) {
        long contentLength = -1;
        int clHeader = m.indexOf(HeaderName.CONTENT_LENGTH, 0); // only one: headers() refuses a second
        if (clHeader >= 0) {
            Cursor c = m.cursor(m.valueStartAt(clHeader), m.valueEndAt(clHeader));
            if (c.peek() == '-') {
                throw c.error("negative Content-Length");
            }
            contentLength = c.digits("Content-Length", 10);
            c.expectEnd("Content-Length");
            if (contentLength > config.maxMessageSize()) {
                throw new SipParseException("Content-Length " + contentLength + " exceeds the largest message ("
                        + config.maxMessageSize() + " bytes)", m.valueStartAt(clHeader) - base);
            }
        }
        int available = end - bodyStart;
        int bodyLength;
        if (contentLength < 0) {
            if (stream && !config.acceptNoContentLength()) {
                throw new SipParseException("message on a stream without Content-Length", m.headersEnd() - base);
            }
            bodyLength = stream ? 0 : available;
            if (stream && available != 0) {
                throw new SipParseException("bytes after a message without Content-Length", bodyStart - base);
            }
        } else {
            if (stream && available < contentLength) {
                throw new SipParseException("body shorter than Content-Length (" + available + " of " + contentLength
                        + " bytes)", end - base);
            }
            if (stream && available > contentLength) {
                throw new SipParseException("bytes after the body on a stream message", bodyStart + (int) contentLength - base);
            }
            bodyLength = (int) Math.min(contentLength, available);
        }
        m.setBody(bodyStart, bodyLength, (int) contentLength, available);
    }
}
