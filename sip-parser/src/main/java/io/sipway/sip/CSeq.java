package io.sipway.sip;

/** CSeq (RFC 3261 20.16): a sequence number below 2**31 and a method. */
public final class CSeq {
    /** RFC 3261 8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer and less than 2**31. */
    public static final long MAX_NUMBER = (1L << 31) - 1;

    private final long number;
    private final SipMethod method;
    private final String methodName;

    private CSeq(long number, SipMethod method, String methodName) {
        this.number = number;
        this.method = method;
        this.methodName = methodName;
    }

    static CSeq parse(Cursor c, int from, int to) {
        byte[] buf = c.buf;
        int base = c.base;
        c.reset(from, to);
        c.skipLws();
        int numberAt = c.pos;
        long number = c.digits("CSeq number", 10);
        if (number > MAX_NUMBER) {
            throw new SipParseException("CSeq number is not below 2**31", numberAt - base);
        }
        int save = c.pos;
        c.skipLws();
        if (c.pos == save) {
            throw c.error("expected white space between the CSeq number and method");
        }
        int ms = c.token("CSeq method");
        int me = c.pos;
        c.expectEnd("CSeq");
        SipMethod method = SipMethod.of(buf, ms, me);
        return new CSeq(number, method, method == SipMethod.OTHER ? Bytes.string(buf, ms, me) : method.name());
    }

    public long number() {
        return number;
    }

    public SipMethod method() {
        return method;
    }

    public String methodName() {
        return methodName;
    }

    @Override
    public String toString() {
        return number + " " + methodName;
    }
}
