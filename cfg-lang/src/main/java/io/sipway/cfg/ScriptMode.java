package io.sipway.cfg;

/**
 * How a script reads {@code $}: chosen by the first line of the main file ({@code #!KAMAILIO} or
 * {@code #!OPENSER}, {@code #!SER}, {@code #!MAXCOMPAT} or {@code #!ALL}); {@link #MAXCOMPAT} when
 * the first line names none.
 */
public enum ScriptMode {
    /** Every {@code $...} is a pseudo-variable. */
    KAMAILIO,
    /** {@code $} marks an AVP (SER syntax). */
    SER,
    /** A bare {@code $name} is a pseudo-variable if one of that name exists, else an AVP. */
    MAXCOMPAT
}
