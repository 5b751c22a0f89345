package io.sipway.proxy.module.alias_db;

import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.ParamExport;
import io.sipway.sip.SipUri;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * alias_db (https://kamailio.org/docs/modules/5.6.x/modules/alias_db.html): Request-URI aliases
 * from a table queried on each call (alookup.c): {@code alias_db_lookup(table[, flags])} looks the
 * R-URI user (and host, when the domain is used) up among the aliases, rewrites the R-URI to
 * {@code sip:username@domain} of the first row and, with {@code append_branches=1}, appends the
 * other rows as branches. 1 on a hit, -1 when there is none or the query fails. The function waits
 * on the database, so the routes that reach it run on the workers.
 */
public final class AliasDbModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.alias_db");
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    static final String DEFAULT_DB_URL = "mysql://kamailioro:kamailioro@localhost/kamailio";

    private AliasDbModule() {
    }

    /** The modparams as start read them. */
    record Settings(Database db, String userCol, String domainCol, String aliasUserCol, String aliasDomainCol, boolean useDomain,
                    String domainPrefix, boolean appendBranches) {
    }

    /** A call's flags: {@code d} no domain, {@code u} the domain, {@code r} reverse; null domain = use_domain's. */
    record Flags(Boolean domain, boolean reverse) {
        static Flags parse(String s) {
            Boolean domain = null;
            boolean reverse = false;
            for (char c : s.toCharArray()) {
                switch (Character.toLowerCase(c)) {
                    case 'd' -> domain = false;
                    case 'u' -> domain = true;
                    case 'r' -> reverse = true;
                    default -> throw new IllegalArgumentException("unsupported flag '" + c + "' (d, u, r)");
                }
            }
            return new Flags(domain, reverse);
        }
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("alias_db", "https://kamailio.org/docs/modules/5.6.x/modules/alias_db.html");
        Settings[] settings = new Settings[1];
        java.util.concurrent.atomic.AtomicReference<ModuleHost> hostRef = new java.util.concurrent.atomic.AtomicReference<>();
        List<String> outputs = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.fn("alias_db_lookup", 1, 2, R | F, args -> {
            Format table = Format.of(args.get(0));
            Flags flags = args.size() > 1 ? flags(args.get(1)) : new Flags(null, false);
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                return query(settings[0], table.apply(ctx), m.requestUri(), flags, (i, uri) -> {
                    if (i == 0) {
                        m.ruri = uri;
                    } else if (settings[0].appendBranches()) {
                        m.branches.add(new String[] {uri, null});
                    }
                });
            };
        }).x().mayWait().summary("rewrites the R-URI to the user of the alias it names (first row; others as branches with "
                + "append_branches=1); 1, or -1 when none (or the query failed)");
        b.fn("alias_db_find", 3, 4, R | F, args -> {
            Format table = Format.of(args.get(0));
            Format in = Format.of(args.get(1));
            String out = output(args.get(2));
            outputs.add(out);
            Pv[] pv = new Pv[1]; // resolved on first use with the script's modules (a fixup sees no host)
            Flags flags = args.size() > 3 ? flags(args.get(3)) : new Flags(null, false);
            return ctx -> query(settings[0], table.apply(ctx), in.apply(ctx), flags, (i, uri) -> {
                if (i == 0 || settings[0].appendBranches()) {
                    if (pv[0] == null) {
                        pv[0] = writable(hostRef.get(), out);
                    }
                    pv[0].set(ctx, uri); // an AVP keeps each value, as Kamailio's EQ_T after the first ASSIGN_T
                }
            });
        }).x().mayWait().summary("looks the URI of the second argument up as alias_db_lookup() does and writes the result "
                + "(all rows with append_branches=1) to the pseudo-variable of the third; 1, or -1");
        b.param("db_url", STR, DEFAULT_DB_URL, "the database of the alias tables");
        b.param("user_column", STR, "username", "the canonical user column");
        b.param("domain_column", STR, "domain", "the canonical domain column");
        b.param("alias_user_column", STR, "alias_username", "the alias user column");
        b.param("alias_domain_column", STR, "alias_domain", "the alias domain column");
        b.param("use_domain", INT, "0", "1: the R-URI host is matched too (flags d/u override it per call)");
        b.param("domain_prefix", STR, "", "a host prefix left out of the match (\"sip.\")");
        b.param("append_branches", INT, "0", "1: the rows after the first become branches");
        b.onStart((script, host) -> {
            hostRef.set(host);
            for (String out : outputs) {
                try {
                    writable(host, out);
                } catch (IllegalStateException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            String url = core.modparam("alias_db", "db_url", DEFAULT_DB_URL);
            Database db = core.databases().get(url);
            // Kamailio connects in child_init and does not start when it cannot
            try {
                db.tableVersion("dbaliases");
            } catch (DbException e) {
                if (!db.up()) {
                    throw new IllegalArgumentException("alias_db: unable to connect to the database " + db.url() + ": " + e.getMessage(), e);
                }
            }
            settings[0] = new Settings(db, core.modparam("alias_db", "user_column", "username"),
                    core.modparam("alias_db", "domain_column", "domain"),
                    core.modparam("alias_db", "alias_user_column", "alias_username"),
                    core.modparam("alias_db", "alias_domain_column", "alias_domain"),
                    !core.modparam("alias_db", "use_domain", "0").trim().equals("0"),
                    core.modparam("alias_db", "domain_prefix", ""),
                    !core.modparam("alias_db", "append_branches", "0").trim().equals("0"));
        });
        return b.build();
    }

    private static Flags flags(Arg a) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "the flags must be written as text (d, u, r)");
        }
        try {
            return Flags.parse(a.constantString());
        } catch (IllegalArgumentException e) {
            throw new FunctionSpec.BadArgument(a, e.getMessage());
        }
    }

    /** The text of the pseudo-variable an argument names ("$avp(alias)"). */
    private static String output(Arg a) {
        String text = a.isConstant() ? a.constantString().trim() : a.toString().replace("\"", "").trim();
        if (!text.matches("\\$[A-Za-z_][A-Za-z0-9_.]*(\\(.*\\))?")) {
            throw new FunctionSpec.BadArgument(a, "needs a pseudo-variable to write to");
        }
        return text;
    }

    private static Pv writable(ModuleHost host, String text) {
        ValueSource v = host == null ? null : host.pvFromText(text);
        if (!(v instanceof Pv p) || !p.writable()) {
            throw new IllegalStateException("alias_db_find: " + text + " is no writable pseudo-variable");
        }
        return p;
    }

    /** Where each row's {@code sip:user@domain} goes: row 0 first. */
    interface Target {
        void accept(int row, String uri);
    }

    /** alookup.c's alias_db_query over {@code uriText}: 1 when rows were found (each given to {@code target}), else -1. */
    static long query(Settings s, String table, String uriText, Flags flags, Target target) {
        if (s == null) {
            return -1;
        }
        SipUri uri;
        try {
            uri = SipUri.parse(uriText);
        } catch (RuntimeException e) {
            return -1;
        }
        boolean useDomain = flags.domain() != null ? flags.domain() : s.useDomain();
        String keyUser = flags.reverse() ? s.userCol() : s.aliasUserCol();
        String keyDomain = flags.reverse() ? s.domainCol() : s.aliasDomainCol();
        String outUser = flags.reverse() ? s.aliasUserCol() : s.userCol();
        String outDomain = flags.reverse() ? s.aliasDomainCol() : s.domainCol();
        Where w = Where.eq(keyUser, uri.user() == null ? "" : uri.user());
        if (useDomain) {
            String h = uri.host();
            String p = s.domainPrefix();
            if (!p.isEmpty() && p.length() < h.length() && h.toLowerCase(Locale.ROOT).startsWith(p.toLowerCase(Locale.ROOT))) {
                h = h.substring(p.length());
            }
            w = w.andEq(keyDomain, h);
        }
        DbResult r;
        try {
            r = s.db().query(table, List.of(outUser, outDomain), w, null);
        } catch (DbException e) {
            LOG.error("alias_db: failed to query database: {}", e.getMessage());
            return -1;
        }
        if (r.size() == 0 || r.get(0, outUser) == null) {
            return -1;
        }
        for (int i = 0; i < r.size(); i++) {
            target.accept(i, "sip:" + nz(r.text(i, outUser)) + "@" + nz(r.text(i, outDomain)));
        }
        return 1;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
