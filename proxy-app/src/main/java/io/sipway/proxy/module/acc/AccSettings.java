package io.sipway.proxy.module.acc;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.Strftime;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.SyslogFacility;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * acc's module parameters for the log backend (acc_mod.c's defaults): the flags that select what
 * is accounted (-1: off), what a record carries ({@code log_extra}, the time fields) and how it is
 * printed ({@code log_level}, {@code log_facility}).
 */
record AccSettings(int logFlag, int missedFlag, int failedFlag, int prepareFlag, boolean prepareAlways, boolean earlyMedia,
                   Set<Integer> failedFilter, boolean reasonFromHeader, KamailioLevel level, int facility, List<Extra> extras,
                   int timeMode, String timeAttr, String timeExten, Strftime timeFormat) {

    /** One {@code name=$pv} of log_extra. */
    record Extra(String name, ValueSource value) {
    }

    /** acc with every parameter at Kamailio's default: nothing is accounted but acc_log_request(). */
    static final AccSettings DEFAULTS = new AccSettings(-1, -1, -1, -1, false, false, Set.of(), false, KamailioLevel.NOTICE,
            SyslogFacility.DAEMON, List.of(), 0, "time_attr", "time_exten", Strftime.compile("%Y-%m-%d %H:%M:%S"));

    /** Whether flag {@code f} (-1: never) is set in {@code flags}. */
    static boolean on(long flags, int f) {
        return f >= 0 && (flags & (1L << f)) != 0;
    }

    /**
     * The script's acc parameters over the defaults; {@code pvs} compiles log_extra's
     * pseudo-variables. A value Kamailio's mod_init refuses is refused (IllegalArgumentException).
     */
    static AccSettings of(CompiledScript script, Function<String, ValueSource> pvs) {
        Map<String, Object> p = new java.util.HashMap<>();
        for (Ast.ModParam m : script.modParams()) {
            if (m.module().equals("acc")) {
                p.put(m.param(), m.value());
            }
        }
        AccSettings d = DEFAULTS;
        int facility = d.facility;
        if (p.containsKey("log_facility")) {
            facility = SyslogFacility.of(String.valueOf(p.get("log_facility")));
            if (facility < 0) {
                throw new IllegalArgumentException("modparam(\"acc\", \"log_facility\"): invalid log facility " + p.get("log_facility")
                        + " (" + SyslogFacility.names() + ")");
            }
        }
        int timeMode = (int) number(p, "time_mode", 0);
        return new AccSettings(flag(p, "log_flag"), flag(p, "log_missed_flag"), flag(p, "failed_transaction_flag"),
                flag(p, "acc_prepare_flag"), number(p, "acc_prepare_always", 0) != 0, number(p, "early_media", 0) != 0,
                failedFilter(p.get("failed_filter")), number(p, "reason_from_hf", 0) != 0,
                KamailioLevel.of(number(p, "log_level", KamailioLevel.NOTICE.number())), facility,
                p.containsKey("log_extra") ? extras(String.valueOf(p.get("log_extra")), pvs) : List.of(),
                timeMode, text(p, "time_attr", d.timeAttr), text(p, "time_exten", d.timeExten),
                p.containsKey("time_format") ? Strftime.compile(String.valueOf(p.get("time_format"))) : d.timeFormat);
    }

    private static long number(Map<String, Object> p, String name, long dflt) {
        Object v = p.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return v instanceof Long n ? n : Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("modparam(\"acc\", \"" + name + "\") needs a number, not " + v);
        }
    }

    private static String text(Map<String, Object> p, String name, String dflt) {
        Object v = p.get(name);
        return v == null ? dflt : String.valueOf(v);
    }

    /** A flag parameter: -1 (off) or a message flag 0..31, as flag_in_range checks. */
    private static int flag(Map<String, Object> p, String name) {
        long f = number(p, name, -1);
        if (f != -1 && (f < 0 || f > 31)) {
            throw new IllegalArgumentException("modparam(\"acc\", \"" + name + "\") set to invalid value " + f + " (a flag 0..31, or -1)");
        }
        return (int) f;
    }

    /** failed_filter: three-digit codes from 300 up, separated by commas ("404,486"). */
    private static Set<Integer> failedFilter(Object v) {
        if (v == null) {
            return Set.of();
        }
        Set<Integer> codes = new HashSet<>();
        for (String c : String.valueOf(v).split(",", -1)) {
            if (!c.matches("[0-9]{3}") || Integer.parseInt(c) < 300) {
                throw new IllegalArgumentException("modparam(\"acc\", \"failed_filter\"): " + v
                        + ": each code has 3 digits and is 300 or more, separated by commas");
            }
            codes.add(Integer.parseInt(c));
        }
        return Set.copyOf(codes);
    }

    /** log_extra as parse_acc_extra reads it: {@code name=$pv} items separated by ';', spaces around them allowed. */
    static List<Extra> extras(String text, Function<String, ValueSource> pvs) {
        return extras("log_extra", text, pvs);
    }

    /** An extra list of parameter {@code param} (log_extra, db_extra). */
    static List<Extra> extras(String param, String text, Function<String, ValueSource> pvs) {
        List<Extra> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            i = skipSpaces(text, i);
            int nameStart = i;
            while (i < n && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '=') {
                i++;
            }
            String name = text.substring(nameStart, i);
            i = skipSpaces(text, i);
            if (name.isEmpty() || i >= n || text.charAt(i) != '=') {
                throw extraError(param, text, i);
            }
            i = skipSpaces(text, i + 1);
            int end = i < n && text.charAt(i) == '$' ? Format.pvEnd(text, i) : i;
            ValueSource pv = end > i + 1 ? pvs.apply(text.substring(i, end)) : null;
            if (pv == null) {
                throw extraError(param, text, i);
            }
            out.add(new Extra(name, pv));
            i = skipSpaces(text, end);
            if (i < n && (text.charAt(i) != ';' || i + 1 >= n)) {
                throw extraError(param, text, i);
            }
            i++;
        }
        return List.copyOf(out);
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException extraError(String param, String text, int at) {
        return new IllegalArgumentException("modparam(\"acc\", \"" + param + "\"): parse failed in <" + text + "> around position " + at
                + " (name=$pseudo_variable items separated by ';', of modules the script loads)");
    }
}
