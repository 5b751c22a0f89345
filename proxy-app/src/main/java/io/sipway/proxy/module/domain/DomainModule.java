package io.sipway.proxy.module.domain;

import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.L;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import io.sipway.sip.Address;
import io.sipway.sip.SipUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * domain (https://kamailio.org/docs/modules/5.6.x/modules/domain.html): the local domains of a
 * multi-domain proxy, from the {@code domain} and {@code domain_attrs} tables, always cached (5.6
 * has no db_mode) and reloaded by {@code domain.reload}. With {@code register_myself=1} the domains
 * are also {@code myself} (loose_route, {@code uri==myself}). The table versions are checked and
 * the first load done at start: the proxy does not start when they fail, as Kamailio's mod_init.
 */
public final class DomainModule {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.domain");
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    static final String DEFAULT_DB_URL = "mysql://kamailioro:kamailioro@localhost/kamailio";
    private static final int DOMAIN_TABLE_VERSION = 2;
    private static final int DOMAIN_ATTRS_TABLE_VERSION = 1;

    private DomainModule() {
    }

    /** What start read: the database, the columns, the table in force. */
    private static final class State {
        volatile Database db;
        volatile DomainTable.Columns columns;
        final AtomicReference<DomainTable> table = new AtomicReference<>(DomainTable.EMPTY);
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("domain", "https://kamailio.org/docs/modules/5.6.x/modules/domain.html");
        State st = new State();
        int routes = R | F | B | L;
        b.fn("is_from_local", 0, 0, routes, args -> ctx -> {
            Address from = ((MsgContext) ctx).msg.from();
            return local(st, from == null || from.uri() == null ? null : from.uri().host());
        }).summary("whether the From URI's host is a local domain");
        b.fn("is_uri_host_local", 0, 0, routes, args -> ctx -> local(st, uriHost((MsgContext) ctx)))
                .summary("whether the Request-URI's host (in failure_route: the first new branch's) is a local domain");
        b.fn("is_domain_local", 1, 1, routes, args -> {
            Format d = Format.of(args.get(0));
            return ctx -> local(st, d.apply(ctx));
        }).x().summary("whether the given domain is local");
        b.fn("lookup_domain", 1, 2, routes, args -> {
            Format d = Format.of(args.get(0));
            Format prefix = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> lookup(st, (MsgContext) ctx, d.apply(ctx), prefix == null ? "" : prefix.apply(ctx));
        }).x().summary("for a local domain, adds $avp(did) (after the prefix) and its domain_attrs as AVPs; 1, or -1");
        b.param("db_url", STR, DEFAULT_DB_URL, "the database of the domain tables");
        b.param("domain_table", STR, "domain", "the table of the local domains");
        b.param("domain_attrs_table", STR, "domain_attrs", "the table of the domains' attributes");
        b.param("did_col", STR, "did", "the did column of both tables");
        b.param("domain_col", STR, "domain", "the domain column");
        b.param("name_col", STR, "name", "domain_attrs: the attribute name column");
        b.param("type_col", STR, "type", "domain_attrs: the type column (0 integer, 2 string)");
        b.param("value_col", STR, "value", "domain_attrs: the value column");
        b.param("register_myself", ParamExport.Type.INT, "0", "1: the local domains are also myself");
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipway-domain-reload");
            t.setDaemon(true);
            return t;
        });
        b.rpc("domain.reload", "reloads the domain tables", params -> reload(reloads, st));
        b.rpc("domain.dump", "the cached domains and attributes", params -> dump(st.table.get()));
        b.onStart((script, host) -> {
            String url = core.modparam("domain", "db_url", DEFAULT_DB_URL);
            st.db = core.databases().get(url);
            st.columns = new DomainTable.Columns(core.modparam("domain", "domain_table", "domain"),
                    core.modparam("domain", "domain_attrs_table", "domain_attrs"), core.modparam("domain", "did_col", "did"),
                    core.modparam("domain", "domain_col", "domain"), core.modparam("domain", "name_col", "name"),
                    core.modparam("domain", "type_col", "type"), core.modparam("domain", "value_col", "value"));
            try {
                version(st.db, st.columns.domainTable(), DOMAIN_TABLE_VERSION);
                version(st.db, st.columns.attrsTable(), DOMAIN_ATTRS_TABLE_VERSION);
                st.table.set(DomainTable.load(st.db, st.columns));
            } catch (DbException e) {
                throw new IllegalArgumentException("domain: cannot load the domain tables from " + st.db.url() + ": " + e.getMessage(), e);
            }
            if (!core.modparam("domain", "register_myself", "0").trim().equals("0")) {
                core.addMyselfCheck(h -> st.table.get().did(h) != null);
            }
        });
        return b.build();
    }

    /**
     * Reads the tables on the module's reload thread, never on an event loop (jsonrpc_dispatch() in
     * event_route[xhttp:request] runs on one, and does not wait: the new table is swapped in when
     * read); the operations endpoint's thread waits and answers as Kamailio does (nothing, or 400).
     */
    private static Object reload(ExecutorService reloads, State st) throws RpcExport.RpcException {
        Future<DomainTable> f = reloads.submit(() -> {
            DomainTable t = DomainTable.load(st.db, st.columns);
            st.table.set(t);
            return t;
        });
        if (Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread) {
            return null;
        }
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            LOG.error("domain: reload failed: {}", e.getCause().getMessage());
            throw new RpcExport.RpcException(400, "Reload of domain tables failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcExport.RpcException(400, "Reload of domain tables failed");
        }
    }

    private static void version(Database db, String table, int expected) throws DbException {
        int v = db.tableVersion(table);
        if (v != expected) {
            throw new IllegalArgumentException("domain: invalid table version " + v + " for table " + table + " (Kamailio expects "
                    + expected + "; upgrade the database)");
        }
    }

    private static long local(State st, String host) {
        return host != null && !host.isEmpty() && st.table.get().did(host) != null ? 1 : -1;
    }

    /** The host is_uri_host_local() checks: the Request-URI's, or in failure_route the first new branch's. */
    private static String uriHost(MsgContext m) {
        String uri;
        if (m.reply != null && m.msg.isRequest()) { // failure_route: Kamailio reads branch 0 of the new branches
            if (m.branches.isEmpty()) {
                return null;
            }
            uri = m.branches.get(0)[0];
        } else {
            uri = m.requestUri();
        }
        try {
            return uri == null ? null : SipUri.parse(uri).host();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long lookup(State st, MsgContext m, String domain, String prefix) {
        DomainTable t = st.table.get();
        String did = t.did(domain);
        if (did == null) {
            return -1;
        }
        m.avps().add(prefix + "did", did);
        for (DomainTable.Attr a : t.attrsOf().getOrDefault(did, List.of())) {
            Object v = a.value();
            if (a.type() == 0) {
                try {
                    v = Long.parseLong(a.value().trim());
                } catch (RuntimeException e) {
                    LOG.error("domain: attribute {} of {} is no integer: {}", a.name(), did, a.value());
                    continue;
                }
            }
            m.avps().add(prefix + a.name(), v);
        }
        return 1;
    }

    private static Object dump(DomainTable t) {
        List<Object> out = new ArrayList<>();
        t.didOf().forEach((domain, did) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("domain", domain);
            row.put("did", did);
            out.add(row);
        });
        t.attrsOf().forEach((did, attrs) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("did", did);
            row.put("attr", attrs.stream().map(DomainTable.Attr::name).toList());
            out.add(row);
        });
        return out;
    }
}
