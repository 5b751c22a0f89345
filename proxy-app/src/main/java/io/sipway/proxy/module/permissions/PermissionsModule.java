package io.sipway.proxy.module.permissions;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.HostAddresses;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import io.sipway.proxy.module.RpcExport;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * permissions (https://kamailio.org/docs/modules/5.6.x/modules/permissions.html): IP access lists
 * from the {@code address} and {@code trusted} tables ({@link Permissions}). The file-based checks
 * (allow_routing, allow_register, allow_uri) and {@code address_file} are not implemented: a script
 * using them is refused at load, naming them.
 */
public final class PermissionsModule {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;

    private PermissionsModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("permissions", "https://kamailio.org/docs/modules/5.6.x/modules/permissions.html");
        Permissions p = new Permissions(Clock.systemUTC());
        b.fn("allow_source_address", 0, 1, ANY, args -> {
            Format grp = args.isEmpty() ? null : Format.of(args.get(0));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                return p.allowAddress(m, grp == null ? 1 : number(grp, ctx), m.from.source().getAddress(), m.from.source().getPort());
            };
        }).x().summary("whether $si:$sp is in the address table's group (default 1): exact addresses, then subnets; port 0 = any");
        b.fn("allow_address", 3, 3, ANY, args -> {
            Format[] f = formats(args);
            return ctx -> {
            MsgContext m = (MsgContext) ctx;
            int grp = number(f[0], ctx);
            String addr = f[1].apply(ctx);
            int port = number(f[2], ctx);
            InetAddress ip = HostAddresses.literal(addr);
            return ip != null ? p.allowAddress(m, grp, ip, port) : p.allowName(m, grp, addr, port);
            };
        }).x().summary("whether the address and port are in the group: an IP among addresses and subnets, "
                + "anything else among the domain names, literally (no DNS)");
        b.fn("allow_source_address_group", 0, 0, ANY, args -> ctx -> {
            MsgContext m = (MsgContext) ctx;
            return p.groupOf(m, m.from.source().getAddress(), null, m.from.source().getPort());
        }).summary("the group of the first address or subnet row matching $si:$sp, or -1");
        b.fn("allow_address_group", 2, 2, ANY, args -> {
            Format[] f = formats(args);
            return ctx -> {
                String addr = f[0].apply(ctx);
                return p.groupOf((MsgContext) ctx, HostAddresses.literal(addr), addr, number(f[1], ctx));
            };
        }).x().summary("the group of the first row matching the address and port (domain names for a non-IP), or -1");
        b.fn("allow_trusted", 0, 3, ANY, args -> {
            Format[] f = formats(args);
            return ctx -> {
            MsgContext m = (MsgContext) ctx;
            String src = args.isEmpty() ? m.from.source().getAddress().getHostAddress() : f[0].apply(ctx);
            String proto;
            if (args.isEmpty()) {
                proto = TrustedTable.protoText(m.from.protocol());
            } else {
                proto = f[1].apply(ctx).trim().toLowerCase(java.util.Locale.ROOT);
                if (proto.equals("any")) {
                    proto = null;
                } else if (!List.of("udp", "tcp", "tls", "sctp", "ws", "wss").contains(proto)) {
                    org.slf4j.LoggerFactory.getLogger("io.sipway.permissions").error("unknown protocol {}", proto);
                    return -1;
                }
            }
            String from = args.size() == 3 ? f[2].apply(ctx) : Permissions.fromUri(m);
            return p.allowTrusted(m, src, proto, from);
            };
        }).arities(0, 2, 3).x().mayWait()
                .summary("whether a trusted row of the source IP (text) matches the protocol (any), the From URI "
                        + "and the Request-URI (POSIX patterns); with db_mode=0 it queries the database");
        b.param("db_url", STR, "", "the database of the address and trusted tables (unset: the checks answer -1)");
        b.paramOnly("db_mode", INT, "0", "allow_trusted(): 0 queries the trusted table each time, 1 caches it", "0", "1");
        b.param("address_table", STR, "address", "the table of allow_address and friends");
        b.param("grp_col", STR, "grp", "address table: the group column");
        b.param("ip_addr_col", STR, "ip_addr", "address table: the IP address (or domain name) column");
        b.param("mask_col", STR, "mask", "address table: the network mask column (0: a full mask)");
        b.param("port_col", STR, "port", "address table: the port column (0: any port)");
        b.param("trusted_table", STR, "trusted", "the table of allow_trusted");
        b.param("source_col", STR, "src_ip", "trusted table: the source IP column (matched as text)");
        b.param("proto_col", STR, "proto", "trusted table: the protocol column (any, udp, tcp, tls, sctp, ws, wss, none)");
        b.param("from_col", STR, "from_pattern", "trusted table: the From URI regular expression column");
        b.param("ruri_col", STR, "ruri_pattern", "trusted table: the Request-URI regular expression column");
        b.param("tag_col", STR, "tag", "both tables: the tag column, added to peer_tag_avp on a match");
        b.param("priority_col", STR, "priority", "trusted table: the priority column (cached rules are tried highest first)");
        b.param("peer_tag_avp", STR, "", "an $avp(...) the tag of a matching row is added to");
        b.param("peer_tag_mode", INT, "0", "allow_trusted(): 1 adds the tags of all matches and returns their number");
        b.param("max_subnets", INT, "512", "the most subnet rows the address table may hold (more: the load fails)");
        b.param("load_backends", INT, "65535", "which tables are loaded: 1 address, 2 trusted (files: 4, 8, not implemented)");
        b.param("reload_delta", INT, "5", "seconds between two reload RPCs (one is refused \"ongoing reload\" before)");
        b.paramOnly("address_file", STR, "", "the address list from a file is not implemented: use the address table");

        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipway-permissions-reload");
            t.setDaemon(true);
            return t;
        });
        b.rpc("permissions.addressReload", "reloads the address table from the database", params -> reload(reloads, p, true));
        b.rpc("permissions.trustedReload", "reloads the trusted table from the database (db_mode=1)", params -> reload(reloads, p, false));
        b.rpc("permissions.addressDump", "the cached exact addresses", params -> addressDump(p));
        b.rpc("permissions.subnetDump", "the cached subnets", params -> subnetDump(p));
        b.rpc("permissions.domainDump", "the cached domain names", params -> domainDump(p));
        b.rpc("permissions.trustedDump", "the cached trusted rules", params -> trustedDump(p));
        b.onStart((script, host) -> {
            PermissionsSettings s = PermissionsSettings.of(core, host::pvFromText);
            p.start(s, s.dbUrl() == null ? null : core.databases().get(s.dbUrl()));
        });
        return b.build();
    }

    private static Format[] formats(List<Arg> args) {
        return args.stream().map(Format::of).toArray(Format[]::new);
    }

    /** An integer argument (a number or a pseudo-variable holding one); -1 when it is none. */
    private static int number(Format f, ScriptContext ctx) {
        try {
            return Integer.parseInt(f.apply(ctx).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A reload reads the database, which must not happen on an event loop (jsonrpc_dispatch() in
     * event_route[xhttp:request] runs there): it always runs on the module's reload thread, and an
     * event loop does not wait for it (the answer says it started; the new table is swapped in when
     * read). The operations endpoint's thread waits and answers as Kamailio does.
     */
    private static Object reload(ExecutorService reloads, Permissions p, boolean address) throws RpcExport.RpcException {
        return RpcExport.awaitUnlessOnLoop(reloads.submit(() -> p.reload(address)), "Reload failed.");
    }

    private static Object addressDump(Permissions p) throws RpcExport.RpcException {
        AddressTable t = p.addressTable();
        if (t == null) {
            throw new RpcExport.RpcException(500, "No address table");
        }
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (AddressTable.Entry e : t.exactRows()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("ip", e.addr().getHostAddress());
            item.put("port", e.port());
            item.put("tag", e.tag() == null ? "NULL" : e.tag());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", i++);
            row.put("group", e.grp());
            row.put("item", item);
            out.add(row);
        }
        return out;
    }

    private static Object subnetDump(Permissions p) throws RpcExport.RpcException {
        AddressTable t = p.addressTable();
        if (t == null) {
            throw new RpcExport.RpcException(500, "No subnet table");
        }
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (AddressTable.Entry e : t.subnetRows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i++);
            row.put("group", e.grp());
            row.put("ip", e.addr().getHostAddress());
            row.put("mask", e.mask());
            row.put("port", e.port());
            row.put("tag", e.tag() == null ? "NULL" : e.tag());
            out.add(row);
        }
        return out;
    }

    private static Object domainDump(Permissions p) throws RpcExport.RpcException {
        AddressTable t = p.addressTable();
        if (t == null) {
            throw new RpcExport.RpcException(500, "No domain list table");
        }
        List<Object> out = new ArrayList<>();
        for (AddressTable.Entry e : t.nameRows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", e.grp());
            row.put("domain_name", e.name());
            row.put("port", e.port());
            row.put("tag", e.tag() == null ? "NULL" : e.tag());
            out.add(row);
        }
        return out;
    }

    private static Object trustedDump(Permissions p) throws RpcExport.RpcException {
        TrustedTable t = p.trustedTable();
        if (t == null) {
            throw new RpcExport.RpcException(500, "No trusted table");
        }
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (TrustedTable.Rule r : t.all()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("ip", r.srcIp());
            item.put("proto", r.proto() == null ? "any" : r.proto());
            item.put("pattern", r.fromPattern() == null ? "NULL" : r.fromPattern());
            item.put("ruri_pattern", r.ruriPattern() == null ? "NULL" : r.ruriPattern());
            item.put("tag", r.tag() == null ? "NULL" : r.tag());
            item.put("priority", r.priority());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", i++);
            row.put("item", item);
            out.add(row);
        }
        return out;
    }
}
