package io.sipway.sip;

/**
 * CSeq (RFC 3261 20.16): a sequence number and a method.
 *
 * <p>Read as Kamailio's parse_cseq reads it: the number is whatever stands before the white space
 * and the method whatever follows it, so {@code 4294967296 INVITE} or {@code abc INVITE} are CSeqs a
 * script sees (the default script's sanity_check answers them "400 CSeq number is illegal"); a value
 * without a method is malformed. {@link SipMessage#validate()} holds them to RFC 3261: 1*DIGIT below
 * 2**31 and a token.
 */
public final class CSeq {
    /** RFC 3261 8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer and less than 2**31. */
    public static final long MAX_NUMBER = (1L << 31) - 1;

    private final long number;
    private final String numberText;
    private final SipMethod method;
    private final String methodName;

    private CSeq(long number, String numberText, SipMethod method, String methodName) {
        this.number = number;
        this.numberText = numberText;
        this.method = method;
        this.methodName = methodName;
    }

    static CSeq parse(Cursor c, int from, int to) {
        byte[] buf = c.buf;
        c.reset(from, to);
        c.skipLws();
        int ns = c.pos;
        int ne = nonBlankEnd(c);
        if (ne == ns) {
            throw c.error("missing CSeq number");
        }
        c.skipLws();
        int ms = c.pos;
        int me = nonBlankEnd(c);
        if (me == ms) {
            throw c.error("missing CSeq method");
        }
        c.expectEnd("CSeq");
        SipMethod method = SipMethod.of(buf, ms, me);
        return new CSeq(decimal(buf, ns, ne), Bytes.string(buf, ns, ne), method,
                method == SipMethod.OTHER ? Bytes.string(buf, ms, me) : method.name());
    }

    /** Moves past bytes that are not LWS; returns where they end. */
    private static int nonBlankEnd(Cursor c) {
        while (c.pos < c.end && !Bytes.isLws(c.buf[c.pos])) {
            c.pos++;
        }
        return c.pos;
    }

    /** The value of 1..18 decimal digits, else -1 (too long for a long to hold safely, or not a number). */
    private static long decimal(byte[] buf, int from, int to) {
        if (to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int p = from; p < to; p++) {
            if (!Bytes.isDigit(buf[p])) {
                return -1;
            }
            v = v * 10 + (buf[p] - '0');
        }
        return v;
    }

    /** RFC 3261's CSeq: 1*DIGIT below 2**31, LWS, a method token ({@link SipMessage#validate()}). */
    void checkRfc3261(Cursor c, int from, int to) {
        if (number < 0 || number > MAX_NUMBER) {
            c.reset(from, to);
            c.skipLws();
            throw c.error(number < 0 ? "CSeq number must be decimal digits" : "CSeq number is not below 2**31");
        }
        c.reset(from, to);
        c.skipLws();
        c.digits("CSeq number", 10);
        c.skipLws();
        c.token("CSeq method");
        c.expectEnd("CSeq");
    }

    /** The sequence number, or -1 when it is not a decimal number of at most 18 digits. */
    public long number() {
        return number;
    }

    /** The sequence number as written. */
    public String numberText() {
        return numberText;
    }

    public SipMethod method() {
        return method;
    }

    public String methodName() {
        return methodName;
    }

    @Override
    public String toString() {
        return numberText + " " + methodName;
    }
}
