package io.sipway.proxy.log;

import io.sipway.cfg.Ast;
import java.util.List;
import java.util.Locale;

/**
 * The core's logging parameters as a script sets them: {@code log_stderror} (standard error rather
 * than syslog), {@code log_facility} and {@code log_name} (syslog's facility and ident),
 * {@code log_prefix} (the per-message prefix, compiled by the proxy). The debug level is the core's.
 *
 * @param stderr   log_stderror=yes
 * @param facility the syslog facility's number ({@link SyslogFacility})
 * @param name     log_name, or null for the program's name
 * @param prefix   log_prefix as written, or null
 */
public record LogSettings(boolean stderr, int facility, String name, String prefix) {
    /** Kamailio's defaults: syslog, LOG_DAEMON, the program's name, no prefix. */
    public static final LogSettings DEFAULTS = new LogSettings(false, SyslogFacility.DAEMON, null, null);

    /** The settings of a script's globals; a facility Kamailio does not know is refused. */
    public static LogSettings of(List<Ast.GlobalParam> globals) {
        LogSettings s = DEFAULTS;
        for (Ast.GlobalParam g : globals) {
            String v = g.value() == null ? "" : String.valueOf(g.value());
            switch (g.name()) {
                case "log_stderror" -> s = new LogSettings(truth(v), s.facility, s.name, s.prefix);
                case "log_facility" -> {
                    int f = SyslogFacility.of(v);
                    if (f < 0) {
                        throw new IllegalArgumentException(g.at() + ": log_facility " + v + ": bad facility (" + SyslogFacility.names() + ")");
                    }
                    s = new LogSettings(s.stderr, f, s.name, s.prefix);
                }
                case "log_name" -> s = new LogSettings(s.stderr, s.facility, v, s.prefix);
                case "log_prefix" -> s = new LogSettings(s.stderr, s.facility, s.name, v.isEmpty() ? null : v);
                default -> {
                    // not a logging parameter
                }
            }
        }
        return s;
    }

    private static boolean truth(String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        return t.equals("yes") || t.equals("on") || t.equals("true") || t.equals("1");
    }
}
