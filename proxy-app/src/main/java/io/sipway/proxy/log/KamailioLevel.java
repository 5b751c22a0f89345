package io.sipway.proxy.log;

import ch.qos.logback.classic.Level;

/**
 * Kamailio's log levels (dprint.h): the number {@code debug=} compares with, the name a line
 * carries ({@code "NOTICE: "}) and the syslog severity it is sent with. A level is printed when its
 * number is at most the {@code debug=} value.
 */
public enum KamailioLevel {
    ALERT(-5, "ALERT", 1),
    BUG(-4, "BUG", 2),
    CRIT2(-3, "CRITICAL", 2),
    CRIT(-2, "CRITICAL", 2),
    ERR(-1, "ERROR", 3),
    WARN(0, "WARNING", 4),
    NOTICE(1, "NOTICE", 5),
    INFO(2, "INFO", 6),
    DBG(3, "DEBUG", 7);

    private static final KamailioLevel[] BY_NUMBER = values();

    private final int number;
    private final String label;
    private final int severity;

    KamailioLevel(int number, String label, int severity) {
        this.number = number;
        this.label = label;
        this.severity = severity;
    }

    /** L_ALERT -5 .. L_DBG 3. */
    public int number() {
        return number;
    }

    /** What a line says its level is: {@code ERROR}, {@code WARNING}, {@code NOTICE}... */
    public String label() {
        return label;
    }

    /** The syslog severity (LOG_ALERT 1 .. LOG_DEBUG 7). */
    public int severity() {
        return severity;
    }

    /** The level of a number as Kamailio clamps it: below -5 is ALERT, above 3 DEBUG. */
    public static KamailioLevel of(long number) {
        long n = Math.max(ALERT.number, Math.min(DBG.number, number));
        return BY_NUMBER[(int) n - ALERT.number];
    }

    /**
     * A level name as xlog's fixup reads it: the third character decides ({@code L_ALERT},
     * {@code L_BUG}, {@code L_CRIT}, {@code L_ERR}, {@code L_WARN}, {@code L_NOTICE}, {@code L_INFO},
     * {@code L_DBG}); null for anything else. {@code L_CRIT} is L_CRIT2, as in xlog.
     */
    public static KamailioLevel ofXlogName(String name) {
        if (name == null || name.length() < 3) {
            return null;
        }
        return switch (name.charAt(2)) {
            case 'A' -> ALERT;
            case 'B' -> BUG;
            case 'C' -> CRIT2;
            case 'E' -> ERR;
            case 'W' -> WARN;
            case 'N' -> NOTICE;
            case 'I' -> INFO;
            case 'D' -> DBG;
            default -> null;
        };
    }

    /** The closest logback level, for appenders that know only those (errors and worse are ERROR). */
    public Level logback() {
        if (number <= ERR.number) {
            return Level.ERROR;
        }
        return number == WARN.number ? Level.WARN : number <= INFO.number ? Level.INFO : Level.DEBUG;
    }

    /** The Kamailio level of a line logged through logback by Sipway's own code. */
    public static KamailioLevel ofLogback(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> ERR;
            case Level.WARN_INT -> WARN;
            case Level.INFO_INT -> INFO;
            default -> DBG;
        };
    }
}
