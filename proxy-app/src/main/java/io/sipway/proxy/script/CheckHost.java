package io.sipway.proxy.script;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.PvName;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ScriptHost;
import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The script host of check mode ({@code sipway -c -f kamailio.cfg}): every module, function,
 * pseudo-variable, global parameter and match keyword of a {@link ModuleCatalog}, with the
 * load-time checks Kamailio's fixups do on constant arguments (reply codes, flag numbers, method
 * lists, log levels...). Nothing of it runs: a bound function, a pseudo-variable or a match
 * keyword throws {@link IllegalStateException} when a route would execute it.
 */
public final class CheckHost implements ScriptHost {

    /** A fixup's check of the arguments of one call; throws IllegalArgumentException with a message for a person. */
    @FunctionalInterface
    private interface Check {
        void check(List<Arg> args);
    }

    /** Kamailio's methods with an id (parse_methods.c): the only ones allowed in an is_method() list. */
    private static final Set<String> METHODS = Set.of("INVITE", "CANCEL", "ACK", "BYE", "INFO", "REGISTER", "SUBSCRIBE",
            "NOTIFY", "MESSAGE", "OPTIONS", "PRACK", "UPDATE", "REFER", "PUBLISH", "KDMQ", "GET", "POST", "PUT",
            "DELETE");

    /** syslog facilities xlog accepts as its first argument of three (str2facility). */
    private static final Set<String> FACILITIES = Set.of("LOG_AUTH", "LOG_AUTHPRIV", "LOG_CRON", "LOG_DAEMON",
            "LOG_FTP", "LOG_KERN", "LOG_LOCAL0", "LOG_LOCAL1", "LOG_LOCAL2", "LOG_LOCAL3", "LOG_LOCAL4", "LOG_LOCAL5",
            "LOG_LOCAL6", "LOG_LOCAL7", "LOG_LPR", "LOG_MAIL", "LOG_NEWS", "LOG_SYSLOG", "LOG_USER", "LOG_UUCP");

    /** The pseudo-variables whose name is "table=>key". */
    private static final Set<String> TABLE_KEY_PVS = Set.of("sht", "shtex", "shtcn", "shtcv", "shtinc", "shtdec", "ulc");

    private static final Map<String, Check> CHECKS = checks();

    private final ModuleCatalog catalog;
    private final Map<String, FunctionSpec> functions;
    private final Map<String, FunctionSpec.Binder> binders;

    public CheckHost(ModuleCatalog catalog) {
        this.catalog = catalog;
        Map<String, FunctionSpec> specs = new HashMap<>();
        Map<String, FunctionSpec.Binder> bs = new HashMap<>();
        for (ModuleCatalog.FunctionDecl d : catalog.functions()) {
            FunctionSpec.Binder binder = binder(catalog, d);
            FunctionSpec spec = FunctionSpec.of(d.module(), d.name(), d.minArgs(), d.maxArgs(), binder);
            if (!d.routes().containsAll(EnumSet.allOf(Ast.RouteType.class))) {
                Ast.RouteType[] kinds = d.routes().toArray(new Ast.RouteType[0]);
                spec = spec.onlyIn(kinds[0], Arrays.copyOfRange(kinds, 1, kinds.length));
            }
            if (d.armsRoute() != null) {
                spec = spec.armsRoute(d.armsRoute());
            }
            if (catalog.acceptsExpressions(d.name())) {
                spec = spec.acceptingExpressions();
            }
            specs.put(d.name(), spec);
            bs.put(d.name(), binder);
        }
        this.functions = Collections.unmodifiableMap(specs);
        this.binders = Collections.unmodifiableMap(bs);
    }

    /** The host for Kamailio 5.6 ({@link ModuleCatalog#kamailio()}). */
    public CheckHost() {
        this(ModuleCatalog.kamailio());
    }

    public ModuleCatalog catalog() {
        return catalog;
    }

    @Override
    public Set<String> implementedModules() {
        return catalog.modules();
    }

    @Override
    public FunctionSpec function(String name) {
        return functions.get(name);
    }

    /**
     * Runs the function's fixup on these arguments, as loading a script does: the argument count
     * and the checks of constant arguments. Throws IllegalArgumentException with the problem
     * (also for a function the catalog does not have).
     */
    public ScriptFunction bind(String name, List<Arg> args) {
        FunctionSpec.Binder b = binders.get(name);
        if (b == null) {
            throw new IllegalArgumentException("unknown function '" + name + "'");
        }
        ModuleCatalog.FunctionDecl d = catalog.function(name);
        if (args.size() < d.minArgs() || args.size() > d.maxArgs()) {
            throw new IllegalArgumentException(takes(d.minArgs(), d.maxArgs(), catalog.exactArgCounts(name), args.size()));
        }
        return b.bind(args);
    }

    @Override
    public Pv pseudoVariable(PvName name) {
        ModuleCatalog.PvDecl d = catalog.pv(name.name());
        if (d == null) {
            return null;
        }
        String inner = name.inner();
        boolean hasInner = inner != null && !inner.isBlank();
        if (d.inner() == ModuleCatalog.Inner.REQUIRED && !hasInner) {
            throw new IllegalArgumentException("$" + d.name() + " needs a name in parentheses: $" + d.name() + "(name)");
        }
        if (d.inner() == ModuleCatalog.Inner.NONE && inner != null) {
            throw new IllegalArgumentException("$" + d.name() + " takes no name in parentheses");
        }
        if (hasInner && !inner.contains("$")) {
            Set<String> keys = catalog.pvKeys(d.name());
            if (keys != null && !keys.contains(inner)) {
                throw new IllegalArgumentException("unknown name '" + inner + "' for $" + d.name() + "(...): one of "
                        + String.join(", ", new TreeSet<>(keys)));
            }
        }
        if (hasInner && TABLE_KEY_PVS.contains(d.name()) && !inner.contains("=>")) {
            throw new IllegalArgumentException("$" + d.name() + " takes a name of the form table=>key, not '" + inner + "'");
        }
        return new CheckPv(name.toString(), d.writable());
    }

    @Override
    public Transformation transformation(String name, List<ValueSource> params) {
        ModuleCatalog.TransformationDecl d = catalog.transformation(name);
        if (d == null) {
            return null;
        }
        int n = params == null ? 0 : params.size();
        if (n < d.minParams() || n > d.maxParams()) {
            String counts = d.minParams() == d.maxParams() ? Integer.toString(d.minParams())
                    : d.minParams() + " to " + d.maxParams();
            throw new IllegalArgumentException("takes " + counts + " parameter" + (d.maxParams() == 1 ? "" : "s")
                    + ", not " + n);
        }
        return (value, ctx) -> {
            throw notImplemented("{" + name + "}");
        };
    }

    @Override
    public boolean globalParameter(String name) {
        return catalog.globalParameter(name);
    }

    @Override
    public boolean moduleParameter(String module, String parameter) {
        return catalog.moduleParameter(module, parameter);
    }

    /** Kamailio's lexer refuses an IPv4 address with an octet above 255 anywhere in a global's value ({@code listen=udp:300.1.2.3}). */
    @Override
    public ValueProblem globalParameterProblem(String name, String raw, Object value) {
        if (raw == null) {
            return null;
        }
        int i = 0;
        char quote = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                }
                i++;
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                i++;
                continue;
            }
            if (Character.isDigit(c) && (i == 0 || !wordChar(raw.charAt(i - 1)))) {
                int end = i;
                while (end < raw.length() && (Character.isDigit(raw.charAt(end)) || raw.charAt(end) == '.')) {
                    end++;
                }
                String run = raw.substring(i, end);
                if ((end == raw.length() || !wordChar(raw.charAt(end))) && run.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                    for (String octet : run.split("\\.")) {
                        if (octet.length() > 3 || Integer.parseInt(octet) > 255) {
                            return new ValueProblem("invalid IPv4 address '" + run + "'", i);
                        }
                    }
                }
                i = end;
                continue;
            }
            i++;
        }
        return null;
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }

    @Override
    public ValueSource matchKeyword(String keyword) {
        if (!catalog.matchKeywords().contains(keyword)) {
            return null;
        }
        return ctx -> {
            throw notImplemented("'" + keyword + "'");
        };
    }

    @Override
    public boolean isMyself(ScriptContext ctx, String keyword, Object value) {
        throw notImplemented("myself");
    }

    private static IllegalStateException notImplemented(String what) {
        return new IllegalStateException(what + " is declared for checking only; it runs once the proxy implements it");
    }

    // ---- functions -------------------------------------------------------------------------------

    private static FunctionSpec.Binder binder(ModuleCatalog catalog, ModuleCatalog.FunctionDecl d) {
        String name = d.name();
        int[] exact = catalog.exactArgCounts(name);
        Check check = CHECKS.get(name);
        ScriptFunction placeholder = ctx -> {
            throw notImplemented(name + "()");
        };
        return args -> {
            if (exact != null && Arrays.stream(exact).noneMatch(n -> n == args.size())) {
                throw new IllegalArgumentException(takes(d.minArgs(), d.maxArgs(), exact, args.size()));
            }
            if (check != null) {
                check.check(args);
            }
            return placeholder;
        };
    }

    private static String takes(int min, int max, int[] exact, int n) {
        String counts;
        if (exact != null) {
            List<String> c = Arrays.stream(exact).mapToObj(Integer::toString).toList();
            counts = c.size() == 1 ? c.get(0)
                    : String.join(", ", c.subList(0, c.size() - 1)) + " or " + c.get(c.size() - 1);
        } else {
            counts = min == max ? Integer.toString(min) : min + " to " + max;
        }
        return "takes " + counts + " argument" + (max == 1 ? "" : "s") + ", not " + n;
    }

    /** The checks of Kamailio's fixups, by function name. */
    private static Map<String, Check> checks() {
        Map<String, Check> m = new LinkedHashMap<>();
        // reply codes (fixup_var_int_12 and the like; Kamailio refuses codes outside 100..699 when replying)
        for (String f : List.of("sl_send_reply", "sl_reply", "send_reply", "t_reply", "t_send_reply", "xhttp_reply",
                "change_reply_status", "change_reply_status_code")) {
            m.put(f, a -> replyCode(a.get(0)));
        }
        m.put("t_reply_callid", a -> replyCode(a.get(2)));
        m.put("t_grep_status", a -> replyCode(a.get(0)));

        // numbers
        for (String f : List.of("mf_process_maxfwd_header", "maxfwd_process", "process_maxfwd", "is_maxfwd_lt",
                "maxfwd_at_least", "mf_lowlimit")) {
            m.put(f, a -> range(a.get(0), "the Max-Forwards value", 0, 255));
        }
        for (String f : List.of("t_set_fr", "t_set_retr", "t_set_max_lifetime")) {
            m.put(f, a -> a.forEach(x -> range(x, "the time", 0, Integer.MAX_VALUE)));
        }
        for (String f : List.of("t_lookup_cancel", "t_set_auto_inv_100", "t_set_disable_6xx", "t_set_disable_failover",
                "t_set_no_e2e_cancel_reason", "t_disable_e2e_cancel_reason", "t_set_disable_internal_reply",
                "loose_route_mode", "is_first_hop", "setdebug", "nat_uac_test", "add_rcv_param", "handle_ruri_alias",
                "set_contact_alias", "hdr_date_check")) {
            m.put(f, a -> a.forEach(x -> number(x, "the parameter")));
        }
        m.put("fix_nated_sdp", a -> range(a.get(0), "the flags", 0, Integer.MAX_VALUE));
        m.put("sanity_check", a -> a.forEach(x -> range(x, "the checks", 0, Integer.MAX_VALUE)));
        m.put("strip", a -> range(a.get(0), "the count", 0, Integer.MAX_VALUE));
        m.put("strip_tail", a -> range(a.get(0), "the count", 0, Integer.MAX_VALUE));
        m.put("sleep", a -> range(a.get(0), "the time", 0, Integer.MAX_VALUE));
        m.put("usleep", a -> range(a.get(0), "the time", 0, Integer.MAX_VALUE));
        m.put("rand_set_prob", a -> range(a.get(0), "the probability", 0, 100));
        m.put("cnt_add", a -> number(a.get(1), "the value"));
        m.put("t_cancel_callid", a -> number(a.get(2), "the flag"));
        m.put("ws_close", a -> {
            if (!a.isEmpty()) {
                number(a.get(0), "the status code");
            }
            if (a.size() == 3) {
                number(a.get(2), "the connection id");
            }
        });

        // flags
        for (String f : List.of("setflag", "resetflag", "isflagset")) {
            m.put(f, a -> messageFlag(a.get(0)));
        }
        for (String f : List.of("setsflag", "resetsflag", "issflagset", "set_gflag", "reset_gflag", "is_gflag",
                "msg_vbflag_set", "msg_vbflag_is_set", "msg_vbflag_reset")) {
            m.put(f, a -> range(a.get(0), "flag", 0, 31));
        }
        for (String f : List.of("setbflag", "resetbflag", "isbflagset")) {
            m.put(f, a -> {
                range(a.get(0), "flag", 0, 31);
                if (a.size() > 1) {
                    range(a.get(1), "the branch index", 0, Integer.MAX_VALUE);
                }
            });
        }
        for (String f : List.of("setxflag", "resetxflag", "isxflagset")) {
            m.put(f, a -> range(a.get(0), "flag", 0, 63));
        }

        // log levels and facilities
        m.put("xlog", CheckHost::xlogArgs);
        m.put("xlogl", CheckHost::xlogArgs);
        m.put("xlogm", a -> logLevel(a.get(0)));

        // words from a fixed set
        m.put("is_method", a -> methods(a.get(0)));
        m.put("is_direction", a -> oneOf(a.get(0), "the direction", true, "downstream", "upstream"));
        m.put("t_cancel_branches", a -> oneOf(a.get(0), "the branches", true, "all", "others", "this"));
        m.put("t_is_set", a -> oneOf(a.get(0), "the target", false, "failure_route", "onreply_route", "branch_route",
                "branch_failure_route"));
        m.put("is_supported", a -> oneOf(a.get(0), "the option", true, "path", "gruu", "timer", "100rel", "outbound",
                "eventlist"));
        m.put("udp_mtu_try_proto", a -> oneOf(a.get(0), "the protocol", true, "udp", "tcp", "tls", "sctp"));

        // sed-like substitutions '/re/repl/flags'
        for (String f : List.of("subst", "subst_uri", "subst_user", "subst_body")) {
            m.put(f, a -> substitution(a.get(0), false));
        }
        m.put("subst_hf", a -> substitution(a.get(1), false));
        m.put("subst_v", a -> substitution(a.get(1), true));

        // host and port (fixup_hostport2proxy)
        for (String f : List.of("t_relay", "t_relay_to_udp", "t_relay_to_tcp", "t_relay_to_tls", "t_relay_to_sctp",
                "t_forward_nonack", "t_forward_nonack_udp", "t_forward_nonack_tcp", "t_forward_nonack_tls",
                "t_forward_nonack_sctp", "t_replicate", "t_replicate_udp", "t_replicate_tcp", "t_replicate_tls",
                "t_replicate_sctp")) {
            m.put(f, a -> {
                if (a.size() == 2) {
                    range(a.get(1), "the port", 0, 65535);
                }
            });
        }

        // htable=>key
        for (String f : List.of("sht_lock", "sht_unlock", "sht_rm_name_re", "sht_rm_value_re")) {
            m.put(f, a -> {
                String s = fixed(a.get(0));
                if (s != null && !s.contains("=>")) {
                    throw new IllegalArgumentException("expects htable=>key, not " + a.get(0));
                }
            });
        }
        return Collections.unmodifiableMap(m);
    }

    /** The constant text of an argument (numbers in decimal), or null when it is computed when the route runs. */
    private static String literal(Arg a) {
        return a.isConstant() ? a.constantString() : null;
    }

    /** The constant text of an argument without pseudo-variables in it, or null (a "$var(x)" string is formatted at run time). */
    private static String fixed(Arg a) {
        String s = literal(a);
        return s == null || s.contains("$") ? null : s;
    }

    /** The argument as a number when it is a fixed one; throws when it is fixed but not a number. */
    private static Long number(Arg a, String what) {
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

    private static Long parseLong(String s) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void range(Arg a, String what, long min, long max) {
        Long n = number(a, what);
        if (n != null && (n < min || n > max)) {
            throw new FunctionSpec.BadArgument(a, what + " " + n + " is out of range " + min + ".." + max);
        }
    }

    private static void replyCode(Arg a) {
        Long n = number(a, "the reply code");
        if (n != null && (n < 100 || n > 699)) {
            throw new FunctionSpec.BadArgument(a, "the reply code " + n + " is not a number from 100 to 699");
        }
    }

    /** setflag(N) takes 0..31 or a name declared with flags. */
    private static void messageFlag(Arg a) {
        String s = fixed(a);
        if (s == null) {
            return;
        }
        Long n = a.constant() instanceof Long l ? l : parseLong(s.trim());
        if (n != null && (n < 0 || n > 31)) {
            throw new FunctionSpec.BadArgument(a, "message flag " + n + " is out of range 0..31");
        }
    }

    private static void xlogArgs(List<Arg> a) {
        if (a.size() == 2) {
            logLevel(a.get(0));
        } else if (a.size() == 3) {
            String f = fixed(a.get(0));
            if (f != null && !FACILITIES.contains(f)) {
                throw new FunctionSpec.BadArgument(a.get(0), "unknown syslog facility " + a.get(0) + " (LOG_LOCAL0 ... LOG_LOCAL7, LOG_DAEMON, LOG_USER...)");
            }
            logLevel(a.get(1));
        }
    }

    /** As xlog's fixup: a $pv, or a name whose third character picks the level (L_ALERT L_BUG L_CRIT L_ERR L_WARN L_NOTICE L_INFO L_DBG). */
    private static void logLevel(Arg a) {
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
    private static void methods(Arg a) {
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

    private static void oneOf(Arg a, String what, boolean ignoreCase, String... allowed) {
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
    private static void substitution(Arg a, boolean onlyFixed) {
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

    // ---- pseudo-variables ------------------------------------------------------------------------

    /** A pseudo-variable known to check mode: reading or writing it is for a later issue. */
    private static final class CheckPv implements Pv {
        private final String written;
        private final boolean writable;

        CheckPv(String written, boolean writable) {
            this.written = written;
            this.writable = writable;
        }

        @Override
        public Object get(ScriptContext ctx) {
            throw notImplemented(written);
        }

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void set(ScriptContext ctx, Object value) {
            if (!writable) {
                throw new UnsupportedOperationException(written + " is read-only");
            }
            throw notImplemented(written);
        }

        @Override
        public String toString() {
            return written;
        }
    }
}
