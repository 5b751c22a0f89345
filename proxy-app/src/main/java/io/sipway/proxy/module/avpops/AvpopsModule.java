package io.sipway.proxy.module.avpops;

import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.L;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbUrl;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.pv.SubstExpression;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * avpops (https://kamailio.org/docs/modules/5.6.x/modules/avpops.html): the script's operations on
 * AVPs ({@code $avp}, kept per message and per transaction by the core, newest value first) and
 * user preferences in a table. Arguments are written as Kamailio's fixups read them and checked at
 * load: a bad operator, flag or AVP name is refused by {@code sipway -c} as by {@code kamailio -c}.
 *
 * <p>Not here, and refused where written: AVP script flags ({@code $avp(i3:123)}), AVP names computed
 * at run time ({@code $avp($var(n))}), iterating {@code $xavp(...[*])} in avp_check.
 */
public final class AvpopsModule {
    private static final String M = "avpops";
    private static final int ROUTES = R | F | B | O | L;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;

    private final Core core;
    private volatile AvpDb.Settings settings;
    private final Map<String, AvpDb.Scheme> schemes = new ConcurrentHashMap<>();
    private final AvpDb db = new AvpDb(() -> settings, schemes);
    private volatile boolean rawQueries;
    /** Whether the script calls avp_db_query (its fixup ran): the database must then run raw SQL. */
    private volatile boolean queryUsed;
    private volatile ModuleHost host;
    /** avp_subst_pv's expressions, compiled once per text (bounded: the script makes few). */
    private final Map<String, SubstExpression> dynamicSubsts = new ConcurrentHashMap<>();

    private AvpopsModule(Core core) {
        this.core = core;
    }

    public static ModuleExports exports(Core core) {
        return new AvpopsModule(core).table();
    }

    private ModuleExports table() {
        ModuleExports.Builder b = ModuleExports.module(M, "https://kamailio.org/docs/modules/5.6.x/modules/avpops.html");
        b.paramChecked("db_url", STR, "", "the database of the avp_table (the avp_db_* functions need it)", v -> {
            try {
                DbUrl.parse(v);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        b.param("avp_table", STR, "", "the table of the preferences (needed with db_url)");
        b.param("use_domain", ParamExport.Type.INT, "0", "1: a URI's domain is part of the owner's key too");
        b.param("uuid_column", STR, "uuid", "the uuid column");
        b.param("username_column", STR, "username", "the username column");
        b.param("domain_column", STR, "domain", "the domain column");
        b.param("attribute_column", STR, "attribute", "the AVP name column");
        b.param("value_column", STR, "value", "the AVP value column");
        b.param("type_column", STR, "type", "the type column: bit 0 an integer value, bit 1 an integer name");
        b.paramChecked("db_scheme", STR, "", "a scheme for avp_db_load(..., \"$avp(x)/$name\") (may be set several times)", v -> {
            try {
                AvpDb.scheme(v);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });

        for (String f : List.of("avp_db_load", "avp_db_store", "avp_db_delete")) {
            boolean load = f.equals("avp_db_load");
            b.fn(f, 2, 2, ROUTES, args -> {
                AvpDb.Source src = source(args.get(0));
                AvpDb.Target t = target(args.get(1), load);
                return switch (f) {
                    case "avp_db_load" -> db.load(src, t);
                    case "avp_db_store" -> db.store(src, t);
                    default -> db.delete(src, t);
                };
            }).mayWait().checkWithParams((args, params) -> {
                needsDbUrl(args, params);
                schemeDeclared(args.get(1), params);
            }).summary(switch (f) {
                case "avp_db_load" -> "loads the owner's AVPs from avp_table (1 when it loaded one, else -1)";
                case "avp_db_store" -> "stores the owner's AVPs not yet in the table (1 when it stored one, else -1)";
                default -> "deletes the owner's AVPs from avp_table (1; -1 when the owner is not known)";
            });
        }
        b.fn("avp_db_query", 1, 2, ROUTES, args -> {
            queryUsed = true;
            Format query = Format.of(args.get(0));
            List<AvpName> dest = null;
            if (args.size() > 1) {
                String d = constant(args.get(1));
                try {
                    dest = AvpDb.destList(d);
                } catch (IllegalArgumentException e) {
                    throw new FunctionSpec.BadArgument(args.get(1), e.getMessage());
                }
            }
            return db.query(query, dest);
        }).mayWait().checkWithParams(AvpopsModule::needsDbUrl)
                .summary("runs an SQL statement on db_url; the rows' columns go to the AVPs named (i:1, i:2... by default): 1, -2 no rows, -1 error");
        b.fn("avp_delete", 1, 1, ROUTES, args -> delete(args.get(0)))
                .summary("deletes the newest value of an AVP (all with /g), or every AVP of a name type (a, s, i): 1, or -1 when none");
        b.fn("avp_copy", 2, 2, ROUTES, args -> copy(args.get(0), args.get(1)))
                .summary("copies the newest value (all with g; d moves; n/s cast) to another AVP: 1, or -1 when none");
        b.fn("avp_pushto", 2, 2, ROUTES, args -> pushTo(args.get(0), args.get(1)))
                .summary("writes an AVP's value (each with /g) to $ru[/username|/domain], $du or a new branch ($br)");
        b.fn("avp_check", 2, 2, ROUTES, args -> check(args.get(0), args.get(1)))
                .summary("compares an AVP or pseudo-variable with op/value[/flags] (eq ne lt le gt ge re fm and or xor): 1 when one passes");
        b.fn("avp_op", 2, 2, ROUTES, args -> op(args.get(0), args.get(1)))
                .summary("integer arithmetic on an AVP (add sub mul div mod and or xor not), the result added on top of it or of another");
        b.fn("avp_subst", 2, 2, ROUTES, args -> {
            Object[] s = substSource(args.get(0));
            String text = constant(args.get(1));
            SubstExpression se;
            try {
                se = SubstExpression.parse(text, pv -> args.get(1).pseudoVariable(pv));
            } catch (IllegalArgumentException e) {
                throw new FunctionSpec.BadArgument(args.get(1), "bad subst re " + text + ": " + e.getMessage());
            }
            return AvpFunctions.subst((AvpName) s[0], (AvpName) s[1], (Boolean) s[2], (Boolean) s[3], ctx -> se);
        }).summary("a sed-like substitution on an AVP's string value (each with g), into it or another AVP: 1 when one matched");
        b.fn("avp_subst_pv", 2, 2, ROUTES, args -> {
            Object[] s = substSource(args.get(0));
            Format text = Format.of(args.get(1));
            return AvpFunctions.subst((AvpName) s[0], (AvpName) s[1], (Boolean) s[2], (Boolean) s[3], ctx -> dynamicSubst(text.apply(ctx)));
        }).x().summary("avp_subst with the expression evaluated when it runs");
        b.fn("is_avp_set", 1, 1, ROUTES, args -> isSet(args.get(0)))
                .summary("whether an AVP has a value (/e empty, /s a string, /n an integer)");
        b.fn("avp_print", 0, 0, ROUTES, args -> AvpFunctions.print()).summary("logs every AVP of the message at INFO");
        b.onStart(this::start);
        return b.build();
    }

    /** fixup_db_avp: "you have to configure a db_url for using avp_db_xxx functions". */
    private static void needsDbUrl(List<Arg> args, List<Ast.ModParam> params) {
        for (Ast.ModParam p : params) {
            if (p.module().equals(M) && p.param().equals("db_url") && !String.valueOf(p.value()).isEmpty()) {
                return;
            }
        }
        throw new FunctionSpec.BadArgument(args.get(0), "you have to configure a db_url (modparam(\"avpops\", \"db_url\", ...)) "
                + "for using the avp_db_* functions");
    }

    /** parse_avp_db: "scheme <name> not found" when {@code /$name} names no db_scheme. */
    private static void schemeDeclared(Arg a, List<Ast.ModParam> params) {
        if (!a.isConstant()) {
            return;
        }
        String s = a.constantString();
        int at = s.indexOf("/$");
        if (at < 0) {
            return;
        }
        String name = s.substring(at + 2);
        for (Ast.ModParam p : params) {
            if (p.module().equals(M) && p.param().equals("db_scheme")) {
                String spec = String.valueOf(p.value());
                int colon = spec.indexOf(':');
                if (colon > 0 && spec.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return;
                }
            }
        }
        throw new FunctionSpec.BadArgument(a, "scheme <" + name + "> not found (modparam(\"avpops\", \"db_scheme\", ...))");
    }

    private void start(io.sipway.cfg.CompiledScript script, ModuleHost h) {
        host = h;
        for (String spec : core.modparams(M, "db_scheme")) {
            AvpDb.Scheme s = AvpDb.scheme(spec);
            if (schemes.putIfAbsent(s.name().toLowerCase(Locale.ROOT), s) != null) {
                throw new IllegalArgumentException("avpops: duplicated scheme name <" + s.name() + ">");
            }
        }
        String url = core.modparam(M, "db_url", "");
        if (url.isEmpty()) {
            return;
        }
        String table = core.modparam(M, "avp_table", "");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("avpops: \"AVP_DB\" present but \"AVP_TABLE\" found empty");
        }
        Database d = core.databases().get(url);
        String scheme = DbUrl.parse(url).scheme();
        rawQueries = scheme.equals("mysql") || scheme.equals("postgres") || scheme.equals("sqlite");
        if (queryUsed && !rawQueries) {
            throw new IllegalArgumentException("avpops: avp_db_query needs raw SQL queries, which Sipway's db_" + scheme
                    + " backend does not run");
        }
        try {
            d.tableVersion(table); // a light question, only to reach the server
        } catch (DbException e) {
            if (!d.up()) {
                // avpops_db_init connects in every worker: Kamailio does not start without its database
                throw new IllegalArgumentException("avpops: cannot initialize database connection " + d.url() + ": " + e.getMessage(), e);
            }
        }
        settings = new AvpDb.Settings(d, table, !core.modparam(M, "use_domain", "0").trim().equals("0"),
                core.modparam(M, "uuid_column", "uuid"), core.modparam(M, "username_column", "username"),
                core.modparam(M, "domain_column", "domain"), core.modparam(M, "attribute_column", "attribute"),
                core.modparam(M, "value_column", "value"), core.modparam(M, "type_column", "type"));
    }

    // ---- the arguments, as avpops.c's fixups read them ------------------------------------------------

    static String constant(Arg a) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "avpops takes this argument written as a string");
        }
        return a.constantString();
    }

    /** A pseudo-variable written in an argument, compiled as the script's. */
    static ValueSource pv(Arg a, String text) {
        ValueSource v;
        try {
            v = a.pseudoVariable(text);
        } catch (IllegalArgumentException e) {
            throw new FunctionSpec.BadArgument(a, "bad pseudo-variable " + text + ": " + e.getMessage());
        }
        if (v == null) {
            throw new FunctionSpec.BadArgument(a, "unknown pseudo-variable " + text);
        }
        return v;
    }

    private static AvpName avp(Arg a, String text) {
        if (!AvpName.isAvp(text)) {
            throw new FunctionSpec.BadArgument(a, "bad attribute name <" + text + ">: $avp(name) expected");
        }
        try {
            return AvpName.parse(text);
        } catch (IllegalArgumentException e) {
            throw new FunctionSpec.BadArgument(a, e.getMessage());
        }
    }

    /** parse_intstr_value: {@code i:N} (N may be 0x hex), {@code s:text}, or text. */
    static Object intStr(String v) {
        if (v.length() > 1 && v.charAt(1) == ':') {
            char t = Character.toLowerCase(v.charAt(0));
            String rest = v.substring(2);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("parse error around <" + v + ">");
            }
            if (t == 'i') {
                try {
                    if (rest.length() > 2 && rest.charAt(0) == '0' && Character.toLowerCase(rest.charAt(1)) == 'x') {
                        return Long.parseLong(rest.substring(2), 16);
                    }
                    return Long.parseLong(rest);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("value is not int as type says <" + v + ">");
                }
            }
            if (t == 's') {
                return rest;
            }
            throw new IllegalArgumentException("unknown value type <" + v.charAt(0) + ">");
        }
        return v;
    }

    /** The first argument of the avp_db_* functions. */
    private AvpDb.Source source(Arg a) {
        String s = constant(a);
        int slash = s.indexOf('/');
        String what = slash < 0 ? s : s.substring(0, slash);
        AvpDb.Owner flag = null;
        if (slash >= 0) {
            flag = switch (s.substring(slash + 1).toLowerCase(Locale.ROOT)) {
                case "domain" -> AvpDb.Owner.DOMAIN;
                case "username" -> AvpDb.Owner.USERNAME;
                case "uri" -> AvpDb.Owner.URI;
                case "uuid" -> AvpDb.Owner.UUID;
                default -> throw new FunctionSpec.BadArgument(a, "unknown flag <" + s.substring(slash + 1) + ">");
            };
        }
        if (!what.startsWith("$")) {
            return new AvpDb.Source(what, null, flag == null ? AvpDb.Owner.UUID : flag);
        }
        ValueSource v = pv(a, what);
        boolean uri = List.of("$ru", "$fu", "$tu", "$ou").contains(what);
        return new AvpDb.Source(null, v, flag != null ? flag : uri ? AvpDb.Owner.URI : AvpDb.Owner.UUID);
    }

    /** The second argument of the avp_db_* functions (parse_avp_db). */
    private AvpDb.Target target(Arg a, boolean allowScheme) {
        String s = constant(a);
        int slash = s.indexOf('/');
        String what = slash < 0 ? s : s.substring(0, slash);
        AvpName avp = null;
        AvpFunctions.NameType type = null;
        if (what.startsWith("$")) {
            avp = avp(a, what);
        } else {
            type = nameType(a, what);
        }
        String table = null;
        String scheme = null;
        if (slash >= 0) {
            String rest = s.substring(slash + 1);
            if (rest.startsWith("$")) {
                if (!allowScheme) {
                    throw new FunctionSpec.BadArgument(a, "function doesn't support DB schemes");
                }
                if (avp == null) {
                    throw new FunctionSpec.BadArgument(a, "inconsistent usage of DB scheme without complete specification of AVP name");
                }
                scheme = rest.substring(1).toLowerCase(Locale.ROOT);
                if (scheme.isEmpty()) {
                    throw new FunctionSpec.BadArgument(a, "empty scheme/table name");
                }
                // that the scheme exists is checked against the modparams (schemeDeclared)
            } else if (rest.isEmpty()) {
                throw new FunctionSpec.BadArgument(a, "empty scheme/table name");
            } else {
                table = rest;
            }
        }
        return new AvpDb.Target(avp, type, table, scheme);
    }

    /** A flags-only name: a/A/* any, s/S string names, i/I integer ids; script flags after it are refused. */
    private static AvpFunctions.NameType nameType(Arg a, String what) {
        if (what.isEmpty()) {
            throw new FunctionSpec.BadArgument(a, "bad param - expected : $avp(name), *, s or i value");
        }
        AvpFunctions.NameType t = switch (what.charAt(0)) {
            case 's', 'S' -> AvpFunctions.NameType.STR;
            case 'i', 'I' -> AvpFunctions.NameType.INT;
            case '*', 'a', 'A' -> AvpFunctions.NameType.ANY;
            default -> throw new FunctionSpec.BadArgument(a, "bad param - expected : *, s or i AVP flag");
        };
        String flags = what.substring(1);
        if (!flags.isEmpty()) {
            if (!flags.matches("\\d+")) {
                throw new FunctionSpec.BadArgument(a, "bad avp flags in " + what);
            }
            if (Long.parseLong(flags) != 0) {
                throw new FunctionSpec.BadArgument(a, "AVP script flags (" + what + ") are not implemented by Sipway");
            }
        }
        return t;
    }

    private ScriptFunction delete(Arg a) {
        String s = constant(a);
        int slash = s.indexOf('/');
        String what = slash < 0 ? s : s.substring(0, slash);
        boolean all = false;
        for (char c : (slash < 0 ? "" : s.substring(slash + 1)).toCharArray()) {
            if (c != 'g' && c != 'G') {
                throw new FunctionSpec.BadArgument(a, "bad flag <" + c + ">");
            }
            all = true;
        }
        if (what.startsWith("$")) {
            return AvpFunctions.delete(avp(a, what), null, all);
        }
        return AvpFunctions.delete(null, nameType(a, what), true);
    }

    private ScriptFunction copy(Arg a1, Arg a2) {
        AvpName src = avp(a1, constant(a1));
        String s = constant(a2);
        int slash = s.indexOf('/');
        AvpName dst = avp(a2, slash < 0 ? s : s.substring(0, slash));
        boolean all = false;
        boolean delete = false;
        boolean toInt = false;
        boolean toStr = false;
        for (char c : (slash < 0 ? "" : s.substring(slash + 1)).toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case 'g' -> all = true;
                case 'd' -> delete = true;
                case 'n' -> toInt = true;
                case 's' -> toStr = true;
                default -> throw new FunctionSpec.BadArgument(a2, "bad flag <" + c + ">");
            }
        }
        return AvpFunctions.copy(src, dst, all, delete, toInt, toStr);
    }

    private ScriptFunction pushTo(Arg a1, Arg a2) {
        String d = constant(a1);
        if (!d.startsWith("$")) {
            throw new FunctionSpec.BadArgument(a1, "bad param 1; expected : $ru $du ...");
        }
        int slash = d.indexOf('/');
        String to = slash < 0 ? d : d.substring(0, slash);
        String part = slash < 0 ? null : d.substring(slash + 1);
        AvpFunctions.PushTo dest;
        Pv userOrHost = null;
        switch (to) {
            case "$ru" -> {
                if (part == null) {
                    dest = AvpFunctions.PushTo.RURI;
                } else if (part.equalsIgnoreCase("username")) {
                    dest = AvpFunctions.PushTo.RURI_USER;
                    userOrHost = a1.assignablePseudoVariable("$rU");
                } else if (part.equalsIgnoreCase("domain")) {
                    dest = AvpFunctions.PushTo.RURI_HOST;
                    userOrHost = a1.assignablePseudoVariable("$rd");
                } else {
                    throw new FunctionSpec.BadArgument(a1, "unknown ruri flag \"" + part + "\"!");
                }
                if (part != null && userOrHost == null) {
                    throw new FunctionSpec.BadArgument(a1, "the pv module is needed to write a part of the R-URI");
                }
            }
            case "$du", "$br" -> {
                if (part != null) {
                    throw new FunctionSpec.BadArgument(a1, "unknown " + (to.equals("$du") ? "duri" : "branch") + " flag \"" + part + "\"!");
                }
                dest = to.equals("$du") ? AvpFunctions.PushTo.DURI : AvpFunctions.PushTo.BRANCH;
            }
            default -> {
                if (to.startsWith("$hdr(")) {
                    throw new FunctionSpec.BadArgument(a1, "push to header is obsoleted - use append_hf() or append_to_reply() from textops module!");
                }
                throw new FunctionSpec.BadArgument(a1, "unsupported destination \"" + to + "\"; expected $ru,$du,$br");
            }
        }
        String s = constant(a2);
        if (!s.startsWith("$")) {
            throw new FunctionSpec.BadArgument(a2, "bad param 2; expected: $pseudo-variable ...");
        }
        int end = AvpName.end(s);
        String src = s.substring(0, end);
        String flags = s.substring(end);
        boolean all = false;
        if (!flags.isEmpty()) {
            if (flags.charAt(0) != '/') {
                throw new FunctionSpec.BadArgument(a2, "bad param 2 " + s);
            }
            for (char c : flags.substring(1).toCharArray()) {
                if (c != 'g' && c != 'G') {
                    throw new FunctionSpec.BadArgument(a2, "bad flag <" + c + ">");
                }
                all = true;
            }
        }
        if (AvpName.isAvp(src)) {
            return AvpFunctions.pushTo(dest, userOrHost, avp(a2, src), null, all);
        }
        return AvpFunctions.pushTo(dest, userOrHost, null, pv(a2, src), all);
    }

    private ScriptFunction check(Arg a1, Arg a2) {
        String src = constant(a1).trim();
        if (!src.startsWith("$")) {
            throw new FunctionSpec.BadArgument(a1, "unable to get pseudo-variable in param 1");
        }
        if (src.startsWith("$xavp(") && src.contains("[*]")) {
            throw new FunctionSpec.BadArgument(a1, "Sipway's avp_check does not iterate an xavp's values ([*])");
        }
        String c = constant(a2);
        if (c.contains("$xavp(") && c.contains("[*]")) {
            throw new FunctionSpec.BadArgument(a2, "Sipway's avp_check does not iterate an xavp's values ([*])");
        }
        AvpCheck chk;
        try {
            chk = AvpCheck.parse(c, a2);
        } catch (IllegalArgumentException e) {
            if (e instanceof FunctionSpec.BadArgument) {
                throw e;
            }
            throw new FunctionSpec.BadArgument(a2, e.getMessage());
        }
        return AvpName.isAvp(src) ? chk.over(avp(a1, src), null) : chk.over(null, pv(a1, src));
    }

    private ScriptFunction op(Arg a1, Arg a2) {
        String s = constant(a1);
        int slash = s.indexOf('/');
        AvpName src = avp(a1, slash < 0 ? s : s.substring(0, slash));
        AvpName dst = slash < 0 || slash == s.length() - 1 ? null : avp(a1, s.substring(slash + 1));
        String v = constant(a2);
        int vs = v.indexOf('/');
        if (vs != 2 && vs != 3) {
            throw new FunctionSpec.BadArgument(a2, "parse error in <" + v + ">: op/value[/flags] expected");
        }
        AvpFunctions.Arith op = switch (v.substring(0, vs).toLowerCase(Locale.ROOT)) {
            case "add" -> AvpFunctions.Arith.ADD;
            case "sub" -> AvpFunctions.Arith.SUB;
            case "mul" -> AvpFunctions.Arith.MUL;
            case "div" -> AvpFunctions.Arith.DIV;
            case "mod" -> AvpFunctions.Arith.MOD;
            case "and" -> AvpFunctions.Arith.AND;
            case "or" -> AvpFunctions.Arith.OR;
            case "xor" -> AvpFunctions.Arith.XOR;
            case "not" -> AvpFunctions.Arith.NOT;
            default -> throw new FunctionSpec.BadArgument(a2, "unknown operation <" + v.substring(0, vs) + ">");
        };
        String rest = v.substring(vs + 1);
        if (rest.isEmpty()) {
            throw new FunctionSpec.BadArgument(a2, "parse error in <" + v + ">: no value");
        }
        Long constant = null;
        AvpName valueAvp = null;
        ValueSource valuePv = null;
        String flags;
        if (rest.startsWith("$")) {
            int end = AvpName.end(rest);
            String text = rest.substring(0, end);
            flags = rest.substring(end);
            if (AvpName.isAvp(text)) {
                valueAvp = avp(a2, text);
            } else {
                valuePv = pv(a2, text);
            }
        } else {
            int end = rest.indexOf('/');
            String text = end < 0 ? rest : rest.substring(0, end);
            flags = end < 0 ? "" : rest.substring(end);
            Object c;
            try {
                c = intStr(text);
            } catch (IllegalArgumentException e) {
                throw new FunctionSpec.BadArgument(a2, e.getMessage());
            }
            if (!(c instanceof Long n)) {
                throw new FunctionSpec.BadArgument(a2, "operations requires integer values (i:N)");
            }
            constant = n;
        }
        boolean delete = false;
        if (!flags.isEmpty()) {
            if (flags.charAt(0) != '/' || flags.length() == 1) {
                throw new FunctionSpec.BadArgument(a2, "parse error in <" + v + ">");
            }
            for (char c : flags.substring(1).toCharArray()) {
                switch (Character.toLowerCase(c)) {
                    case 'g' -> { } // every integer value is operated on anyway
                    case 'd' -> delete = true;
                    default -> throw new FunctionSpec.BadArgument(a2, "unknown flag <" + c + ">");
                }
            }
        }
        return AvpFunctions.op(src, dst, op, constant, valueAvp, valuePv, delete);
    }

    /** avp_subst's first argument: src[/dst][/flags] as {src, dst or null, all, delete}. */
    private static Object[] substSource(Arg a) {
        String s = constant(a);
        String[] parts = s.split("/", -1);
        AvpName src = avp(a, parts[0]);
        AvpName dst = null;
        String flags = "";
        if (parts.length > 1) {
            if (parts[1].startsWith("$")) {
                dst = avp(a, parts[1]);
                flags = parts.length > 2 ? parts[2] : "";
            } else if (parts[1].isEmpty() && parts.length > 2) {
                flags = parts[2]; // src//flags
            } else {
                flags = parts[1];
            }
            if (parts.length > 3) {
                throw new FunctionSpec.BadArgument(a, "bad attribute name <" + s + ">");
            }
        }
        boolean all = false;
        boolean delete = false;
        for (char c : flags.toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case 'g' -> all = true;
                case 'd' -> delete = true;
                default -> throw new FunctionSpec.BadArgument(a, "bad flag <" + c + ">");
            }
        }
        return new Object[] {src, dst, all, delete};
    }

    private SubstExpression dynamicSubst(String text) {
        SubstExpression se = dynamicSubsts.get(text);
        if (se != null) {
            return se;
        }
        ModuleHost h = host;
        try {
            se = SubstExpression.parse(text, pv -> h == null ? null : h.pvFromText(pv));
        } catch (IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(M).error("bad subst re {}: {}", text, e.getMessage());
            return null;
        }
        if (dynamicSubsts.size() < 256) {
            dynamicSubsts.put(text, se);
        }
        return se;
    }

    private ScriptFunction isSet(Arg a) {
        String s = constant(a);
        int slash = s.indexOf('/');
        AvpName avp = avp(a, slash < 0 ? s : s.substring(0, slash));
        boolean empty = false;
        boolean str = false;
        boolean num = false;
        for (char c : (slash < 0 ? "" : s.substring(slash + 1)).toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case 'e' -> empty = true;
                case 'n' -> {
                    if (str) {
                        throw new FunctionSpec.BadArgument(a, "invalid flag combination <" + c + "> and 's|S'");
                    }
                    num = true;
                }
                case 's' -> {
                    if (num) {
                        throw new FunctionSpec.BadArgument(a, "invalid flag combination <" + c + "> and 'n|N'");
                    }
                    str = true;
                }
                default -> throw new FunctionSpec.BadArgument(a, "bad flag <" + c + ">");
            }
        }
        return AvpFunctions.isSet(avp, empty, str, num);
    }
}
