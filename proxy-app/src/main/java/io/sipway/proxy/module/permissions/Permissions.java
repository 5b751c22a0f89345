package io.sipway.proxy.module.permissions;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import io.sipway.sip.Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * permissions' address and trusted checks over tables loaded from the database (Kamailio's
 * address.c, trusted.c, hash.c). The address table is always cached; the trusted table is cached
 * with {@code db_mode=1} and queried on each allow_trusted() with {@code db_mode=0} (the default, as
 * in Kamailio). A load builds a new table and swaps it in whole: a check never sees half a reload
 * and takes no lock. Loads happen at start (the proxy does not start when they fail, as Kamailio's
 * mod_init fails) and from the reload RPCs, at most one per {@code reload_delta} seconds.
 */
final class Permissions {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.permissions");
    /** Kamailio's TABLE_VERSION of both tables (address.c, trusted.c). */
    static final int TABLE_VERSION = 6;

    private final Clock clock;
    private final AtomicReference<AddressTable> address = new AtomicReference<>(null);
    private final AtomicReference<TrustedTable> trusted = new AtomicReference<>(null);
    private volatile PermissionsSettings settings;
    private volatile Database db;
    /** Kamailio's perm_rpc_reload_time: when the last RPC reload ended (ms), far ahead while one runs; 0: none yet. */
    private long reloadTime;

    Permissions(Clock clock) {
        this.clock = clock;
    }

    /** mod_init: reads the settings, checks the table versions and loads what is cached. */
    void start(PermissionsSettings s, Database database) {
        settings = s;
        db = database;
        address.set(null);
        trusted.set(null);
        if (database == null) {
            LOG.info("db_url parameter of permissions module not set, disabling allow_address and allow_trusted");
            return;
        }
        try {
            if (s.loadAddress()) {
                checkVersion(database, s.addressTable());
                address.set(loadAddress());
            }
            if (s.loadTrusted() && s.dbMode() == 1) { // Kamailio's init_trusted checks and loads only the cache
                checkVersion(database, s.trustedTable());
                trusted.set(loadTrusted());
            }
        } catch (DbException e) {
            throw new IllegalArgumentException("permissions: cannot load from " + database.url() + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("permissions: " + e.getMessage(), e);
        }
    }

    private static void checkVersion(Database db, String table) throws DbException {
        int v = db.tableVersion(table);
        if (v != TABLE_VERSION) {
            throw new IllegalStateException("invalid table version " + v + " for table " + table + " (Kamailio expects "
                    + TABLE_VERSION + "; upgrade the database)");
        }
    }

    AddressTable loadAddress() throws DbException {
        PermissionsSettings s = settings;
        DbResult r = db.query(s.addressTable(), List.of(s.grpCol(), s.ipAddrCol(), s.maskCol(), s.portCol(), s.tagCol()), Where.ALL, null);
        AddressTable.Builder b = new AddressTable.Builder(s.maxSubnets());
        for (int i = 0; i < r.size(); i++) {
            String ip = r.text(i, s.ipAddrCol());
            try {
                b.add((int) r.number(i, s.grpCol(), 1), ip, (int) r.number(i, s.maskCol(), 32), (int) r.number(i, s.portCol(), 0),
                        r.text(i, s.tagCol()));
            } catch (IllegalArgumentException e) {
                LOG.error("permissions: address row {} skipped: {}", ip, e.getMessage());
            }
        }
        return b.build();
    }

    TrustedTable loadTrusted() throws DbException {
        return TrustedTable.of(trustedRules(Where.ALL));
    }

    private List<TrustedTable.Rule> trustedRules(Where where) throws DbException {
        PermissionsSettings s = settings;
        DbResult r = db.query(s.trustedTable(), List.of(s.sourceCol(), s.protoCol(), s.fromCol(), s.ruriCol(), s.tagCol(), s.priorityCol()),
                where, s.dbMode() == 1 ? null : s.priorityCol());
        List<TrustedTable.Rule> rules = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            try {
                TrustedTable.Rule rule = TrustedTable.rule(r.text(i, s.sourceCol()), r.text(i, s.protoCol()), r.text(i, s.fromCol()),
                        r.text(i, s.ruriCol()), r.text(i, s.tagCol()), (int) r.number(i, s.priorityCol(), 0));
                if (rule != null) {
                    rules.add(rule);
                }
            } catch (IllegalArgumentException e) {
                if (s.dbMode() == 1) {
                    throw new IllegalStateException(e.getMessage(), e); // Kamailio's reload fails on an unknown protocol
                }
                LOG.error("permissions: trusted row skipped: {}", e.getMessage());
            }
        }
        return rules;
    }

    // ---- functions ----

    /** allow_source_address(grp) and allow_address(grp, ip, port) on an IP: 1 matched, -1 not. */
    long allowAddress(MsgContext ctx, int grp, InetAddress ip, int port) {
        AddressTable t = address.get();
        AddressTable.Entry e = t == null ? null : t.match(grp, ip, port);
        if (e == null) {
            return -1;
        }
        tag(ctx, e.tag());
        return 1;
    }

    /** allow_address(grp, name, port) with a name that is no IP: the domain-name rows, literally. */
    long allowName(MsgContext ctx, int grp, String name, int port) {
        AddressTable t = address.get();
        AddressTable.Entry e = t == null ? null : t.matchName(grp, name, port);
        if (e == null) {
            return -1;
        }
        tag(ctx, e.tag());
        return 1;
    }

    /**
     * allow_source_address_group / allow_address_group: the group of the first row matching in any
     * group (its tag set too), or -1; {@code ip} null: {@code name} is looked up among the domain names.
     */
    long groupOf(MsgContext ctx, InetAddress ip, String name, int port) {
        AddressTable t = address.get();
        AddressTable.Entry e = t == null ? null : ip == null ? t.firstMatchName(name, port) : t.firstMatch(ip, port);
        if (e == null) {
            return -1;
        }
        tag(ctx, e.tag());
        return e.grp();
    }

    /**
     * allow_trusted: the rules of {@code srcIp} (cached, or queried with db_mode=0) tried in order; 1
     * (or, with peer_tag_mode=1, the number of matches) or -1. A failed query is -1.
     */
    long allowTrusted(MsgContext ctx, String srcIp, String proto, String fromUri) {
        PermissionsSettings s = settings;
        if (s == null || db == null || !s.loadTrusted()) {
            return -1;
        }
        List<TrustedTable.Rule> rules;
        if (s.dbMode() == 1) {
            TrustedTable t = trusted.get();
            rules = t == null ? List.of() : t.rulesOf(srcIp);
        } else {
            try {
                rules = trustedRules(Where.eq(s.sourceCol(), srcIp));
            } catch (DbException | IllegalStateException e) {
                LOG.error("permissions: failed to query database: {}", e.getMessage());
                return -1;
            }
        }
        String ruri = ctx.msg.isRequest() ? ctx.msg.requestUriString() : null;
        int count = 0;
        for (TrustedTable.Rule r : rules) {
            if (r.matches(proto, fromUri, ruri)) {
                tag(ctx, r.tag());
                if (s.peerTagMode() == 0) {
                    return 1;
                }
                count++;
            }
        }
        return count == 0 ? -1 : count;
    }

    static String fromUri(MsgContext ctx) {
        Address from = ctx.msg.from();
        return from == null ? null : from.uriString();
    }

    private void tag(MsgContext ctx, String tag) {
        Pv avp = settings == null ? null : settings.peerTagAvp();
        if (avp != null && tag != null) {
            avp.set(ctx, tag); // assigning an AVP adds a value on top, as Kamailio's add_avp
        }
    }

    // ---- RPC ----

    /** permissions.addressReload / trustedReload: "Reload OK", or the fault Kamailio answers. */
    Object reload(boolean addressTable) throws io.sipway.proxy.module.RpcExport.RpcException {
        PermissionsSettings s = settings;
        if (s == null || db == null || (addressTable ? !s.loadAddress() : !(s.loadTrusted() && s.dbMode() == 1))) {
            throw new io.sipway.proxy.module.RpcExport.RpcException(500, "Not ready for reload");
        }
        synchronized (this) {
            long now = clock.millis();
            if (reloadTime != 0 && reloadTime > now - s.reloadDeltaSeconds() * 1000L) {
                LOG.error("permissions: ongoing reload");
                throw new io.sipway.proxy.module.RpcExport.RpcException(500, "ongoing reload");
            }
            reloadTime = now + 86_400_000L;
        }
        try {
            if (addressTable) {
                address.set(loadAddress());
            } else {
                trusted.set(loadTrusted());
            }
            return "Reload OK";
        } catch (DbException | IllegalStateException e) {
            LOG.error("permissions: reload of {} failed: {}", addressTable ? s.addressTable() : s.trustedTable(), e.getMessage());
            throw new io.sipway.proxy.module.RpcExport.RpcException(500, "Reload failed.");
        } finally {
            synchronized (this) {
                reloadTime = clock.millis();
            }
        }
    }

    AddressTable addressTable() {
        return address.get();
    }

    TrustedTable trustedTable() {
        return trusted.get();
    }
}
