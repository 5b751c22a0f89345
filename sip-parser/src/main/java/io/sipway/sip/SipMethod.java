package io.sipway.sip;

/**
 * Request methods known by name (RFC 3261 and extensions), recognised without allocation. Method
 * names are case-sensitive (RFC 3261 7.1); anything else is {@link #OTHER} and keeps its text.
 */
public enum SipMethod {
    INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, PRACK, SUBSCRIBE, NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE,
    OTHER;

    private static final SipMethod[] KNOWN = {
        INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, PRACK, SUBSCRIBE, NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE
    };

    /** The method whose name is exactly {@code buf[from, to)}. */
    static SipMethod of(byte[] buf, int from, int to) {
        int len = to - from;
        if (len < 3 || len > 9) {
            return OTHER;
        }
        byte first = buf[from];
        for (SipMethod m : KNOWN) {
            String n = m.name();
            if (n.length() == len && n.charAt(0) == first && Bytes.regionEquals(buf, from, to, n)) {
                return m;
            }
        }
        return OTHER;
    }

    /** The method named by {@code name} exactly. */
    public static SipMethod of(String name) {
        for (SipMethod m : KNOWN) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return OTHER;
    }
}
