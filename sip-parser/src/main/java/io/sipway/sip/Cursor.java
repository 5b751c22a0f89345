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

    void skipLws() {
        while (pos < end && Bytes.isLws(buf[pos])) {
            pos++;
        }
    }

    /** Skips LWS, then takes {@code c} and the LWS after it when it is next (RFC 3261 SEMI, EQUAL, COMMA, SLASH). */
    boolean consumeSeparator(char c) {
        int save = pos;
        skipLws();
        if (pos < end && buf[pos] == c) {
            pos++;
            skipLws();
            return true;
        }
        pos = save;
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
        if (pos < end && Bytes.isToken(buf[pos])) {
            int start = pos;
            while (pos < end && Bytes.isToken(buf[pos])) {
                pos++;
            }
            return start;
        }
        return token(what + of);
    }

    /** Reads 1*token and returns where it started; the token ends at {@link #pos}. */
    int token(String what) {
        int start = pos;
        while (pos < end && Bytes.isToken(buf[pos])) {
            pos++;
        }
        if (pos == start) {
            throw error(atEnd() ? "missing " + what : "invalid character " + describe(peek()) + " in " + what);
        }
        return start;
    }

    /** {@link #quotedString(String)} for the error text {@code what + of}, joined only on error. */
    int quotedString(String what, String of) {
        int start = pos;
        pos++;
        while (pos < end) {
            byte b = buf[pos];
            if (b == '"') {
                pos++;
                return start;
            }
            if (b == '\\' && pos + 1 < end && buf[pos + 1] != '\r' && buf[pos + 1] != '\n') {
                pos += 2;
                continue;
            }
            if (b == '\\') {
                break;
            }
            pos++;
        }
        pos = start;
        return quotedString(what + of);
    }

    /** Reads a quoted-string starting at the opening quote; returns its start, {@link #pos} is after the closing quote. */
    int quotedString(String what) {
        int start = pos;
        pos++;
        while (pos < end) {
            byte b = buf[pos];
            if (b == '"') {
                pos++;
                return start;
            }
            if (b == '\\') {
                if (pos + 1 >= end) {
                    break;
                }
                byte next = buf[pos + 1];
                if (next == '\r' || next == '\n') {
                    throw error("invalid escape in " + what);
                }
                pos += 2;
                continue;
            }
            pos++;
        }
        throw new SipParseException("unterminated quoted string in " + what, start - base);
    }

    /** Reads a decimal number of at most {@code maxDigits} digits. */
    long digits(String what, int maxDigits) {
        int start = pos;
        long v = 0;
        while (pos < end && Bytes.isDigit(buf[pos])) {
            if (pos - start >= maxDigits) {
                throw new SipParseException(what + " is too large", start - base);
            }
            v = v * 10 + (buf[pos] - '0');
            pos++;
        }
        if (pos == start) {
            throw error(atEnd() ? "missing " + what : "invalid character " + describe(peek()) + " in " + what);
        }
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
