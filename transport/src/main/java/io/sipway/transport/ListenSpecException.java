package io.sipway.transport;

/**
 * A {@code listen=} value that {@link ListenSpec#parse(String)} refused.
 *
 * <p>It is an {@link IllegalArgumentException} because a bad value is a caller's input error, not a
 * condition to recover from. It carries the 0-based column (character offset in the value) and the
 * reason apart, so that the config checker can print its own {@code file:line:col: error: reason}
 * with a caret instead of re-parsing the message.
 */
public final class ListenSpecException extends IllegalArgumentException {
    private final int column;
    private final String reason;

    /**
     * @param reason what was wrong or expected, without a position
     * @param column 0-based character offset in the {@code listen=} value
     */
    public ListenSpecException(String reason, int column) {
        super(reason + " at column " + column);
        this.reason = reason;
        this.column = column;
    }

    /** The 0-based character offset in the {@code listen=} value where the problem starts. */
    public int column() {
        return column;
    }

    /** The message without the position, e.g. {@code port 70000 out of range 1..65535}. */
    public String reason() {
        return reason;
    }
}
