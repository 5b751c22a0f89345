package io.sipway.proxy.module;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The checks Kamailio's fixups make on constant arguments when a script is loaded (reply codes,
 * numbers in range, flags, log levels, method lists, words from a set, sed-like substitutions),
 * for the modules' {@code Fn.check(...)}. Each complaint is a {@link FunctionSpec.BadArgument}, so
 * it is reported at the argument. Arguments computed when the route runs are not checked here.
 */
public final class Fixups {
    /** Kamailio's methods with an id (parse_methods.c): the only ones allowed in an is_method() list. */
    private static final Set<String> METHODS = Set.of("INVITE", "CANCEL", "ACK", "BYE", "INFO", "REGISTER", "SUBSCRIBE",
            "NOTIFY", "MESSAGE", "OPTIONS", "PRACK", "UPDATE", "REFER", "PUBLISH", "KDMQ", "GET", "POST", "PUT",
            "DELETE");


    private Fixups() {
    }

    /** The constant text of an argument (numbers in decimal), or null when it is computed when the route runs. */
    static String literal(Arg a) {
        return a.isConstant() ? a.constantString() : null;
    }

    /** The constant text of an argument without pseudo-variables in it, or null (a "$var(x)" string is formatted at run time). */
    static String fixed(Arg a) {
        String s = literal(a);
        return s == null || s.contains("$") ? null : s;
    }

    /** The argument as a number when it is a fixed one; throws when it is fixed but not a number. */
    public static Long number(Arg a, String what) {
        if (a.isConstant() && a.constant() instanceof Long n) {
            return n;
        }
        String s = fixed(a);
        if (s == null) {
            return null;
        }
        Long n = parseLong(s.trim());
        if (n == null) {
            throw new FunctionSpec.BadArgument(a, what + " must be a number, not " + a);
        }
        return n;
    }

    static Long parseLong(String s) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static void range(Arg a, String what, long min, long max) {
        Long n = number(a, what);
        if (n != null && (n < min || n > max)) {
            throw new FunctionSpec.BadArgument(a, what + " " + n + " is out of range " + min + ".." + max);
        }
    }

    public static void replyCode(Arg a) {
        Long n = number(a, "the reply code");
        if (n != null && (n < 100 || n > 699)) {
            throw new FunctionSpec.BadArgument(a, "the reply code " + n + " is not a number from 100 to 699");
        }
    }

    /** setflag(N) takes 0..31 or a name declared with flags. */
    public static void messageFlag(Arg a) {
        String s = fixed(a);
        if (s == null) {
            return;
        }
        Long n = a.constant() instanceof Long l ? l : parseLong(s.trim());
        if (n != null && (n < 0 || n > 31)) {
            throw new FunctionSpec.BadArgument(a, "message flag " + n + " is out of range 0..31");
        }
    }

    public static void xlogArgs(List<Arg> a) {
        if (a.size() == 2) {
            logLevel(a.get(0));
        } else if (a.size() == 3) {
            // xlog's fixup takes a facility name (str2facility), never a pseudo-variable
            if (!a.get(0).isConstant() || io.sipway.proxy.log.SyslogFacility.of(a.get(0).constantString()) < 0) {
                throw new FunctionSpec.BadArgument(a.get(0), "unknown syslog facility " + a.get(0) + " ("
                        + io.sipway.proxy.log.SyslogFacility.names() + ")");
            }
            logLevel(a.get(1));
        }
    }

    /** As xlog's fixup: a $pv, or a name whose third character picks the level (L_ALERT L_BUG L_CRIT L_ERR L_WARN L_NOTICE L_INFO L_DBG). */
    public static void logLevel(Arg a) {
        String s = literal(a);
        if (s == null || s.startsWith("$")) {
            return;
        }
        if (s.length() < 3 || "ABCEWNID".indexOf(s.charAt(2)) < 0) {
            throw new FunctionSpec.BadArgument(a, "unknown log level " + a
                    + " (L_ALERT, L_BUG, L_CRIT, L_ERR, L_WARN, L_NOTICE, L_INFO, L_DBG or a $pv)");
        }
    }

    /** is_method("INVITE") takes any method; a list "INVITE|BYE" only methods Kamailio knows. */
    public static void methods(Arg a) {
        String s = fixed(a);
        if (s == null) {
            return;
        }
        if (s.isEmpty()) {
            throw new FunctionSpec.BadArgument(a, "empty method name");
        }
        if (s.indexOf('|') < 0) {
            if (!s.chars().allMatch(c -> c > ' ' && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw new FunctionSpec.BadArgument(a, "invalid method name " + a);
            }
            return;
        }
        for (String m : s.split("\\|", -1)) {
            if (m.isEmpty()) {
                throw new FunctionSpec.BadArgument(a, "empty method name in the list " + a);
            }
            if (!METHODS.contains(m.toUpperCase(Locale.ROOT))) {
                throw new FunctionSpec.BadArgument(a, "method '" + m + "' in the list " + a
                        + ": a list may hold only the methods Kamailio knows (" + String.join(" ", new TreeSet<>(METHODS)) + ")");
            }
        }
    }

    public static void oneOf(Arg a, String what, boolean ignoreCase, String... allowed) {
        String s = fixed(a);
        if (s == null) {
            return;
        }
        for (String w : allowed) {
            if (ignoreCase ? w.equalsIgnoreCase(s) : w.equals(s)) {
                return;
            }
        }
        throw new FunctionSpec.BadArgument(a, what + " must be " + Arrays.stream(allowed).collect(Collectors.joining(", "))
                + "; not " + a);
    }

    /** A sed-like '/re/repl/flags': a separator, three parts, flags from i, g and s (Kamailio's subst_parser). */
    public static void substitution(Arg a, boolean onlyFixed) {
        String s = onlyFixed ? fixed(a) : literal(a);
        if (s == null) {
            return;
        }
        if (s.length() < 3) {
            throw new FunctionSpec.BadArgument(a, "bad substitution " + a + ": expected /re/replacement/flags");
        }
        char sep = s.charAt(0);
        int firstSep = -1;
        int flagsStart = -1;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                continue;
            }
            if (c == sep) {
                if (firstSep < 0) {
                    firstSep = i;
                } else {
                    flagsStart = i + 1;
                    break;
                }
            }
        }
        if (flagsStart < 0) {
            throw new FunctionSpec.BadArgument(a, "bad substitution " + a + ": expected " + sep + "re" + sep + "replacement"
                    + sep + "flags");
        }
        if (firstSep == 1) {
            throw new FunctionSpec.BadArgument(a, "bad substitution " + a + ": the regular expression is empty");
        }
        for (int i = flagsStart; i < s.length(); i++) {
            if ("igs".indexOf(s.charAt(i)) < 0) {
                throw new FunctionSpec.BadArgument(a, "bad substitution " + a + ": unknown flag '" + s.charAt(i)
                        + "' (i, g or s)");
            }
        }
    }

}
