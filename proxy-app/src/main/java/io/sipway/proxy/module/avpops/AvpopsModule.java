package io.sipway.proxy.module.avpops;

import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.L;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.FunctionSpec;
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
 * <p>Not here, and refused where written: AVP script flags ({@code $AvpArgs.avp(i3:123)}), AVP names computed
 * at run time ({@code $AvpArgs.avp($var(n))}), iterating {@code $xavp(...[*])} in avp_check.
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
        b.paramParsed("db_url", STR, "", "the database of the avp_table (the avp_db_* functions need it)", v -> DbUrl.parse(v));
        b.param("avp_table", STR, "", "the table of the preferences (needed with db_url)");
        b.param("use_domain", ParamExport.Type.INT, "0", "1: a URI's domain is part of the owner's key too");
        b.param("uuid_column", STR, "uuid", "the uuid column");
        b.param("username_column", STR, "username", "the username column");
        b.param("domain_column", STR, "domain", "the domain column");
        b.param("attribute_column", STR, "attribute", "the AVP name column");
        b.param("value_column", STR, "value", "the AVP value column");
        b.param("type_column", STR, "type", "the type column: bit 0 an integer value, bit 1 an integer name");
        b.paramParsed("db_scheme", STR, "", "a scheme for avp_db_load(..., \"$AvpArgs.avp(x)/$name\") (may be set several times)", v -> AvpDb.scheme(v));

        for (String f : List.of("avp_db_load", "avp_db_store", "avp_db_delete")) {
            boolean load = f.equals("avp_db_load");
            b.fn(f, 2, 2, ROUTES, args -> {
                AvpDb.Source src = AvpArgs.source(args.get(0));
                AvpDb.Target t = AvpArgs.target(args.get(1), load);
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
                String d = AvpArgs.constant(args.get(1));
                try {
                    dest = AvpDb.destList(d);
                } catch (IllegalArgumentException e) {
                    throw new FunctionSpec.BadArgument(args.get(1), e.getMessage());
                }
            }
            return db.query(query, dest);
        }).mayWait().checkWithParams(AvpopsModule::needsDbUrl)
                .summary("runs an SQL statement on db_url; the rows' columns go to the AVPs named (i:1, i:2... by default): 1, -2 no rows, -1 error");
        b.fn("avp_delete", 1, 1, ROUTES, args -> AvpArgs.delete(args.get(0)))
                .summary("deletes the newest value of an AVP (all with /g), or every AVP of a name type (a, s, i): 1, or -1 when none");
        b.fn("avp_copy", 2, 2, ROUTES, args -> AvpArgs.copy(args.get(0), args.get(1)))
                .summary("copies the newest value (all with g; d moves; n/s cast) to another AVP: 1, or -1 when none");
        b.fn("avp_pushto", 2, 2, ROUTES, args -> AvpArgs.pushTo(args.get(0), args.get(1)))
                .summary("writes an AVP's value (each with /g) to $ru[/username|/domain], $du or a new branch ($br)");
        b.fn("avp_check", 2, 2, ROUTES, args -> AvpArgs.check(args.get(0), args.get(1)))
                .summary("compares an AVP or pseudo-variable with op/value[/flags] (eq ne lt le gt ge re fm and or xor): 1 when one passes");
        b.fn("avp_op", 2, 2, ROUTES, args -> AvpArgs.op(args.get(0), args.get(1)))
                .summary("integer arithmetic on an AVP (add sub mul div mod and or xor not), the result added on top of it or of another");
        b.fn("avp_subst", 2, 2, ROUTES, args -> {
            Object[] s = AvpArgs.substSource(args.get(0));
            String text = AvpArgs.constant(args.get(1));
            SubstExpression se;
            try {
                se = SubstExpression.parse(text, pv -> args.get(1).pseudoVariable(pv));
            } catch (IllegalArgumentException e) {
                throw new FunctionSpec.BadArgument(args.get(1), "bad subst re " + text + ": " + e.getMessage());
            }
            return AvpFunctions.subst((AvpName) s[0], (AvpName) s[1], (Boolean) s[2], (Boolean) s[3], ctx -> se);
        }).summary("a sed-like substitution on an AVP's string value (each with g), into it or another AVP: 1 when one matched");
        b.fn("avp_subst_pv", 2, 2, ROUTES, args -> {
            Object[] s = AvpArgs.substSource(args.get(0));
            Format text = Format.of(args.get(1));
            return AvpFunctions.subst((AvpName) s[0], (AvpName) s[1], (Boolean) s[2], (Boolean) s[3], ctx -> dynamicSubst(text.apply(ctx)));
        }).x().summary("avp_subst with the expression evaluated when it runs");
        b.fn("is_avp_set", 1, 1, ROUTES, args -> AvpArgs.isSet(args.get(0)))
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
}
