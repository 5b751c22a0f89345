package io.sipway.proxy.ops;

import io.sipway.proxy.Proxy;
import io.sipway.proxy.location.Binding;
import io.sipway.proxy.location.LocationStore;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Connection;
import java.net.Inet6Address;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Kamailio's JSON-RPC (jsonrpcs) methods, with the result shapes Kamailio 5.6.3 gives
 * (src/test/resources/rpc/kamailio-5.6.3 has its answers): {@code core.version}, {@code core.uptime},
 * {@code stats.get_statistics}, {@code tm.stats}, {@code ul.dump}, {@code core.tcp_list}, and
 * {@code system.listMethods}. {@link #call} takes one JSON-RPC 2.0 request's text and gives the
 * response's.
 */
public final class Rpc {
    /** Kamailio's error codes: 500 for an unknown method, 400 for bad parameters; JSON-RPC's -32700/-32600 for bad requests. */
    static final int METHOD_NOT_FOUND = 500;
    static final int BAD_PARAMS = 400;
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);
    private static final String NOT_SET = "[not set]";
    private static final String[] TM_STATS = {"current", "waiting", "total", "total_local", "rpl_received", "rpl_generated",
        "rpl_sent", "6xx", "5xx", "4xx", "3xx", "2xx", "created", "freed", "delayed_free"};
    private static final String[] TMX_STATS = {"2xx_transactions", "3xx_transactions", "4xx_transactions", "5xx_transactions",
        "6xx_transactions", "UAC_transactions", "UAS_transactions", "active_transactions", "inuse_transactions",
        "rpl_absorbed", "rpl_generated", "rpl_received", "rpl_relayed", "rpl_sent"};

    private final Proxy proxy;
    private final Map<String, BiFunction<Rpc, List<Object>, Object>> methods = new LinkedHashMap<>();

    /** A failed call: the JSON-RPC error it answers with. */
    static final class RpcError extends RuntimeException {
        final int code;

        RpcError(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    public Rpc(Proxy proxy) {
        this.proxy = proxy;
        methods.put("core.version", (r, p) -> version());
        methods.put("core.uptime", (r, p) -> r.uptime());
        methods.put("core.tcp_list", (r, p) -> r.tcpList());
        methods.put("stats.get_statistics", Rpc::statistics);
        methods.put("tm.stats", (r, p) -> r.tmStats());
        methods.put("ul.dump", (r, p) -> r.ulDump());
        methods.put("system.listMethods", (r, p) -> new ArrayList<>(r.methods.keySet()));
    }

    /** One JSON-RPC 2.0 request (its text) to the response's text. */
    public String call(String request) {
        Object id = null;
        try {
            Object parsed;
            try {
                parsed = JsonText.parse(request);
            } catch (IllegalArgumentException e) {
                return error(null, -32700, "Parse error: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> req) || !(req.get("method") instanceof String method)) {
                return error(null, -32600, "Invalid Request: an object with a method is expected");
            }
            id = req.get("id");
            Object params = req.get("params");
            List<Object> args = params == null ? List.of() : params instanceof List<?> l ? new ArrayList<>(l) : List.of(params);
            BiFunction<Rpc, List<Object>, Object> m = methods.get(method);
            if (m == null) {
                return error(id, METHOD_NOT_FOUND, "Method Not Found");
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("jsonrpc", "2.0");
            response.put("result", m.apply(this, args));
            response.put("id", id);
            return JsonText.write(response);
        } catch (RpcError e) {
            return error(id, e.code, e.getMessage());
        } catch (RuntimeException e) { // an RPC must answer, whatever went wrong inside
            return error(id, 500, "Internal Error: " + e);
        }
    }

    private static String error(Object id, int code, String message) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("error", err);
        response.put("id", id);
        return JsonText.write(response);
    }

    /** {@code sipway <version> (java <version>/<os>)}, as Kamailio's "kamailio 5.6.3 (x86_64/linux) ". */
    public static String version() {
        String v = Proxy.class.getPackage().getImplementationVersion();
        return "sipway " + (v == null ? "development build" : v) + " (java " + System.getProperty("java.version") + "/"
                + System.getProperty("os.name").toLowerCase(Locale.ROOT) + ")";
    }

    private Map<String, Object> uptime() {
        java.time.Instant now = java.time.Instant.now();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("now", CTIME.format(now.atZone(ZoneId.systemDefault())));
        m.put("up_since", CTIME.format(proxy.startedAt().atZone(ZoneId.systemDefault())));
        m.put("uptime", java.time.Duration.between(proxy.startedAt(), now).toSeconds());
        return m;
    }

    /**
     * Kamailio's fields (id, type, state, timeout, lifetime, src = the peer, dst = our side) and two
     * of Sipway's: family (IPv4, IPv6) and idle (seconds since the last read or write).
     */
    private List<Object> tcpList() {
        int lifetime = proxy.transport().tcpSettings().connectionLifetime();
        List<Object> out = new ArrayList<>();
        for (Connection c : proxy.transport().connections().connections()) {
            long idle = c.idleMillis() / 1000;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("type", c.protocol().text().toUpperCase(Locale.ROOT));
            m.put("state", c.isOpen() ? "CONN_OK" : "CONN_EOF");
            m.put("timeout", lifetime < 0 ? -1 : Math.max(0, lifetime - idle));
            m.put("lifetime", lifetime);
            m.put("src_ip", c.remote().getAddress().getHostAddress());
            m.put("src_port", c.remote().getPort());
            m.put("dst_ip", c.local().getAddress().getHostAddress());
            m.put("dst_port", c.local().getPort());
            m.put("family", c.remote().getAddress() instanceof Inet6Address ? "IPv6" : "IPv4");
            m.put("idle", idle);
            out.add(m);
        }
        return out;
    }

    private Map<String, Object> tmStats() {
        TransactionLayer tm = proxy.transactions();
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name : TM_STATS) {
            m.put(name, tm.stat(name));
        }
        return m;
    }

    /** Every statistic as Kamailio names it, "group:name" to its value, sorted by group then name. */
    public Map<String, Long> allStatistics() {
        Map<String, Long> all = new java.util.TreeMap<>(proxy.core().stats());
        TransactionLayer tm = proxy.transactions();
        for (String name : TMX_STATS) {
            all.put("tmx:" + name, tm.stat(name));
        }
        all.keySet().removeIf(k -> k.startsWith("tm:"));
        int connections = proxy.transport().connections().size();
        int webSockets = 0;
        for (Connection c : proxy.transport().connections().connections()) {
            webSockets += c.protocol().isWebSocket() ? 1 : 0;
        }
        all.put("tcp:current_opened_connections", (long) connections);
        all.put("websocket:ws_current_connections", (long) webSockets);
        long users = 0;
        long now = System.currentTimeMillis();
        for (Map.Entry<String, LocationStore> t : proxy.core().locationTables().entrySet()) {
            long u = 0;
            long n = 0;
            for (String aor : t.getValue().aors()) {
                int k = t.getValue().bindings(aor, now).size();
                u += k > 0 ? 1 : 0;
                n += k;
            }
            all.put("usrloc:" + t.getKey() + "_users", u);
            all.put("usrloc:" + t.getKey() + "_contacts", n);
            users += u;
        }
        all.put("usrloc:registered_users", users);
        return all;
    }

    /** {@code all}, a group ({@code tmx:}), or a statistic's name: "group:name = value" lines. */
    private List<Object> statistics(List<Object> params) {
        if (params.isEmpty()) {
            throw new RpcError(BAD_PARAMS, "Invalid Parameters: all, a group (tmx:) or a statistic's name");
        }
        Map<String, Long> all = allStatistics();
        List<Object> out = new ArrayList<>();
        for (Object p : params) {
            String want = String.valueOf(p);
            for (Map.Entry<String, Long> e : all.entrySet()) {
                String k = e.getKey();
                boolean match = want.equals("all") || (want.endsWith(":") && k.startsWith(want))
                        || (!want.contains(":") && k.substring(k.indexOf(':') + 1).equals(want));
                if (match) {
                    out.add(k + " = " + e.getValue());
                }
            }
        }
        return out;
    }

    /** usrloc's dump, shaped as Kamailio's (Domains, Domain, AoRs, Info, Contacts, Contact). */
    private Map<String, Object> ulDump() {
        List<Object> domains = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Map.Entry<String, LocationStore> t : proxy.core().locationTables().entrySet()) {
            List<Object> aors = new ArrayList<>();
            for (String aor : new java.util.TreeSet<>(t.getValue().aors())) {
                List<Binding> bindings = t.getValue().bindings(aor, now);
                if (bindings.isEmpty()) {
                    continue;
                }
                List<Object> contacts = new ArrayList<>();
                for (Binding b : bindings) {
                    contacts.add(Map.of("Contact", contact(b, now)));
                }
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("AoR", aor);
                info.put("HashID", aor.hashCode() & 0x7fffffffL);
                info.put("Contacts", contacts);
                aors.add(Map.of("Info", info));
            }
            Map<String, Object> domain = new LinkedHashMap<>();
            domain.put("Domain", t.getKey());
            domain.put("AoRs", aors);
            domain.put("Stats", Map.of("Records", aors.size()));
            domains.add(Map.of("Domain", domain));
        }
        return Map.of("Domains", domains);
    }

    private static Map<String, Object> contact(Binding b, long now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Address", b.contact());
        c.put("Expires", b.expiresIn(now));
        c.put("Q", b.q() < 0 ? -1 : (double) b.q());
        c.put("Call-ID", b.callId());
        c.put("CSeq", b.cseq());
        c.put("User-Agent", b.userAgent() == null ? NOT_SET : b.userAgent());
        c.put("Received", b.received() == null ? NOT_SET : b.received());
        c.put("Path", b.path() == null ? NOT_SET : b.path());
        c.put("State", "CS_NEW");
        c.put("Flags", 0);
        c.put("CFlags", b.branchFlags());
        c.put("Socket", b.socket() == null ? NOT_SET : b.socket().toString());
        c.put("Methods", 4294967295L);
        c.put("Ruid", b.ruid());
        c.put("Instance", NOT_SET);
        c.put("Reg-Id", 0);
        c.put("Server-Id", 0);
        c.put("Tcpconn-Id", b.connectionId() > 0 ? b.connectionId() : -1);
        c.put("Keepalive", 0);
        c.put("Last-Keepalive", b.lastModified() / 1000);
        c.put("KA-Roundtrip", 0);
        c.put("Last-Modified", b.lastModified() / 1000);
        return c;
    }
}
