package io.sipway.proxy;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.FailureRoutes;
import io.sipway.proxy.core.RuntimeHost;
import io.sipway.proxy.script.CheckHost;
import io.sipway.proxy.script.ModuleCatalog;
import io.sipway.sip.SipParserConfig;
import io.sipway.tm.TmSettings;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.ConnectionTable;
import io.sipway.transport.ListenSpec;
import io.sipway.transport.ListenSpecException;
import io.sipway.transport.SendSocket;
import io.sipway.transport.TcpSettings;
import io.sipway.transport.Transport;
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

    private Proxy(Transport transport, TransactionLayer tm, Core core) {
        this.transport = transport;
        this.tm = tm;
        this.core = core;
    }

    /**
     * Loads and checks the script (as {@code sipway -c} would), binds its {@code listen=} sockets
     * plus {@code extraListens} (Kamailio's {@code -l}), and starts processing.
     */
    public static Proxy start(Path cfg, Map<String, String> defines, List<String> extraListens) throws ProxyStartException {
        Core core = new Core();
        RuntimeHost host = new RuntimeHost(new CheckHost(ModuleCatalog.kamailio()), core);
        ScriptLoader.Result r = ScriptLoader.load(cfg, cfg.toString(), defines, host);
        if (!r.ok()) {
            throw new ProxyStartException(r.diagnostics().render() + "ERROR: bad config file (" + r.diagnostics().errorCount() + " errors)");
        }
        CompiledScript script = r.script();
        if (script.entry(Ast.RouteType.REQUEST, null) == null) {
            throw new ProxyStartException(cfg + ": no request_route");
        }
        List<ListenSpec> listens = new ArrayList<>();
        boolean match = false;
        boolean reusePort = false;
        TcpSettings tcp = TcpSettings.defaults();
        TmSettings tmSettings = TmSettings.defaults();
        try {
            for (Ast.GlobalParam g : script.globals()) {
                switch (g.name()) {
                    case "listen" -> listens.add(ListenSpec.parse(g.raw()));
                    case "alias" -> core.addAlias(g.value() instanceof String s ? s : g.raw());
                    case "tcp_connection_match" -> match = g.value() instanceof Long n && n != 0;
                    case "tcp_reuse_port" -> reusePort = g.value() instanceof Long n && n != 0;
                    case "tcp_max_connections" -> tcp = tcp.withMaxConnections(((Long) g.value()).intValue());
                    case "tcp_connection_lifetime" -> tcp = tcp.withConnectionLifetime(((Long) g.value()).intValue());
                    case "server_header" -> tmSettings = tmSettings.withServer(String.valueOf(g.value()).replaceFirst("(?i)^Server:\\s*", ""));
                    default -> {
                        // the other parameters are checked and have no effect yet
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
        for (Ast.ModParam p : script.modParams()) {
            if (p.module().equals("tm") && p.value() instanceof Long n) {
                tmSettings = tmSettings.with(p.param(), n);
            }
        }
        Transport transport;
        Core[] late = {core};
        try {
            transport = Transport.start(listens, new ConnectionTable(match, reusePort), SipParserConfig.defaults(), null, tcp,
                    (bytes, from) -> late[0].receive(bytes, from));
        } catch (Exception e) {
            throw new ProxyStartException("cannot start the listeners " + listens + ": " + e.getMessage(), e);
        }
        TransactionLayer tm = new TransactionLayer(transport, tmSettings, new FailureRoutes());
        core.attach(transport, tm, script);
        LOG.info("{} loaded: {} module(s), listening on {}", cfg, script.modules().size(), transport.sockets());
        return new Proxy(transport, tm, core);
    }

    /** The bound listeners, e.g. {@code udp:127.0.0.1:5060}. */
    public List<String> listeners() {
        List<String> out = new ArrayList<>();
        for (SendSocket s : transport.sockets()) {
            out.add(s.toString());
        }
        return out;
    }

    /** Counters by Kamailio's statistic names ("core:rcv_requests", "tm:UAS_transactions" or "tmx:UAS_transactions", "sipway:malformed_dropped"); 0 when unknown. */
    public long stat(String name) {
        return name.startsWith("tm:") || name.startsWith("tmx:") ? tm.stat(name) : core.stat(name);
    }

    /** Closes the listeners, then the transaction timers. */
    @Override
    public void close() {
        transport.close();
        tm.close();
    }
}
