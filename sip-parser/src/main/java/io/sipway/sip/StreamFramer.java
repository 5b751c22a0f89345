package io.sipway.sip;

/**
 * Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 18.3): a message ends where its header
 * block ends (CRLF CRLF, or with Kamailio's reader bare LFs: LF LF, CRLF LF, LF CRLF) plus
 * Content-Length bytes. Between messages, CRLF keep-alives (RFC 5626
 * 3.5.1) are units of their own: a double CRLF is a ping (Kamailio answers it with CRLF when
 * {@code tcp_crlf_ping} is on), a single CRLF a pong.
 *
 * <p>One framer per connection: it remembers how far it has searched, so bytes that arrive one by
 * one are still looked at once (linear time). The caller hands it the unconsumed bytes, always
 * starting where the previous unit ended, and after a unit is returned drops that many bytes.
 *
 * <p>A framing error (no Content-Length while {@code tcp_accept_no_cl} is off, Content-Length
 * malformed or given twice, a message larger than the limit) is a {@link SipParseException}; the
 * stream cannot be resynchronised and the connection should be closed (no silent repair).
 */
public final class StreamFramer {
    /** What the unit returned by {@link #next} is. */
    public enum Kind { MESSAGE, PING, PONG }

    private final SipParserConfig config;
    private int searched;        // bytes of the current unit already searched for the empty line
    private int messageLength = -1; // total length of the current message once its headers were read
    private Kind kind = Kind.MESSAGE;

    public StreamFramer(SipParserConfig config) {
        this.config = config;
    }

    /**
     * Looks at the unconsumed bytes {@code buf[off, off + len)}.
     *
     * @return the length of the next complete unit (see {@link #kind()}), or 0 when more bytes are needed
     * @throws SipParseException when the stream is not SIP framing; offsets count from {@code off}
     */
    public int next(byte[] buf, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (messageLength < 0 && searched == 0 && buf[off] == Bytes.CR) {
            return keepAlive(buf, off, len);
        }
        if (messageLength < 0) {
            int headersEnd = findHeadersEnd(buf, off, len);
            if (headersEnd < 0) {
                if (len > config.maxMessageSize()) {
                    throw new SipParseException("header block larger than " + config.maxMessageSize() + " bytes", config.maxMessageSize());
                }
                return 0;
            }
            long contentLength = contentLength(buf, off, headersEnd);
            long total = headersEnd + Math.max(contentLength, 0);
            if (total > config.maxMessageSize()) {
                throw new SipParseException("message of " + total + " bytes is larger than " + config.maxMessageSize(), 0);
            }
            messageLength = (int) total;
        }
        if (len < messageLength) {
            return 0;
        }
        int n = messageLength;
        kind = Kind.MESSAGE;
        messageLength = -1;
        searched = 0;
        return n;
    }

    /** The kind of the unit last returned by {@link #next}. */
    public Kind kind() {
        return kind;
    }

    private int keepAlive(byte[] buf, int off, int len) {
        if (len < 2) {
            return 0;
        }
        if (buf[off + 1] != Bytes.LF) {
            throw new SipParseException("CR without LF between messages", 1);
        }
        if (len < 3) {
            // A lone CRLF may be the first half of a ping, so it waits, as in Kamailio's reader.
            // A client waiting for a pong (RFC 5626 4.4.1) sees it as these two bytes left unconsumed.
            return 0;
        }
        if (buf[off + 2] == Bytes.CR) {
            if (len < 4) {
                return 0;
            }
            if (buf[off + 3] != Bytes.LF) {
                throw new SipParseException("CR without LF between messages", 3);
            }
            kind = Kind.PING;
            return 4;
        }
        kind = Kind.PONG;
        return 2;
    }

    /**
     * Offset (from off) of the first byte after the empty line that ends the header block, or -1. A
     * line ends in CRLF or, as Kamailio's TCP reader takes it, a bare LF, so the block ends at the
     * first LF followed by LF or CR LF (CRLF CRLF in the common case), as {@link SipParser} reads it.
     */
    private int findHeadersEnd(byte[] buf, int off, int len) {
        int from = Math.max(0, searched - 2);
        for (int i = from; i + 1 < len; i++) {
            if (buf[off + i] != Bytes.LF) {
                continue; // the common case: skip quickly
            }
            byte next = buf[off + i + 1];
            if (next == Bytes.LF) {
                return i + 2;
            }
            if (next == Bytes.CR) {
                if (i + 2 >= len) {
                    break; // CR LF or CR and more: wait for the byte that tells
                }
                if (buf[off + i + 2] == Bytes.LF) {
                    return i + 3;
                }
            }
        }
        searched = len;
        return -1;
    }

    /** The Content-Length of the header block {@code buf[off, off + headersEnd)} (its empty line included), or -1 when accepted without one. */
    private long contentLength(byte[] buf, int off, int headersEnd) {
        int end = off + headersEnd;
        long value = -1;
        int p = off;
        // skip the start line
        while (p < end && buf[p] != Bytes.LF) {
            p++;
        }
        p++;
        while (p < end) {
            int nameStart = p;
            while (p < end && Bytes.isToken(buf[p])) {
                p++;
            }
            HeaderName type = p > nameStart ? HeaderName.of(buf, nameStart, p) : HeaderName.OTHER;
            if (type == HeaderName.CONTENT_LENGTH) {
                while (p < end && Bytes.isWsp(buf[p])) {
                    p++;
                }
                if (p < end && buf[p] == ':') {
                    if (value >= 0) {
                        throw new SipParseException("Content-Length appears more than once", nameStart - off);
                    }
                    int lineEnd = lineEnd(buf, p, end);
                    Cursor c = new Cursor(buf, p + 1, lineEnd, off); // the line end is LWS to the cursor
                    c.skipLws();
                    value = c.digits("Content-Length", 10);
                    c.expectEnd("Content-Length");
                }
            }
            p = lineEnd(buf, p, end) + 1;
        }
        if (value < 0 && !config.acceptNoContentLength()) {
            throw new SipParseException("message on a stream without Content-Length", headersEnd);
        }
        return value;
    }

    /** The LF ending the (possibly folded) header line that contains {@code p}, or {@code end}. */
    private static int lineEnd(byte[] buf, int p, int end) {
        while (p < end) {
            if (buf[p] == Bytes.LF && !(p + 1 < end && Bytes.isWsp(buf[p + 1]))) {
                return p;
            }
            p++;
        }
        return end;
    }
}
