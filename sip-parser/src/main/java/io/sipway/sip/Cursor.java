package io.sipway.sip;

/**
 * A read position inside one header value (or a URI) of a message buffer, with the building
 * blocks of the RFC 3261 grammar. Errors carry offsets from the message start ({@code base}).
 * Inside a header value every CR or LF belongs to a folded line, so both count as white space.
 */
final class Cursor {
    final byte[] buf;
    final int base;
    int end;
    int pos;
    /** The last parameter read by {@link Params#next}: name and value spans (value -1 when it has none). */
    int nameStart;
    int nameEnd;
    int valueStart;
    int valueEnd;

    Cursor(byte[] buf, int pos, int end, int base) {
        this.buf = buf;
        this.pos = pos;
        this.end = end;
        this.base = base;
    }

    /** Points the cursor at another region of the same buffer (one cursor serves a whole message). */
    Cursor reset(int from, int to) {
        this.pos = from;
        this.end = to;
        return this;
    }

    boolean atEnd() {
        return pos >= end;
    }

    /** The byte at the position as 0..255, or -1 at the end. */
    int peek() {
        return pos < end ? buf[pos] & 0xff : -1;
    }

    // The loops below work on locals and store the position once: C2 keeps locals in registers,
    // while a field written on every byte is a store per byte. Error texts are built in separate
    // cold methods so that the hot ones stay small enough to inline.

    void skipLws() {
        byte[] b = buf;
        int p = pos;
        int e = end;
        while (p < e && Bytes.isLws(b[p])) {
            p++;
        }
        pos = p;
    }

    /** Skips LWS, then takes {@code c} and the LWS after it when it is next (RFC 3261 SEMI, EQUAL, COMMA, SLASH). */
    boolean consumeSeparator(char c) {
        byte[] b = buf;
        int p = pos;
        int e = end;
        while (p < e && Bytes.isLws(b[p])) {
            p++;
        }
        if (p < e && b[p] == c) {
            p++;
            while (p < e && Bytes.isLws(b[p])) {
                p++;
            }
            pos = p;
            return true;
        }
        return false;
    }

    void expectSeparator(char c, String what) {
        if (!consumeSeparator(c)) {
            skipLws();
            throw error("expected '" + c + "' " + what);
        }
    }

    /** {@link #token(String)} for the error text {@code what + of}, joined only on error. */
    int token(String what, String of) {
        int start = pos;
        int p = tokenEnd(buf, start, end);
        if (p == start) {
            throw tokenError(what + of);
        }
        pos = p;
        return start;
    }

    /** Reads 1*token and returns where it started; the token ends at {@link #pos}. */
    int token(String what) {
        int start = pos;
        int p = tokenEnd(buf, start, end);
        if (p == start) {
            throw tokenError(what);
        }
        pos = p;
        return start;
    }

    private static int tokenEnd(byte[] b, int p, int e) {
        while (p < e && Bytes.isToken(b[p])) {
            p++;
        }
        return p;
    }

    private SipParseException tokenError(String what) {
        return error(atEnd() ? "missing " + what : "invalid character " + describe(peek()) + " in " + what);
    }

    /** {@link #quotedString(String)} for the error text {@code what + of}, joined only on error. */
    int quotedString(String what, String of) {
        int start = pos;
        int p = quotedEnd(buf, start, end);
        if (p < 0) {
            return quotedString(what + of); // raises the precise error
        }
        pos = p;
        return start;
    }

    /** End (after the closing quote) of a well-formed quoted string starting at {@code p}, or -1. */
    private static int quotedEnd(byte[] b, int p, int e) {
        p++;
        while (p < e) {
            byte c = b[p];
            if (c == '"') {
                return p + 1;
            }
            if (c == '\\') {
                if (p + 1 >= e || b[p + 1] == '\r' || b[p + 1] == '\n') {
                    return -1;
                }
                p += 2;
            } else if (c == 0) {
                return -1; // qdtext has no NUL (a quoted-pair may escape one); Kamailio drops a To with one
            } else {
                p++;
            }
        }
        return -1;
    }

    /** Reads a quoted-string starting at the opening quote; returns its start, {@link #pos} is after the closing quote. */
    int quotedString(String what) {
        int start = pos;
        int p = quotedEnd(buf, start, end);
        if (p >= 0) {
            pos = p;
            return start;
        }
        for (p = start + 1; p < end; p++) {
            if (buf[p] == '\\' && p + 1 < end && (buf[p + 1] == '\r' || buf[p + 1] == '\n')) {
                pos = p;
                throw error("invalid escape in " + what);
            }
            if (buf[p] == 0) {
                pos = p;
                throw error("NUL byte in a quoted string of " + what);
            }
            if (buf[p] == '\\') {
                p++;
            }
        }
        throw new SipParseException("unterminated quoted string in " + what, start - base);
    }

    /** Reads a decimal number of at most {@code maxDigits} digits. */
    long digits(String what, int maxDigits) {
        byte[] b = buf;
        int start = pos;
        int p = start;
        int e = end;
        long v = 0;
        while (p < e && Bytes.isDigit(b[p])) {
            if (p - start >= maxDigits) {
                throw new SipParseException(what + " is too large", start - base);
            }
            v = v * 10 + (b[p] - '0');
            p++;
        }
        if (p == start) {
            throw tokenError(what);
        }
        pos = p;
        return v;
    }

    /**
     * After one element of a comma list: only LWS, then the end or a ',' (left for the caller) may
     * follow.
     */
    void expectElementEnd(String what) {
        skipLws();
        if (pos < end && buf[pos] != ',') {
            throw error("unexpected character " + describe(peek()) + " after " + what);
        }
    }

    /** After a value: only LWS may remain. */
    void expectEnd(String what) {
        skipLws();
        if (pos < end) {
            throw error("unexpected character " + describe(peek()) + " after " + what);
        }
    }

    SipParseException error(String reason) {
        return new SipParseException(reason, pos - base);
    }

    static String describe(int c) {
        if (c < 0) {
            return "end of value";
        }
        if (c > 32 && c < 127) {
            return "'" + (char) c + "'";
        }
        return String.format("0x%02x", c);
    }
}
