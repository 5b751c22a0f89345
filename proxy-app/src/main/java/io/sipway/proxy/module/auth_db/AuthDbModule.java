package io.sipway.proxy.module.auth_db;

import static io.sipway.proxy.module.Routes.ANY;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.auth.Credentials;
import io.sipway.proxy.module.auth.DigestAuth;
import io.sipway.proxy.module.auth.IdentityCheck;
import io.sipway.sip.SipUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth_db (https://kamailio.org/docs/modules/5.6.x/modules/auth_db.html): digest credentials
 * checked against the subscriber table through auth's API ({@link DigestAuth}). The queries block,
 * so every function here {@code mayWait()}; a database that fails answers -1 (AUTH_ERROR), as
 * auth_db does when its query fails. At start, as Kamailio: the table of each www_authorize /
 * proxy_authorize must have version 7 in the {@code version} table, and the database must answer,
 * else the proxy does not start.
 */
public final class AuthDbModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.auth_db");
    /** auth_db_mod.c TABLE_VERSION: the subscriber table of Kamailio 5.6. */
    static final int TABLE_VERSION = 7;
    static final String DEFAULT_DB_URL = "mysql://kamailioro:kamailioro@localhost/kamailio";

    /** One per core: the tables to check at start, then the subscriber table's settings. */
    private static final class State {
        final Set<String> versionTables = ConcurrentHashMap.newKeySet();
        volatile Subscribers subscribers;
    }

    private static final Map<Core, State> BY_CORE = new WeakHashMap<>();

    private static State state(Core core) {
        synchronized (BY_CORE) {
            return BY_CORE.computeIfAbsent(core, c -> new State());
        }
    }

    private AuthDbModule() {
    }

    private static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("auth_db", "https://kamailio.org/docs/modules/5.6.x/modules/auth_db.html");
        State state = state(core);
        DigestAuth api = DigestAuth.of(core);
        authorize(b, core, state, api, "www_authorize", false, 2);
        authorize(b, core, state, api, "www_authenticate", false, 3);
        authorize(b, core, state, api, "proxy_authorize", true, 2);
        authorize(b, core, state, api, "proxy_authenticate", true, 2);
        b.fn("auth_check", 3, 3, R, args -> {
            Format realm = Format.of(args.get(0));
            Format table = Format.of(args.get(1));
            Format flags = Format.of(args.get(2));
            return ctx -> {
                MsgContext m = c(ctx);
                String method = m.msg.methodName();
                if (method.equals("ACK") || method.equals("CANCEL")) {
                    return DigestAuth.AUTH_OK;
                }
                String r = realm.apply(ctx);
                String t = table.apply(ctx);
                if (r.isEmpty() || t.isEmpty()) {
                    LOG.error("auth_db: auth_check: invalid realm or table parameter - empty value");
                    return DigestAuth.AUTH_ERROR;
                }
                long f = Format.num(flags.apply(ctx));
                Credentials[] used = new Credentials[1];
                long ret = authenticate(core, state, api, m, r, t, !method.equals("REGISTER"), method, used);
                if (ret == DigestAuth.AUTH_OK && used[0] != null && (f & 1) != 0) {
                    return IdentityCheck.check(m, used[0].user(), (f & 2) != 0, subscribers(core, state).useDomain());
                }
                return ret;
            };
        }).x().mayWait().check(AuthDbModule::notEmpty)
                .summary("proxy_authorize, or www_authorize for a REGISTER; flags 1: the auth user must be the From (To) user");
        b.fn("is_subscriber", 3, 3, ANY, args -> {
            Format uri = Format.of(args.get(0));
            Format table = Format.of(args.get(1));
            Format flags = Format.of(args.get(2));
            return ctx -> isSubscriber(core, state, c(ctx), uri.apply(ctx), table.apply(ctx), Format.num(flags.apply(ctx)));
        }).x().mayWait().check(AuthDbModule::notEmpty)
                .summary("the URI's user (flags 1: at its host) has a row; flags 2: load no credentials; -2 none");
        b.declared("www_authorize").summary("checks Authorization credentials against the table: 1, or -1 error, -2 wrong password,"
                + " -3 unknown user, -4 stale nonce, -5 no credentials, -6 nonce reused");
        b.declared("www_authenticate").summary("www_authorize, optionally for another method");
        b.declared("proxy_authorize").summary("checks Proxy-Authorization credentials against the table (codes as www_authorize)");
        b.declared("proxy_authenticate").summary("the same as proxy_authorize");
        params(b);
        b.onStart((script, host) -> start(core, state, script, host));
        return b.build();
    }

    /** auth_fixup / auth_check_fixup: an empty parameter is refused when the script is loaded. */
    private static void notEmpty(List<Arg> args) {
        for (Arg a : args) {
            if (a.isConstant() && a.constantString().isEmpty()) {
                throw new FunctionSpec.BadArgument(a, "empty parameter not allowed");
            }
        }
    }

    private static void authorize(ModuleExports.Builder b, Core core, State state, DigestAuth api, String name, boolean proxy,
                                  int maxArgs) {
        b.fn(name, 2, maxArgs, R, args -> {
            Format realm = Format.of(args.get(0));
            String table = args.get(1).constantString();
            state.versionTables.add(table); // auth_fixup checks its version (at start here)
            Format method = args.size() > 2 ? Format.of(args.get(2)) : null;
            return ctx -> {
                MsgContext m = c(ctx);
                String r = realm.apply(ctx);
                if (r.isEmpty()) {
                    LOG.error("auth_db: {}: invalid realm parameter - empty value", name);
                    return DigestAuth.AUTH_ERROR;
                }
                String mth = method == null ? m.msg.methodName() : method.apply(ctx);
                if (mth.isEmpty()) {
                    return DigestAuth.AUTH_ERROR;
                }
                return authenticate(core, state, api, m, r, table, proxy, mth, null);
            };
        }).mayWait().check(a -> {
            notEmpty(a);
            if (!a.get(1).isConstant()) {
                throw new FunctionSpec.BadArgument(a.get(1), "the table must be a name, not a variable");
            }
        });
    }

    /**
     * authorize.c digest_authenticate_hdr: pre_auth's verdict, else the user's row (-3 none, -1 when
     * the query fails), the HA1 (from the password with calculate_ha1) and the response check;
     * load_credentials into their pseudo-variables after a success (whenever the row exists with
     * force_generate_avps). {@code used[0]} gets the credentials that were checked.
     */
    static long authenticate(Core core, State state, DigestAuth api, MsgContext m, String realm, String table, boolean proxy,
                             String method, Credentials[] used) {
        DigestAuth.Found f = api.preAuth(m, realm, proxy);
        if (f.result() != DigestAuth.Pre.DO_AUTHENTICATION) {
            return DigestAuth.cfgResult(f.result());
        }
        Credentials cred = f.credentials();
        if (used != null) {
            used[0] = cred;
        }
        Subscribers subs = subscribers(core, state);
        String stripped = api.stripRealm(realm);
        Subscribers.Row row;
        try {
            row = subs.passwordOf(table, cred.user(), cred.domain(), stripped);
        } catch (DbException e) {
            failed(subs.db(), e);
            return DigestAuth.AUTH_ERROR;
        }
        if (row == null) {
            return DigestAuth.AUTH_USER_UNKNOWN;
        }
        boolean force = subs.forceGenerateAvps();
        if (force) {
            subs.load(m, row.result());
        }
        String ha1 = subs.calculateHa1() ? api.ha1(cred.username(), stripped, row.password()) : row.password();
        int r = api.checkResponse(cred, m.msg, method, ha1);
        if (r == DigestAuth.AUTH_OK && !force) {
            subs.load(m, row.result());
        }
        return r;
    }

    /** is_subscriber: 1 found, -2 not, -1 a bad parameter or a failed query. */
    static long isSubscriber(Core core, State state, MsgContext m, String uri, String table, long flags) {
        if (uri.isEmpty() || table.isEmpty()) {
            LOG.error("auth_db: is_subscriber: invalid uri or table parameter - empty value");
            return -1;
        }
        SipUri u;
        try {
            u = SipUri.parse(uri);
        } catch (RuntimeException e) {
            LOG.error("auth_db: is_subscriber: invalid uri parameter format");
            return -1;
        }
        try {
            boolean found = subscribers(core, state).exists(m, table, u.user() == null ? "" : u.user(),
                    (flags & 1) != 0 ? u.host() : null, (flags & 2) != 0);
            return found ? 1 : -2;
        } catch (DbException e) {
            failed(subscribers(core, state).db(), e);
            return -1;
        }
    }

    /** A failed query: logged, except during an outage, which the database logs once (and its end). */
    private static void failed(Database db, DbException e) {
        if (db.up()) {
            LOG.error("auth_db: failed to query database: {}", e.getMessage());
        }
    }

    /** The settings of the running proxy (at start), or read now without load_credentials (check mode, tests). */
    private static Subscribers subscribers(Core core, State state) {
        Subscribers s = state.subscribers;
        if (s == null) {
            s = settings(core, List.of());
            state.subscribers = s;
        }
        return s;
    }

    private static Subscribers settings(Core core, List<Subscribers.Credential> credentials) {
        Database db = core.databases().get(core.modparam("auth_db", "db_url", DEFAULT_DB_URL));
        return new Subscribers(db, core.modparam("auth_db", "user_column", "username"),
                core.modparam("auth_db", "domain_column", "domain"), core.modparam("auth_db", "password_column", "ha1"),
                core.modparam("auth_db", "password_column_2", "ha1b"),
                Format.num(core.modparam("auth_db", "calculate_ha1", "0")) != 0,
                Format.num(core.modparam("auth_db", "use_domain", "0")) != 0, credentials,
                Format.num(core.modparam("auth_db", "force_generate_avps", "0")) != 0);
    }

    /**
     * mod_init, the fixups' version check and child_init's connection: auth must be loaded, the
     * load_credentials names writable pseudo-variables, the tables of www_authorize and
     * proxy_authorize have version 7, and the database answers.
     */
    private static void start(Core core, State state, CompiledScript script, ModuleHost host) {
        if (!script.modules().contains("auth")) {
            throw new IllegalArgumentException("auth_db needs the auth module: loadmodule \"auth.so\" before it");
        }
        Subscribers s = settings(core, credentials(core.modparam("auth_db", "load_credentials", ""), host));
        state.subscribers = s;
        Database db = s.db();
        try {
            if (Format.num(core.modparam("auth_db", "version_table", "1")) != 0 && !state.versionTables.isEmpty()) {
                for (String table : state.versionTables) {
                    int v = db.tableVersion(table);
                    if (v != TABLE_VERSION) {
                        throw new IllegalArgumentException("auth_db: table '" + table + "' has version " + v
                                + " in the version table of " + db.url() + ", expected " + TABLE_VERSION
                                + " (check the table's structure and the version table; sipway db create writes both)");
                    }
                }
            } else if (List.of("mysql", "postgres", "sqlite").contains(db.url().scheme())) {
                db.raw("SELECT 1");
            }
        } catch (DbException e) {
            throw new IllegalArgumentException("auth_db: cannot use the database " + db.url() + " (" + e.getMessage()
                    + "); Kamailio does not start without it either");
        }
    }

    /**
     * load_credentials: {@code item;item}, each {@code $pv=column} or {@code column} (then
     * {@code $avp(column)}); the pseudo-variable must be writable (parse_aaa_pvs).
     */
    static List<Subscribers.Credential> credentials(String definition, ModuleHost host) {
        List<Subscribers.Credential> out = new ArrayList<>();
        if (definition == null || definition.isBlank()) {
            return out;
        }
        for (String item : definition.split(";")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.lastIndexOf('=');
            String column = (eq > 0 ? item.substring(eq + 1) : item).trim();
            String pv = eq > 0 ? item.substring(0, eq).trim() : "$avp(" + column + ")";
            if (column.isEmpty() || pv.isEmpty()) {
                throw new IllegalArgumentException("auth_db: load_credentials \"" + definition + "\": bad item '" + item + "'");
            }
            Pv target = host.pvFromText(pv);
            if (target == null || !target.writable()) {
                throw new IllegalArgumentException("auth_db: load_credentials \"" + definition + "\": " + pv + " is not writable");
            }
            out.add(new Subscribers.Credential(column, target));
        }
        return out;
    }

    private static void params(ModuleExports.Builder b) {
        b.param("db_url", ParamExport.Type.STRING, DEFAULT_DB_URL, "the database of the subscriber table");
        b.param("user_column", ParamExport.Type.STRING, "username", "the column of the user name");
        b.param("domain_column", ParamExport.Type.STRING, "domain", "the column of the domain (with use_domain)");
        b.param("password_column", ParamExport.Type.STRING, "ha1",
                "the column of the HA1 (of the plain password with calculate_ha1)");
        b.param("password_column_2", ParamExport.Type.STRING, "ha1b",
                "the column of the HA1 of user@domain, read when the digest username has a domain");
        b.param("calculate_ha1", ParamExport.Type.INT, "0", "the password column holds plain passwords; the HA1 is computed");
        b.param("use_domain", ParamExport.Type.INT, "0", "the domain is part of the query (and of auth_check's identity checks)");
        b.param("load_credentials", ParamExport.Type.STRING, "",
                "columns loaded into pseudo-variables after a successful check: \"$avp(x)=column;column2\"");
        b.param("version_table", ParamExport.Type.INT, "1", "check the table's version (7) at start");
        b.param("force_generate_avps", ParamExport.Type.INT, "0", "load_credentials also when the password is wrong");
    }
}
