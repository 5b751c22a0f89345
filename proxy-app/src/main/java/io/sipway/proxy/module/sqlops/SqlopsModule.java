package io.sipway.proxy.module.sqlops;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.FunctionSpec;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.DbUrl;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ModuleHost;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.PvExport;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sqlops (https://kamailio.org/docs/modules/5.6.x/modules/sqlops.html): the script's own SQL over
 * named connections ({@code sqlcon "ca=>mysql://..."}). The query is the script's text with its
 * pseudo-variables printed in, as Kamailio's pv_printf does it: values are not escaped, so a script that
 * puts a caller's header in a query is open to SQL injection, in Kamailio as here.
 *
 * <p>Results ({@code sql_query(con, query, "ra")}, read with {@code $dbr(ra=>...)}) are kept per
 * thread until the next query into the same name or {@code sql_result_free}, as Kamailio keeps them
 * per process ("query once, use many times" in the same worker). {@code sql_xquery} puts the rows in
 * the message's {@code $xavp} instead. The functions wait on the database: their routes run on the
 * workers (docs/ARCHITECTURE.md).
 *
 * <p>Return codes (sql_api.c:sql_do_query): 1 rows were returned (and kept), 2 no rows (an UPDATE, a
 * SELECT finding nothing), 3 rows returned and dropped because no result was named, -1 a query the
 * database refused or could not run (an outage included). Not here, so refused where written:
 * sql_pvquery, sql_query_async, $sqlrows, the {sql.*} transformations.
 */
public final class SqlopsModule {
    private static final Logger LOG = LoggerFactory.getLogger("sqlops");

    private final Core core;
    /** Connection name to db_url, from the sqlcon parameters when the proxy starts. */
    private volatile Map<String, String> connections = Map.of();
    /** The connection names the script's calls name, checked against sqlcon at start. */
    private final Set<String> named = ConcurrentHashMap.newKeySet();
    /** Each thread's results by name: Kamailio keeps them per process. */
    private final ThreadLocal<Map<String, SqlResult>> results = ThreadLocal.withInitial(HashMap::new);

    private SqlopsModule(Core core) {
        this.core = core;
    }

    public static ModuleExports exports(Core core) {
        return new SqlopsModule(core).table();
    }

    private ModuleExports table() {
        ModuleExports.Builder b = ModuleExports.module("sqlops", "https://kamailio.org/docs/modules/5.6.x/modules/sqlops.html");
        b.paramParsed("sqlcon", ParamExport.Type.STRING, "", "a connection: name=>db_url (may be set several times)", v -> connection(v));
        b.param("sqlres", ParamExport.Type.STRING, "", "declares a result name (any name used by sql_query is declared anyway)");
        b.param("connect_mode", ParamExport.Type.INT, "0",
                "0: a database that cannot be reached at start stops the proxy from starting; 1: it starts anyway and the queries fail until it answers");
        b.paramWithoutEffect("tr_buf_size", ParamExport.Type.INT, "2048", "the {sql.*} transformations are not implemented");

        b.fn("sql_query", 2, 3, ANY, args -> {
            String con = connectionArg(args.get(0));
            Format query = Format.of(args.get(1));
            String res = args.size() > 2 ? constant(args.get(2), "a result name") : null;
            return ctx -> query(con, query.apply(ctx), res);
        }).x().mayWait().summary("runs a query on a connection; its rows go to result 3 ($dbr): 1 rows, 2 none, -1 error");
        b.fn("sql_xquery", 3, 3, ANY, args -> {
            String con = connectionArg(args.get(0));
            Format query = Format.of(args.get(1));
            Format xavp = Format.of(args.get(2));
            return ctx -> xquery((MsgContext) ctx, con, query.apply(ctx), xavp.apply(ctx));
        }).x().mayWait().summary("runs a query; each row becomes an item of the xavp named 3, its columns the fields");
        b.fn("sql_result_free", 1, 1, ANY, args -> {
            String res = constant(args.get(0), "a result name");
            return ctx -> {
                results.get().remove(res);
                return 1;
            };
        }).summary("frees a result: it reads as no rows again");
        b.pvCompiling("dbr", PvExport.Inner.REQUIRED, false, (n, pvs) -> DbrPv.of(n.inner(), pvs, this::result));
        b.onStart(this::start);
        return b.build();
    }

    private SqlResult result(String name) {
        SqlResult r = results.get().get(name);
        return r == null ? SqlResult.EMPTY : r;
    }

    /** "name=>db_url" (sql_parse_param): the name and the URL, which must be one Sipway can parse. */
    static Map.Entry<String, String> connection(String spec) {
        int arrow = spec.indexOf("=>");
        String name = arrow < 0 ? "" : spec.substring(0, arrow).trim();
        if (arrow < 0 || name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("sqlcon needs name=>db_url, not '" + spec + "'");
        }
        String url = spec.substring(arrow + 2).trim();
        DbUrl.parse(url); // a URL Kamailio's parser refuses is refused here too
        return Map.entry(name, url);
    }

    private String connectionArg(Arg a) {
        String con = constant(a, "a connection name (of modparam sqlcon)");
        named.add(con);
        return con;
    }

    private static String constant(Arg a, String what) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "needs " + what + " written as a string");
        }
        return a.constantString();
    }

    private void start(CompiledScript script, ModuleHost host) {
        Map<String, String> cons = new LinkedHashMap<>();
        for (Ast.ModParam p : script.modParams()) {
            if (p.module().equals("sqlops") && p.param().equals("sqlcon")) {
                Map.Entry<String, String> c = connection(String.valueOf(p.value()));
                if (cons.put(c.getKey(), c.getValue()) != null) {
                    throw new IllegalArgumentException("sqlops: duplicate connection name '" + c.getKey() + "'");
                }
            }
        }
        for (String n : named) {
            if (!cons.containsKey(n)) {
                throw new IllegalArgumentException("sqlops: invalid connection '" + n + "': no modparam(\"sqlops\", \"sqlcon\", \"" + n + "=>...\")");
            }
        }
        connections = Collections.unmodifiableMap(cons);
        boolean mustConnect = core.modparam("sqlops", "connect_mode", "0").trim().equals("0");
        // Kamailio connects each connection when its workers start (child_init)
        for (Map.Entry<String, String> c : cons.entrySet()) {
            String scheme = DbUrl.parse(c.getValue()).scheme();
            if (!scheme.equals("mysql") && !scheme.equals("postgres") && !scheme.equals("sqlite")) {
                // Kamailio's sql_connect wants DB_CAP_RAW_QUERY; Sipway's db_text (Kamailio's takes simple
                // statements) and db_redis run no raw SQL
                throw new IllegalArgumentException("sqlops: connection [" + c.getKey() + "]: Sipway's db_" + scheme
                        + " backend runs no raw SQL queries");
            }
            Database db = core.databases().get(c.getValue());
            try {
                db.raw("SELECT 1");
            } catch (DbException e) {
                if (mustConnect) {
                    throw new IllegalArgumentException("sqlops: failed to connect to the database [" + c.getKey() + "]: " + e.getMessage(), e);
                }
                LOG.info("failed to connect to the database [{}] - the queries fail until it answers", c.getKey());
            }
        }
    }

    private Database database(String con) {
        return core.databases().get(connections.get(con));
    }

    /** sql_query (sql_do_query): the result named is emptied first, whatever happens next. */
    long query(String con, String sql, String res) {
        Map<String, SqlResult> mine = results.get();
        if (res != null) {
            mine.remove(res);
        }
        DbResult r = run(con, sql);
        if (r == null) {
            return -1;
        }
        if (r.size() == 0 || r.columns().isEmpty()) {
            return 2;
        }
        if (res == null) {
            return 3;
        }
        mine.put(res, SqlResult.of(r));
        return 1;
    }

    /** sql_xquery (sql_exec_xquery): one xavp item per row, newest first so that index 0 is the first row. */
    long xquery(MsgContext ctx, String con, String sql, String xavp) {
        DbResult r = run(con, sql);
        if (r == null) {
            return -1;
        }
        if (r.size() == 0 || r.columns().isEmpty()) {
            return 2;
        }
        Xavps list = ctx.xavps();
        for (int i = r.size() - 1; i >= 0; i--) {
            Xavps row = new Xavps();
            Object[] values = r.rows().get(i);
            for (int j = values.length - 1; j >= 0; j--) {
                row.add(r.columns().get(j), SqlResult.scriptValue(values[j]));
            }
            list.add(xavp, row);
        }
        return 1;
    }

    private DbResult run(String con, String sql) {
        Database db = database(con);
        try {
            return db.raw(sql);
        } catch (DbException e) {
            if (db.up()) { // an outage is logged once by the database layer
                LOG.error("cannot do the query [{}]: {}", sql.length() > 64 ? sql.substring(0, 64) : sql, e.getMessage());
            }
            return null;
        }
    }
}
