package io.sipway.proxy;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.FailureRoutes;
import io.sipway.proxy.log.LogPrefix;
import io.sipway.proxy.log.LogSettings;
import io.sipway.sip.SipParserConfig;
import io.sipway.tm.TmSettings;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.ConnectionTable;
import io.sipway.transport.DnsSettings;
import io.sipway.transport.ListenSpec;
import io.sipway.transport.ListenSpecException;
import io.sipway.transport.SendSocket;
import io.sipway.transport.TcpSettings;
import io.sipway.transport.TlsSettings;
import io.sipway.transport.Transport;
import io.sipway.transport.WebSocketKeepalive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Sipway: a kamailio.cfg loaded and checked, its listeners bound, requests running
 * request_route and replies matched by tm. {@code sipway -f FILE} runs one until SIGTERM.
 */
public final class Proxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway");

    private final Transport transport;
    private final TransactionLayer tm;
    private final Core core;
    private final java.time.Instant startedAt = java.time.Instant.now();

    private final List<io.sipway.proxy.module.ModuleExports> tables;
    private final LogSettings logSettings;

    private Proxy(Transport transport, TransactionLayer tm, Core core, List<io.sipway.proxy.module.ModuleExports> tables,
                  LogSettings logSettings) {
        this.tables = tables;
        this.logSettings = logSettings;
        this.transport = transport;
        this.tm = tm;
        this.core = core;
    }

    /**
     * Loads and checks the script (as {@code sipway -c} would), binds its {@code listen=} sockets
     * plus {@code extraListens} (Kamailio's {@code -l}), and starts processing.
     */
    public static Proxy start(Path cfg, Map<String, String> defines, List<String> extraListens) throws ProxyStartException {
        return start(cfg, defines, extraListens, Modules::host);
    }

    /** The same over the module tables {@code hostFor} makes for the core (tests add a table of their own). */
    static Proxy start(Path cfg, Map<String, String> defines, List<String> extraListens,
                       java.util.function.Function<Core, io.sipway.proxy.module.ModuleHost> hostFor) throws ProxyStartException {
        Core core = new Core();
        core.configFile(cfg);
        io.sipway.proxy.module.ModuleHost host = hostFor.apply(core);
        List<io.sipway.proxy.module.ModuleExports> tables = host.tables();
        ScriptLoader.Result r = ScriptLoader.load(cfg, cfg.toString(), defines, host);
        if (!r.ok()) {
            throw new ProxyStartException(r.diagnostics().render() + "ERROR: bad config file (" + r.diagnostics().errorCount() + " errors)");
        }
        CompiledScript script = r.script();
        if (script.entry(Ast.RouteType.REQUEST, null) == null) {
            throw new ProxyStartException(cfg + ": no request_route");
        }
        LogSettings logs;
        try {
            logs = LogSettings.of(script.globals());
        } catch (IllegalArgumentException e) {
            throw new ProxyStartException(e.getMessage(), e);
        }
        LogPrefix.Source prefix = logs.prefix() == null ? null : logPrefix(logs.prefix(), host);
        core.logPrefix(prefix);
        List<ListenSpec> listens = new ArrayList<>();
        boolean match = false;
        boolean reusePort = false;
        boolean autoAliases = true;
        boolean enableTls = false;
        int children = Runtime.getRuntime().availableProcessors();
        int workerChildren = 8; // Kamailio's default children: its processes per UDP listener
        int tcpChildren = -1; // not set: as many as children, as Kamailio's
        TcpSettings tcp = TcpSettings.defaults();
        DnsSettings dns = DnsSettings.defaults();
        TmSettings tmSettings = TmSettings.defaults();
        boolean signed = true;
        String serverHeader = io.sipway.proxy.core.Signature.serverHeader();
        String userAgentHeader = io.sipway.proxy.core.Signature.userAgentHeader();
        try {
            for (Ast.GlobalParam g : script.globals()) {
                switch (g.name()) {
                    case "listen" -> listens.add(ListenSpec.parse(g.raw()));
                    case "alias" -> core.addAlias(g.value() instanceof String s ? s : g.raw());
                    case "auto_aliases" -> autoAliases = truth(g);
                    case "children" -> {
                        children = (int) Math.max(1, number(g));
                        workerChildren = children;
                    }
                    case "tcp_children" -> tcpChildren = (int) Math.max(1, number(g));
                    case "enable_tls", "tls_enable" -> enableTls = truth(g);
                    case "disable_tls" -> enableTls = !truth(g);
                    case "sip_warning" -> core.sipWarning(truth(g));
                    case "server_id" -> core.serverId((int) number(g));
                    case "debug" -> core.debug((int) number(g));
                    case "tcp_connection_match" -> match = truth(g);
                    case "tcp_reuse_port" -> reusePort = truth(g);
                    case "server_signature" -> signed = truth(g);
                    case "server_header" -> serverHeader = String.valueOf(g.value());
                    case "user_agent_header" -> userAgentHeader = String.valueOf(g.value());
                    default -> {
                        if (DnsSettings.has(g.name())) { // dns_try_naptr, dns_srv_lb, dns_cache_*_ttl...
                            try {
                                dns = dns.with(g.name(), g.value());
                            } catch (IllegalArgumentException e) {
                                throw new ProxyStartException(g.at() + ": " + e.getMessage(), e);
                            }
                        }
                        if (TcpSettings.has(g.name())) { // tcp_connect_timeout, tcp_send_timeout, tcp_keep*, tcp_rd_buf_size...
                            try {
                                tcp = tcp.with(g.name(), g.value());
                            } catch (IllegalArgumentException e) {
                                throw new ProxyStartException(g.at() + ": " + e.getMessage(), e);
                            }
                        }
                        // other globals are checked by the language; debug, log_stderror and the like change nothing here
                    }
                }
            }
            for (String l : extraListens) {
                listens.add(ListenSpec.parse(l));
            }
        } catch (ListenSpecException | ClassCastException e) {
            throw new ProxyStartException(cfg + ": " + e.getMessage(), e);
        }
        if (listens.isEmpty()) {
            listens.add(ListenSpec.parse("0.0.0.0"));
        }
        // Kamailio writes both lines as given, whatever their name, and neither with server_signature=no
        core.server = signed ? serverHeader : null;
        tmSettings = tmSettings.withSignature(core.server, signed ? userAgentHeader : null);
        for (Ast.ModParam p : script.modParams()) {
            if (p.module().equals("tm") && p.value() instanceof Long n) {
                tmSettings = tmSettings.with(p.param(), n);
            } else if (p.module().equals("pv") && p.param().equals("shvset")) {
                try {
                    core.sharedVariables().init(String.valueOf(p.value()));
                } catch (IllegalArgumentException e) {
                    throw new ProxyStartException(p.at() + ": modparam(\"pv\", \"shvset\"): " + e.getMessage());
                }
            }
        }
        TlsSettings tls = ScriptTransportSettings.tls(cfg, script, listens, enableTls);
        WebSocketKeepalive keepalive = ScriptTransportSettings.webSocketKeepalive(script);
        Transport transport;
        Core[] late = {core};
        try {
            transport = Transport.start(listens, new ConnectionTable(match, reusePort), SipParserConfig.defaults(), tls, tcp,
                    children, prefix == null ? (bytes, from) -> late[0].receive(bytes, from) : (bytes, from) -> {
                        LogPrefix.enter(prefix, bytes, from); // log_prefix: the lines logged while it is processed
                        try {
                            late[0].receive(bytes, from);
                        } finally {
                            LogPrefix.exit();
                        }
                    });
        } catch (io.sipway.transport.ListenerBindException | io.sipway.transport.TlsContexts.TlsConfigException e) {
            throw new ProxyStartException(e.getMessage(), e); // names the listener, or the tls setting and its file
        } catch (Exception e) {
            throw new ProxyStartException("cannot start the listeners " + listens + ": " + e.getMessage(), e);
        }
        transport.webSocketKeepalive(keepalive);
        core.workersFromScript(workerCount(transport.sockets(), workerChildren, tcpChildren < 0 ? workerChildren : tcpChildren));
        if (autoAliases) {
            core.addAutoAliases(transport.sockets());
        }
        TransactionLayer tm = new TransactionLayer(transport, tmSettings, new FailureRoutes(core));
        // an overload must meet a bound, not the heap's end: half the heap for transactions by
        // default (-m sets it as Kamailio's shared memory size), the rest for everything else
        tm.limit(Math.max(1, Runtime.getRuntime().maxMemory() / 2));
        core.attach(transport, tm, script, nameServers(transport.resolverBuilder().settings(dns)).build());
        // a db_url needs its db_* module loaded, as Kamailio's db_bind_mod() does; db_mysql's modparams set its pools
        core.databases().configure(script.modules(), new io.sipway.proxy.db.Databases.ModParams() {
            @Override
            public String get(String module, String param, String def) {
                return core.modparam(module, param, def);
            }

            @Override
            public List<String> all(String module, String param) {
                return core.modparams(module, param);
            }
        });
        for (io.sipway.proxy.module.ModuleExports t : tables) {
            if (script.modules().contains(t.name())) {
                try {
                    t.start(script, host); // Kamailio's mod_init: acc hooks into tm here
                } catch (IllegalArgumentException e) {
                    new Proxy(transport, tm, core, tables, logs).close();
                    throw new ProxyStartException(cfg + ": " + e.getMessage(), e);
                }
            }
        }
        CompiledScript.Entry wsClosed = script.entry(Ast.RouteType.EVENT, "websocket:closed");
        if (wsClosed != null) {
            transport.onWebSocketClosed(connection -> core.http().webSocketClosed(wsClosed, connection));
        }
        CompiledScript.Entry xhttp = script.entry(Ast.RouteType.EVENT, "xhttp:request");
        var front = core.http().front(); // a module's own HTTP handler (xmlrpc), asked first
        if (xhttp != null || front != null) {
            transport.upgradePolicy(new io.sipway.transport.WebSocketUpgrade.Policy() {
                @Override
                public boolean allow(io.sipway.transport.WebSocketUpgrade upgrade) {
                    return answer(upgrade).upgrades();
                }

                @Override
                public io.sipway.transport.WebSocketUpgrade.Answer answer(io.sipway.transport.WebSocketUpgrade request) {
                    io.sipway.transport.WebSocketUpgrade.Answer a = front == null ? null : front.apply(request);
                    if (a != null) {
                        return a;
                    }
                    return xhttp != null ? core.http().xhttp(xhttp, request) : new io.sipway.transport.WebSocketUpgrade.Answer(404, "Not Found", "", "");
                }
            });
        }
        LOG.info("{} loaded: {} module(s), listening on {}", cfg, script.modules().size(), transport.sockets());
        return new Proxy(transport, tm, core, tables, logs);
    }

    /**
     * As many workers for the routes that may wait as Kamailio has processes that may block in them:
     * {@code children} per UDP listener, and {@code tcp_children} (default: children) for all the
     * stream listeners together (TCP, TLS, WS, WSS).
     */
    static int workerCount(List<SendSocket> sockets, int children, int tcpChildren) {
        int udp = 0;
        boolean streams = false;
        for (SendSocket s : sockets) {
            if (s.protocol() == io.sipway.transport.Protocol.UDP) {
                udp++;
            } else {
                streams = true;
            }
        }
        return Math.max(1, children * udp + (streams ? tcpChildren : 0));
    }

    /** log_prefix compiled once: its pseudo-variables read the message being processed, as received. */
    private static LogPrefix.Source logPrefix(String text, io.sipway.proxy.module.ModuleHost host) {
        io.sipway.proxy.core.Format f = io.sipway.proxy.core.Format.of(
                io.sipway.cfg.Arg.constant(text, "\"" + text + "\"").withPvCompiler(host::pvFromText));
        return (msg, from) -> f.apply(new io.sipway.proxy.core.MsgContext(msg, from));
    }

    private static boolean truth(Ast.GlobalParam g) {
        Object v = g.value();
        if (v instanceof Long n) {
            return n != 0;
        }
        String t = String.valueOf(v).trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals("yes") || t.equals("on") || t.equals("true") || t.equals("1");
    }

    private static long number(Ast.GlobalParam g) {
        return ((Long) g.value());
    }

    /**
     * The name servers the system property {@code sipway.dns.servers} names ("127.0.0.1:5353,..."), in place of
     * /etc/resolv.conf's, as {@code dig @server} would ask them: for tests with their own DNS server.
     */
    private static io.sipway.transport.SipResolver.Builder nameServers(io.sipway.transport.SipResolver.Builder b) {
        String servers = System.getProperty("sipway.dns.servers", "").trim();
        if (servers.isEmpty()) {
            return b;
        }
        List<java.net.InetSocketAddress> list = new java.util.ArrayList<>();
        for (String s : servers.split(",")) {
            int colon = s.trim().lastIndexOf(':');
            list.add(new java.net.InetSocketAddress(s.trim().substring(0, colon), Integer.parseInt(s.trim().substring(colon + 1))));
        }
        return b.nameServers(list);
    }

    /** The bound listeners, e.g. {@code udp:127.0.0.1:5060}. */
    public List<String> listeners() {
        List<String> out = new ArrayList<>();
        for (SendSocket s : transport.sockets()) {
            out.add(s.toString());
        }
        return out;
    }

    /** The module tables the script was loaded against (the RPC server answers their commands). */
    public List<io.sipway.proxy.module.ModuleExports> tables() {
        return tables;
    }

    /** When the proxy started (core.uptime). */
    public java.time.Instant startedAt() {
        return startedAt;
    }

    /** The parts the RPC and metrics read: listeners and connections, transactions, the core's counters and tables. */
    public Transport transport() {
        return transport;
    }

    public TransactionLayer transactions() {
        return tm;
    }

    public Core core() {
        return core;
    }

    /** The script's logging parameters (where lines go: {@link io.sipway.proxy.log.LogSinks}). */
    public LogSettings logSettings() {
        return logSettings;
    }

    /** The script's {@code debug=} level (Kamailio's: -5 alert .. 0 warn, 1 notice, 2 info, 3 debug). */
    public int debugLevel() {
        return core.debugLevel();
    }

    /** The threads running the routes that may wait ({@code children}, 8 when not set, as Kamailio's). */
    int workers() {
        return core.workerCount();
    }

    /** The event loops receiving and routing ({@code children}). */
    int eventLoops() {
        return transport.eventLoops();
    }

    /** Counters by Kamailio's statistic names ("core:rcv_requests", "tm:UAS_transactions" or "tmx:UAS_transactions", "sipway:malformed_dropped"); 0 when unknown. */
    public long stat(String name) {
        return name.startsWith("tm:") || name.startsWith("tmx:") ? tm.stat(name) : core.stat(name);
    }

    /**
     * Kamailio's startup banner ({@code Listening on} then {@code Aliases}), as it prints it on
     * standard output: one line per listener and per alias.
     */
    public String banner() {
        StringBuilder b = new StringBuilder("Listening on \n");
        for (SendSocket s : transport.sockets()) {
            b.append("             ").append(s.protocol().text()).append(": ")
                    .append(hostText(s.local())).append(':').append(s.local().getPort()).append('\n');
        }
        b.append("Aliases: \n");
        for (Core.Alias a : core.aliases()) {
            b.append("             ").append(a).append('\n');
        }
        return b.toString();
    }

    private static String hostText(java.net.InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return a.getAddress() instanceof java.net.Inet6Address ? "[" + h + "]" : h;
    }

    /**
     * A clean stop (SIGTERM): new requests are no longer taken, the transactions in progress get up
     * to {@code bound} to send their final reply, then everything closes. Returns how many were
     * still unanswered when the bound ran out.
     */
    public int shutdown(java.time.Duration bound) {
        core.drain();
        long deadline = System.nanoTime() + bound.toNanos();
        int pending;
        while ((pending = tm.pending()) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        return pending;
    }

    /** Closes the listeners, then the transaction timers. */
    @Override
    public void close() {
        core.close();
        transport.close();
        tm.close();
    }
}
