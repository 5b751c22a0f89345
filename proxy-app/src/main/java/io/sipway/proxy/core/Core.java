package io.sipway.proxy.core;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.sip.HeaderName;
import io.sipway.sip.MessageEditor;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParseException;
import io.sipway.sip.SipParser;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
import io.sipway.tm.Replies;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import io.sipway.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's core runtime (Kamailio's receive_msg): a request runs {@code request_route}, a reply
 * is matched by tm (or forwarded by its Via when it belongs to no transaction). It also builds what
 * leaves: branch requests with the script's changes, destinations from URIs, replies.
 */
public final class Core {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.core");

    private final Map<String, LongAdder> stats = new ConcurrentHashMap<>();
    // the counters every message touches, held rather than looked up by name per message
    private final LongAdder rcvRequests = counter("core:rcv_requests");
    private final LongAdder rcvReplies = counter("core:rcv_replies");
    private final LongAdder fwdRequests = counter("core:fwd_requests");
    private volatile Transport transport;
    private volatile TransactionLayer tm;
    private CompiledScript.Entry requestRoute;
    private CompiledScript.Entry replyRoute;
    private CompiledScript script;
    private final List<Alias> aliases = new ArrayList<>();
    private boolean sipWarning;
    /** Kamailio's default debug level is 0 (L_WARN); the harness of a test may raise it. */
    private volatile int debug;
    private int doubleRr = 1;
    private boolean appendFromtag = true;
    private boolean fullLr;
    private final Map<String, java.util.concurrent.atomic.AtomicReference<Object>> shared = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private String userAgent = "Sipway";
    /** The bound listeners, taken once at attach: isMyself runs per in-dialog request. */
    private List<SendSocket> listeners = List.of();
    /** The routes functions armed by name (t_on_failure, t_on_branch, t_on_reply), resolved at attach. */
    private final Map<String, RouteRef> armedRoutes = new ConcurrentHashMap<>();
    private static final java.util.regex.Pattern EMPTY_RPORT = java.util.regex.Pattern.compile(";\\s*rport(?=\\s*(;|$))");
    public String server = "Sipway";

    public void attach(Transport transport, TransactionLayer tm, CompiledScript script) {
        this.transport = transport;
        this.tm = tm;
        this.script = script;
        this.listeners = transport.sockets();
        this.requestRoute = script.entry(Ast.RouteType.REQUEST, null);
        this.replyRoute = script.entry(Ast.RouteType.REPLY, null);
        recordRouteSettings((int) modparam(script, "rr", "enable_double_rr", 1),
                modparam(script, "rr", "append_fromtag", 1) != 0, modparam(script, "rr", "enable_full_lr", 0) != 0);
        for (RouteRef r : armedRoutes.values()) {
            r.resolve(script);
        }
    }

    /**
     * The handle on {@code type[name]} for a function's binder (load time); the route itself is
     * bound when the script is attached. One handle per route, whoever asks.
     */
    public RouteRef route(Ast.RouteType type, String name) {
        RouteRef r = armedRoutes.computeIfAbsent(type.keyword + "[" + name + "]", k -> new RouteRef(type, name));
        CompiledScript attached = script;
        if (attached != null) {
            r.resolve(attached);
        }
        return r;
    }

    /**
     * A modparam's value as text (the last one written for the module wins; a parameter written for
     * several modules at once, {@code "nathelper|registrar"}, counts for each), or {@code def}.
     */
    public String modparam(String module, String param, String def) {
        CompiledScript s = script;
        if (s == null) {
            return def;
        }
        String v = def;
        for (Ast.ModParam p : s.modParams()) {
            if (p.param().equals(param) && (p.module().equals(module) || List.of(p.module().split("\\|")).contains(module))) {
                v = String.valueOf(p.value());
            }
        }
        return v;
    }

    /** An integer modparam's value (the last one written wins), or the module's default. */
    private static long modparam(CompiledScript script, String module, String param, long dflt) {
        long v = dflt;
        for (Ast.ModParam p : script.modParams()) {
            if (p.module().equals(module) && p.param().equals(param) && p.value() instanceof Long n) {
                v = n;
            }
        }
        return v;
    }

    /** An {@code alias=[proto:]host[:port]} name of ours; proto null = any, port 0 = any. */
    public record Alias(String proto, String host, int port) {
        /** As Kamailio's startup banner prints it: {@code udp: host:port}, {@code *} for any. */
        @Override
        public String toString() {
            return (proto == null ? "*" : proto) + ": " + host + ":" + (port == 0 ? "*" : Integer.toString(port));
        }
    }

    /** {@code alias=} as Kamailio writes it: {@code [proto:]host[:port]}; the host is matched without case. */
    public void addAlias(String spec) {
        String s = spec.trim();
        String proto = null;
        int colon = s.indexOf(':');
        if (colon > 0 && !s.startsWith("[")) {
            String first = s.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (first.matches("udp|tcp|tls|sctp|ws|wss|\\*")) {
                proto = first.equals("*") ? null : first;
                s = s.substring(colon + 1);
            }
        }
        String host = s;
        int port = 0;
        int portColon = s.startsWith("[") ? s.indexOf("]:") + 1 : s.lastIndexOf(':');
        if (portColon > 0 && (s.startsWith("[") || s.indexOf(':') == portColon)) {
            host = s.substring(0, portColon);
            String p = s.substring(portColon + 1);
            port = p.equals("*") ? 0 : Integer.parseInt(p);
        }
        aliases.add(new Alias(proto, host.toLowerCase(java.util.Locale.ROOT), port));
    }

    /**
     * Kamailio's {@code auto_aliases}: the reverse-DNS name of each listener's address becomes an
     * alias for its protocol and port (127.0.0.1 gives {@code localhost}).
     */
    public void addAutoAliases(List<SendSocket> sockets) {
        for (SendSocket s : sockets) {
            InetAddress a = s.local().getAddress();
            if (a.isAnyLocalAddress()) {
                continue;
            }
            String name = a.getCanonicalHostName();
            if (!name.equals(a.getHostAddress())) {
                Alias alias = new Alias(s.protocol().text(), name.toLowerCase(java.util.Locale.ROOT), s.local().getPort());
                if (!aliases.contains(alias)) {
                    aliases.add(alias);
                }
            }
        }
    }

    /** The aliases, newest first as Kamailio's banner lists them. */
    public List<Alias> aliases() {
        List<Alias> out = new ArrayList<>(aliases);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * {@code $shv(name)}: one value shared by every worker, found once when the script is loaded
     * (the holder is bound into the pseudo-variable, nothing is looked up per message).
     */
    public io.sipway.cfg.Pv sharedVariable(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("$shv needs a name: $shv(name)");
        }
        java.util.concurrent.atomic.AtomicReference<Object> holder =
                shared.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicReference<>());
        return new io.sipway.cfg.Pv() {
            @Override
            public Object get(io.sipway.cfg.ScriptContext ctx) {
                return holder.get();
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(io.sipway.cfg.ScriptContext ctx, Object value) {
                holder.set(value);
            }
        };
    }

    /**
     * modparam("pv", "shvset", "name=i:1") or "name=s:text": a shared variable's value at start.
     * Bad values are refused with what was expected.
     */
    public void initSharedVariable(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq + 2 >= spec.length() + 1 || spec.length() < eq + 3 || spec.charAt(eq + 2) != ':') {
            throw new IllegalArgumentException("shvset \"" + spec + "\": expected name=i:number or name=s:text");
        }
        String name = spec.substring(0, eq).trim();
        char type = spec.charAt(eq + 1);
        String value = spec.substring(eq + 3);
        Object v;
        if (type == 'i') {
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shvset \"" + spec + "\": i: needs a number");
            }
        } else if (type == 's') {
            v = value;
        } else {
            throw new IllegalArgumentException("shvset \"" + spec + "\": type is i or s, not " + type);
        }
        shared.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicReference<>()).set(v);
    }

    /** {@code debug=}: the highest Kamailio log level printed (xlog above it is silent). */
    public void debug(int level) {
        this.debug = level;
        // L_DBG lines go out as DEBUG events: at debug=3 the xlog logger must let them through
        if (LoggerFactory.getLogger("xlog") instanceof ch.qos.logback.classic.Logger xlog) {
            xlog.setLevel(level >= 3 ? ch.qos.logback.classic.Level.DEBUG : ch.qos.logback.classic.Level.INFO);
        }
    }

    /** The script's debug= level. */
    public int debugLevel() {
        return debug;
    }

    public int debug() {
        return debug;
    }

    /** {@code sip_warning=1}: local replies carry a Warning header telling how the request was seen. */
    public void sipWarning(boolean on) {
        this.sipWarning = on;
    }

    /** {@code user_agent_header}: the User-Agent value of requests Sipway makes itself. */
    public void userAgent(String value) {
        this.userAgent = value;
    }

    public String userAgent() {
        return userAgent;
    }

    public Transport transport() {
        return transport;
    }

    public TransactionLayer tm() {
        return tm;
    }

    public CompiledScript script() {
        return script;
    }

    public long stat(String name) {
        LongAdder a = stats.get(name);
        return a == null ? 0 : a.sum();
    }

    public void count(String name) {
        counter(name).increment();
    }

    /** Every counter the core and its modules keep, by Kamailio's "group:name", sorted (for the RPC and metrics). */
    public java.util.SortedMap<String, Long> stats() {
        java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
        stats.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** usrloc's tables by name ("location"), as registrar made them (for ul.dump). */
    public Map<String, io.sipway.proxy.location.LocationStore> locationTables() {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(locationTables));
    }

    /** usrloc's table of that name ("location"), made on first use. */
    public io.sipway.proxy.location.LocationStore locationTable(String name) {
        return locationTables.computeIfAbsent(name, k -> new io.sipway.proxy.location.CaffeineLocationStore());
    }

    private final Map<String, io.sipway.proxy.location.LocationStore> locationTables = new ConcurrentHashMap<>();

    private LongAdder counter(String name) {
        return stats.computeIfAbsent(name, k -> new LongAdder());
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** Transport's Inbound: one message and where it came from. Nothing escapes to the I/O thread. */
    public void receive(byte[] bytes, ReceiveInfo from) {
        SipMessage m;
        try {
            m = SipParser.parse(bytes);
            if (m.topVia() == null || m.cseq() == null || m.callId() == null || m.from() == null || m.to() == null) {
                throw new SipParseException("missing Via, From, To, Call-ID or CSeq", 0);
            }
        } catch (RuntimeException e) { // SipParseException and anything else a bad message provokes
            count("sipway:malformed_dropped");
            count(looksLikeReply(bytes) ? "core:drop_replies" : "core:drop_requests");
            LOG.debug("dropped a malformed message from {}: {}", from.source(), e.getMessage());
            return;
        }
        try {
            if (m.isRequest()) {
                rcvRequests.increment();
                request(m, from);
            } else {
                rcvReplies.increment();
                reply(m, from);
            }
        } catch (RuntimeException e) {
            count("sipway:errors");
            LOG.error("error handling a message from {}: {}", from.source(), e.toString(), e);
        }
    }

    private static boolean looksLikeReply(byte[] b) {
        return b.length > 4 && b[0] == 'S' && b[1] == 'I' && b[2] == 'P' && b[3] == '/';
    }

    private void request(SipMessage m, ReceiveInfo from) {
        if (draining && startsSomethingNew(m)) {
            count("sipway:drained_requests");
            return;
        }
        MsgContext ctx = new MsgContext(m, from);
        ctx.replyTo = replyDestination(m, from);
        requestRoute.run(ctx);
        if (ctx.delayedError != 0 && ctx.st != null) {
            tm.reply(ctx.st, ctx.delayedError, ctx.delayedReason);
        }
    }

    /**
     * Kamailio's xhttp: an HTTP request on a tcp:/tls: listener runs {@code event_route[xhttp:request]}
     * ({@code $rm}, {@code $hu}, {@code $hdr(...)}, {@code $si}...), which answers it with
     * {@code ws_handle_handshake()} (the connection becomes a SIP WebSocket) or {@code xhttp_reply()};
     * a route that does neither leaves a 404.
     */
    public io.sipway.transport.WebSocketUpgrade.Answer xhttp(CompiledScript.Entry route, io.sipway.transport.WebSocketUpgrade req) {
        StringBuilder text = new StringBuilder(256).append(req.method()).append(" sip:")
                .append(req.local().getAddress().getHostAddress()).append(" SIP/2.0\r\n");
        for (Map.Entry<String, List<String>> h : req.headers().entrySet()) {
            for (String v : h.getValue()) {
                text.append(h.getKey()).append(": ").append(v).append("\r\n");
            }
        }
        text.append("\r\n");
        SipMessage m;
        try {
            m = SipParser.parse(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return new io.sipway.transport.WebSocketUpgrade.Answer(400, "Bad Request", "", "");
        }
        Protocol p = req.secure() ? Protocol.TLS : Protocol.TCP;
        SendSocket local = null;
        for (SendSocket s : listeners) {
            if (s.protocol() == p && s.local().equals(req.local())) {
                local = s;
            }
        }
        if (local == null) {
            local = new SendSocket(p, req.local());
        }
        MsgContext ctx = new MsgContext(m, new ReceiveInfo(p, req.source(), local, req.connectionId()));
        ctx.httpUri = req.uri();
        route.run(ctx);
        if (ctx.httpAnswer == null) {
            LOG.debug("event_route[xhttp:request] left {} {} unanswered: 404", req.method(), req.uri());
            return new io.sipway.transport.WebSocketUpgrade.Answer(404, "Not Found", "", "");
        }
        return ctx.httpAnswer;
    }

    /**
     * Kamailio's event_route[websocket:closed]: runs when a WS or WSS connection closes, with
     * {@code $si}, {@code $sp}, {@code $proto} and {@code $ws_conid} of that connection (on a
     * stand-in message, as Kamailio's faked one).
     */
    public void webSocketClosed(CompiledScript.Entry route, ReceiveInfo connection) {
        SipMessage m = SipParser.parse(("OPTIONS sip:" + connection.localSocket().local().getAddress().getHostAddress()
                + " SIP/2.0\r\nContent-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        route.run(new MsgContext(m, connection));
    }

    /** A request outside any dialog or transaction of ours: what a proxy shutting down no longer takes. */
    private boolean startsSomethingNew(SipMessage m) {
        String method = m.methodName();
        return m.toTag() == null && !method.equals("ACK") && !method.equals("CANCEL") && tm.find(m) == null;
    }

    /**
     * From now on new requests are dropped (counted as sipway:drained_requests) while dialogs,
     * CANCEL, ACK, retransmissions and replies still go through: the transactions in progress can end.
     */
    public void drain() {
        draining = true;
    }

    private void reply(SipMessage m, ReceiveInfo from) {
        if (replyRoute != null) {
            MsgContext ctx = new MsgContext(m, from);
            ctx.reply = m;
            replyRoute.run(ctx);
            if (ctx.dropped()) {
                return;
            }
        }
        if (tm.onReply(m, from)) {
            return;
        }
        forwardReplyStatelessly(m);
    }

    /** A reply to no transaction of ours: remove our Via and send it to the next one (RFC 3261 18.2.2). */
    private void forwardReplyStatelessly(SipMessage m) {
        List<Via> vias = m.vias();
        if (vias.size() < 2 || !isMyself(vias.get(0).host(), vias.get(0).port(), null)) {
            count("core:drop_replies");
            return;
        }
        Via next = vias.get(1);
        Protocol p = protocolOf(next.transport());
        String host = next.received() != null ? next.received() : next.host();
        int port = next.hasRport() && next.rport() > 0 ? next.rport() : next.port() > 0 ? next.port() : p.isSecure() ? 5061 : 5060;
        InetSocketAddress to = resolve(host, port);
        if (to == null) {
            count("core:drop_replies");
            return;
        }
        MessageEditor e = m.edit();
        e.removeFirstValue(HeaderName.VIA);
        transport.sender().send(Destination.to(p, to), e.toBytes());
        count("core:fwd_replies");
    }

    // ---- where replies go, where requests go -----------------------------------------------------

    /** RFC 3261 18.2.2 with RFC 3581: streams by connection; UDP to the source IP and rport (or Via port). */
    public Destination replyDestination(SipMessage m, ReceiveInfo from) {
        if (from.protocol().isStream()) {
            return Destination.to(from.protocol(), from.source()).withConnectionId(from.connectionId());
        }
        Via v = m.topVia();
        int port = v.hasRport() ? from.source().getPort() : v.port() > 0 ? v.port() : 5060;
        return Destination.to(Protocol.UDP, new InetSocketAddress(from.source().getAddress(), port))
                .withForcedSocket(from.localSocket());
    }

    public static Protocol protocolOf(String transport) {
        if (transport == null) {
            return Protocol.UDP;
        }
        try {
            return Protocol.of(transport.toLowerCase());
        } catch (IllegalArgumentException e) {
            return Protocol.UDP;
        }
    }

    private static InetSocketAddress resolve(String host, int port) {
        InetAddress a = HostAddresses.resolve(host);
        return a == null ? null : new InetSocketAddress(a, port);
    }

    /**
     * The next hop of a request: {@code $du} when set, else the Request-URI; protocol from the URI's
     * transport parameter (sips: TLS), else UDP, as Kamailio does. Null when the host does not resolve.
     */
    public Destination destinationFor(MsgContext ctx, String uriText) {
        SipUri uri;
        try {
            uri = SipUri.parse(uriText);
        } catch (RuntimeException e) {
            return null;
        }
        Protocol p;
        if (uri.transport() != null) {
            p = protocolOf(uri.transport());
        } else if (uri.scheme() == SipUri.Scheme.SIPS) {
            p = Protocol.TLS;
        } else {
            p = Protocol.UDP; // as Kamailio: no transport parameter means UDP, whatever the request came over
        }
        String host = uri.maddr() != null ? uri.maddr() : uri.host();
        int port = uri.port() > 0 ? uri.port() : p.isSecure() ? 5061 : 5060;
        InetSocketAddress a = resolve(host, port);
        if (a == null) {
            return null;
        }
        Destination d = Destination.to(p, a);
        if (ctx.forcedSocket != null) {
            d = d.withForcedSocket(ctx.forcedSocket);
        }
        return ctx.forwardNoConnect ? d.withNoConnect() : d;
    }

    /**
     * Kamailio's {@code myself} test of a text: a SIP URI (its transport, none = any; its port or the
     * scheme's default) or an address (any of our ports).
     */
    public boolean isMyselfText(String s) {
        if (s == null) {
            return false;
        }
        if (s.startsWith("sip:") || s.startsWith("sips:")) {
            try {
                SipUri u = SipUri.parse(s);
                int port = u.port() > 0 ? u.port() : u.scheme() == SipUri.Scheme.SIPS ? 5061 : 5060;
                return isMyself(u.host(), port, u.transport() == null ? null : protocolOf(u.transport()));
            } catch (RuntimeException e) {
                return false;
            }
        }
        return isMyself(s, -1, null);
    }

    /** Whether host:port names one of our listeners or an alias (port 0: the default port; -1: any port). */
    public boolean isMyself(String host, int port, Protocol p) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean anyPort = port < 0;
        int wanted = port > 0 ? port : (p != null && p.isSecure()) ? 5061 : 5060;
        for (Alias alias : aliases) {
            if (alias.host.equalsIgnoreCase(h) && (alias.port == 0 || anyPort || alias.port == wanted)
                    && (alias.proto == null || p == null || alias.proto.equals(p.text()))) {
                return true;
            }
        }
        InetAddress addr = HostAddresses.literal(h);
        for (SendSocket s : listeners) {
            if (!anyPort && s.local().getPort() != wanted) {
                continue;
            }
            if (addr != null && (s.local().getAddress().equals(addr) || s.local().getAddress().isAnyLocalAddress())) {
                return true;
            }
            if (addr == null && s.local().getHostString().equalsIgnoreCase(h)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rr module's parameters: {@code enable_double_rr} (0 never, 1 when the outbound socket
     * differs from the receiving one, 2 always), {@code append_fromtag}, {@code enable_full_lr}.
     */
    public void recordRouteSettings(int doubleRr, boolean appendFromtag, boolean fullLr) {
        this.doubleRr = doubleRr;
        this.appendFromtag = appendFromtag;
        this.fullLr = fullLr;
    }

    /**
     * A Record-Route value as Kamailio's rr writes it for a socket:
     * {@code <sip:ip[:port][;transport=x][;r2=on];lr[;ftag=tag][params]>}, the port left out when
     * 5060, no transport for UDP, {@code transport=ws} for WS and WSS sockets alike.
     */
    public String recordRouteFor(SendSocket s, boolean r2, MsgContext ctx) {
        return recordRouteFor(s, s.protocol(), r2, ctx);
    }

    /**
     * The same for a message that comes or goes over {@code proto} on socket {@code s}: a WebSocket
     * connection (WS or WSS) lives on a tcp or tls listener, and its Record-Route says transport=ws.
     */
    public String recordRouteFor(SendSocket s, Protocol proto, boolean r2, MsgContext ctx) {
        InetSocketAddress a = s.local();
        StringBuilder b = new StringBuilder(64).append("<sip:");
        if (a.getAddress() instanceof java.net.Inet6Address) {
            b.append('[').append(a.getAddress().getHostAddress()).append(']');
        } else {
            b.append(a.getAddress().getHostAddress());
        }
        if (a.getPort() != 5060) {
            b.append(':').append(a.getPort());
        }
        Protocol p = proto == Protocol.WS || proto == Protocol.WSS ? proto : s.protocol();
        if (p != Protocol.UDP) {
            b.append(";transport=").append(p == Protocol.WSS ? "ws" : p.text());
        }
        if (r2) {
            b.append(";r2=on");
        }
        b.append(fullLr ? ";lr=on" : ";lr");
        return fromTagAndParams(b, ctx).append('>').toString();
    }

    /** record_route_preset's URI: {@code <sip:preset[;ftag=tag][params];lr>}. */
    public String recordRoutePreset(String preset, MsgContext ctx) {
        String uri = preset.regionMatches(true, 0, "sip:", 0, 4) ? preset.substring(4) : preset;
        StringBuilder b = new StringBuilder(64).append("<sip:").append(uri);
        return fromTagAndParams(b, ctx).append(fullLr ? ";lr=on>" : ";lr>").toString();
    }

    private StringBuilder fromTagAndParams(StringBuilder b, MsgContext ctx) {
        if (appendFromtag) {
            String tag = ctx.msg.fromTag();
            if (tag != null && !tag.isEmpty()) {
                b.append(";ftag=").append(tag);
            }
        }
        return b.append(ctx.recordRouteParams);
    }

    /** Whether two sockets differ in protocol, address or port (rr's enable_double_rr=1 test). */
    private static boolean differ(SendSocket in, Protocol inProto, SendSocket out, Protocol outProto) {
        return out != null && (effective(out, outProto) != effective(in, inProto) || !out.local().equals(in.local()));
    }

    /** WS and WSS ride on tcp and tls sockets; for rr they are protocols of their own. */
    private static Protocol effective(SendSocket s, Protocol p) {
        return p == Protocol.WS || p == Protocol.WSS ? p : s.protocol();
    }

    // ---- building what leaves --------------------------------------------------------------------

    /** The request of one branch, with the script's changes, for tm to put its Via on top of. */
    public TransactionLayer.BranchRequest branchRequest(MsgContext ctx, String ruri, Destination to) {
        return via -> {
            SipMessage m = ctx.msg;
            if (ctx.textEdits != null && !ctx.textEdits.isEmpty()) {
                m = ctx.textEdits.rewritten(); // textops' rewrites of the text first; the edits below go on top
            }
            MessageEditor e = m.edit();
            if (!ruri.equals(m.requestUriString())) {
                e.setRequestUri(ruri);
            }
            e.prependVia(via);
            String top = receivedVia(ctx);
            if (top != null) {
                e.removeFirstValue(HeaderName.VIA);
                e.prependVia(top);
            }
            if (ctx.maxForwards >= 0) {
                e.set("Max-Forwards", Integer.toString(ctx.maxForwards));
            }
            for (int i = 0; i < ctx.routesToRemove; i++) {
                e.removeFirstValue(HeaderName.ROUTE);
            }
            if (ctx.recordRoute && !m.methodName().equals("ACK") && !m.methodName().equals("CANCEL")) {
                if (ctx.recordRoutePreset != null) {
                    for (String preset : ctx.recordRoutePreset) { // the first one on top (added values keep their order)
                        e.addRecordRoute(recordRoutePreset(preset, ctx));
                    }
                } else {
                    SendSocket in = ctx.from.localSocket();
                    SendSocket out = transport.sendSocketFor(to);
                    if (doubleRr == 2 || (doubleRr == 1 && differ(in, ctx.from.protocol(), out, to.protocol()))) {
                        // Kamailio's double Record-Route (r2=on): the outbound one on top, then the inbound one
                        e.addRecordRoute(recordRouteFor(out != null ? out : in, to.protocol(), true, ctx));
                        e.addRecordRoute(recordRouteFor(in, ctx.from.protocol(), true, ctx));
                    } else {
                        e.addRecordRoute(recordRouteFor(in, ctx.from.protocol(), false, ctx));
                    }
                }
            }
            for (String name : ctx.removed) {
                e.remove(name);
            }
            for (String[] h : ctx.appended) {
                e.append(h[0], h[1]);
            }
            return e.toBytes();
        };
    }

    /**
     * RFC 3261 18.2.1 received and RFC 3581 rport: the top Via as it goes on, or null when it stays
     * as written. {@code received} is added when the source IP differs from the Via host or rport
     * was asked for; an empty {@code rport} is filled with the source port ({@code force_rport()}
     * adds one).
     */
    private static String receivedVia(MsgContext ctx) {
        Via v = ctx.msg.topVia();
        String src = ctx.from.source().getAddress().getHostAddress();
        String host = v.host().startsWith("[") ? v.host().substring(1, v.host().length() - 1) : v.host();
        boolean emptyRport = v.hasRport() && v.rport() <= 0;
        boolean addReceived = v.received() == null && (!src.equals(host) || emptyRport || ctx.forceRport);
        if (!addReceived && !emptyRport && !(ctx.forceRport && !v.hasRport())) {
            return null;
        }
        String text = v.toString();
        int port = ctx.from.source().getPort();
        if (emptyRport) {
            text = EMPTY_RPORT.matcher(text).replaceFirst(";rport=" + port);
        } else if (ctx.forceRport && !v.hasRport()) {
            text = text + ";rport=" + port;
        }
        return addReceived ? text + ";received=" + src : text;
    }

    /** A stateless reply (sl_send_reply) to the request of {@code ctx}. */
    public void statelessReply(MsgContext ctx, int code, String reason) {
        statelessReply(ctx, code, reason, null);
    }

    /** The same with header lines of its own ({@code "Name: value\r\n"} each), e.g. the registrar's Contacts. */
    public void statelessReply(MsgContext ctx, int code, String reason, String headers) {
        String extra = sipWarning ? warning(ctx) + (headers == null ? "" : headers) : headers;
        byte[] bytes = Replies.build(ctx.msg, code, reason, null, server, extra);
        transport.sender().send(ctx.replyTo, bytes);
        ctx.replied = true;
        count("sl:" + code / 100 + "xx_replies");
    }

    /**
     * Kamailio's sip_warning header: {@code 392 ip:port "Noisy feedback tells: ..."} with the
     * receiving socket, the request's source, its URIs and how many Vias it had.
     */
    private static String warning(MsgContext ctx) {
        InetSocketAddress local = ctx.from.localSocket().local();
        InetSocketAddress src = ctx.from.source();
        String in = ctx.msg.requestUriString();
        String out = ctx.requestUri();
        return "Warning: 392 " + local.getAddress().getHostAddress() + ":" + local.getPort()
                + " \"Noisy feedback tells: pid=" + ProcessHandle.current().pid()
                + " req_src_ip=" + src.getAddress().getHostAddress() + " req_src_port=" + src.getPort()
                + " in_uri=" + in + " out_uri=" + out + " via_cnt==" + ctx.msg.vias().size() + "\"\r\n";
    }

    /**
     * Core {@code forward()}: the request leaves statelessly, with the script's changes, to
     * {@code host:port} when given, else to {@code $du} or the Request-URI; {@code proto} forces the
     * transport (forward_udp/tcp/tls), null keeps the URI's (none: UDP). The branch of our Via is a
     * hash of the request's own top Via, so a retransmission is forwarded with the same branch.
     * Returns 1, or -478 when the destination does not resolve, -477 when sending failed.
     */
    public long forward(MsgContext ctx, String host, int port, Protocol proto) {
        SipMessage m = ctx.msg;
        String ruri = ctx.requestUri();
        Destination to;
        if (host != null) {
            Protocol p = proto != null ? proto : Protocol.UDP;
            InetSocketAddress a = resolve(host, port > 0 ? port : p.isSecure() ? 5061 : 5060);
            to = a == null ? null : Destination.to(p, a);
            if (to != null && ctx.forcedSocket != null) {
                to = to.withForcedSocket(ctx.forcedSocket);
            }
        } else {
            to = destinationFor(ctx, ctx.du != null ? ctx.du : ruri);
            if (to != null && proto != null && to.protocol() != proto) {
                to = Destination.to(proto, to.address());
                if (ctx.forcedSocket != null) {
                    to = to.withForcedSocket(ctx.forcedSocket);
                }
            }
        }
        if (to == null) {
            return -478;
        }
        Via top = m.topVia();
        String seed = (top.branch() != null ? top.branch() : m.callId() + m.cseq().number()) + top.host() + top.port()
                + (m.methodName().equals("CANCEL") || m.methodName().equals("ACK") ? "INVITE" : m.methodName());
        String branch = "z9hG4bKsw" + Integer.toHexString(seed.hashCode()) + Integer.toHexString(seed.length());
        boolean sent = tm.forwardStateless(new TransactionLayer.Target(to, branchRequest(ctx, ruri, to)), branch);
        if (!sent) {
            return -477;
        }
        fwdRequests.increment();
        return 1;
    }

    /**
     * The transaction of the request in {@code ctx}, created now if need be (t_newtran, t_reply,
     * t_relay), with what {@code t_set_fr} asked for before it existed; null for a retransmission
     * (the last reply has been resent).
     */
    public ServerTransaction transaction(MsgContext ctx) {
        if (ctx.st == null) {
            ctx.st = tm.create(ctx.msg, ctx.from, ctx.replyTo);
            if (ctx.st != null && (ctx.frInvTimeout > 0 || ctx.frTimeout > 0)) {
                tm.setFr(ctx.st, ctx.frInvTimeout, ctx.frTimeout);
            }
        }
        return ctx.st;
    }

    /** t_relay(): the branches of the request in {@code ctx}, through its transaction. */
    public long relay(MsgContext ctx) {
        SipMessage m = ctx.msg;
        String method = m.methodName();
        if (method.equals("CANCEL")) {
            ServerTransaction invite = tm.inviteFor(m);
            if (invite != null) {
                tm.cancel(invite, m, ctx.replyTo);
                return 1;
            }
        }
        String ruri = ctx.requestUri();
        if (method.equals("ACK") || method.equals("CANCEL")) {
            Destination main = destinationFor(ctx, ctx.du != null ? ctx.du : ruri);
            if (main == null) {
                return -478;
            }
            fwdRequests.increment();
            return tm.forwardStateless(new TransactionLayer.Target(main, branchRequest(ctx, ruri, main))) ? 1 : -477;
        }
        if (ctx.st == null && transaction(ctx) == null) {
            return 1; // a retransmission: the last reply went again
        }
        ctx.st.failureRoute = ctx.failureRoute;
        ctx.st.onReplyRoute = ctx.onReplyRoute;
        if (ctx.st.scriptState == null) {
            ctx.st.scriptState = ctx; // failure_route starts from the request as request_route left it
        }
        tm.sendTrying(ctx.st); // before the branches are built: DNS or a branch_route may take a while
        // t_on_branch arms one t_relay: a failure_route that forks again arms it anew (Kamailio resets it)
        CompiledScript.Entry onBranch = ctx.branchRoute == null ? null : ctx.branchRoute.entry();
        ctx.branchRoute = null;
        List<TransactionLayer.Target> targets = new ArrayList<>();
        int dropped = addBranch(ctx, onBranch, ruri, ctx.du, targets);
        for (String[] b : ctx.branches) {
            dropped += addBranch(ctx, onBranch, b[0], b[1], targets);
        }
        ctx.branches.clear();
        if (targets.isEmpty()) {
            if (dropped > 0) {
                // every branch dropped in branch_route: Kamailio's E_CFG, answered 500 when the script ends
                ctx.delayedError = 500;
                ctx.delayedReason = "I'm terribly sorry, server error occurred (6/TM)";
                return -6;
            }
            ctx.delayedError = 478;
            ctx.delayedReason = "Unresolvable destination (478/SL)";
            return -478;
        }
        int sent = tm.relay(ctx.st, targets);
        if (sent == 0) {
            ctx.delayedError = 477;
            ctx.delayedReason = "Unfortunately error on sending to next hop occurred (477/TM)";
            return -477;
        }
        fwdRequests.increment();
        return 1;
    }

    /**
     * One branch of a t_relay to {@code uri} (next hop {@code du}, or the URI). With a branch_route
     * armed, it runs first on a copy of the request state made for this branch alone: its changes
     * to {@code $ru}, {@code $du}, {@code $fs} and headers stay with the branch, and {@code drop}
     * cancels it. Returns 1 when the branch was dropped, else 0 (an unresolvable one is skipped).
     */
    private int addBranch(MsgContext ctx, CompiledScript.Entry onBranch, String uri, String du,
                          List<TransactionLayer.Target> targets) {
        MsgContext b = ctx;
        if (onBranch != null) {
            b = new MsgContext(ctx.msg, ctx.from);
            b.inheritChanges(ctx);
            b.shareVarsWith(ctx);
            b.ruri = uri;
            b.du = du;
            b.st = ctx.st;
            b.replyTo = ctx.replyTo;
            b.failureRoute = ctx.failureRoute;
            b.onReplyRoute = ctx.onReplyRoute;
            b.branchIndex = tm.branchCodes(ctx.st).size() + targets.size();
            onBranch.run(b);
            if (b.dropped()) {
                return 1;
            }
            uri = b.requestUri();
            du = b.du;
        }
        Destination d = destinationFor(b, du != null ? du : uri);
        if (d != null) {
            targets.add(new TransactionLayer.Target(d, branchRequest(b, uri, d)));
        }
        return 0;
    }
}
