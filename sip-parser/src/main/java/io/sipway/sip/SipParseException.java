package io.sipway.sip;

/**
 * The one error the parser raises: what is wrong and where. {@link #offset()} counts bytes from
 * the start of the message region that was handed to the parser (its {@code off} argument is 0).
 */
public final class SipParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int offset;

    public SipParseException(String reason, int offset) {
        super(reason + " (at byte " + offset + ")", null, false, false);
        this.reason = reason;
        this.offset = offset;
    }

    /** What is wrong, in words, without the offset. */
    public String reason() {
        return reason;
    }

    /** Byte offset of the fault from the start of the message. */
    public int offset() {
        return offset;
    }
}
