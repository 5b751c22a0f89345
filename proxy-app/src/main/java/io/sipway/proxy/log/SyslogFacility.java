package io.sipway.proxy.log;

import java.util.Map;

/**
 * The syslog facilities Kamailio's {@code str2facility} knows ({@code log_facility=}, acc's and
 * xlog's {@code log_facility}, xlog's first argument of three), as the number the priority of a
 * syslog message carries (facility * 8 + severity).
 */
public final class SyslogFacility {
    /** No facility of its own: the line goes with the core's {@code log_facility}. */
    public static final int DEFAULT = -1;
    /** Kamailio's default {@code log_facility}. */
    public static final int DAEMON = 3;

    private static final Map<String, Integer> CODES = Map.ofEntries(
            Map.entry("LOG_KERN", 0), Map.entry("LOG_USER", 1), Map.entry("LOG_MAIL", 2), Map.entry("LOG_DAEMON", DAEMON),
            Map.entry("LOG_AUTH", 4), Map.entry("LOG_SYSLOG", 5), Map.entry("LOG_LPR", 6), Map.entry("LOG_NEWS", 7),
            Map.entry("LOG_UUCP", 8), Map.entry("LOG_CRON", 9), Map.entry("LOG_AUTHPRIV", 10), Map.entry("LOG_FTP", 11),
            Map.entry("LOG_LOCAL0", 16), Map.entry("LOG_LOCAL1", 17), Map.entry("LOG_LOCAL2", 18), Map.entry("LOG_LOCAL3", 19),
            Map.entry("LOG_LOCAL4", 20), Map.entry("LOG_LOCAL5", 21), Map.entry("LOG_LOCAL6", 22), Map.entry("LOG_LOCAL7", 23));

    private SyslogFacility() {
    }

    /** The facility of a name ({@code LOG_LOCAL0}), or -1 when Kamailio does not know it. */
    public static int of(String name) {
        Integer c = name == null ? null : CODES.get(name.trim());
        return c == null ? -1 : c;
    }

    /** What a bad name is told: the names there are. */
    public static String names() {
        return "LOG_LOCAL0 .. LOG_LOCAL7, LOG_DAEMON, LOG_USER, LOG_AUTH, LOG_AUTHPRIV, LOG_CRON, LOG_FTP, LOG_KERN, LOG_LPR,"
                + " LOG_MAIL, LOG_NEWS, LOG_SYSLOG, LOG_UUCP";
    }
}
