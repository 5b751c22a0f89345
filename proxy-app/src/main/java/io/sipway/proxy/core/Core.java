package io.sipway.proxy.core;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.sip.SipMessage;
import io.sipway.sip.Via;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import io.sipway.transport.SipResolver;
import io.sipway.transport.Transport;
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
    final DropLog drops = new DropLog(LOG, System::nanoTime);

    private final Statistics stats = new Statistics();
    // the counters every message touches, held rather than looked up by name per message
    final LongAdder rcvRequests = stats.counter("core:rcv_requests");
    final LongAdder rcvReplies = stats.counter("core:rcv_replies");
    final LongAdder fwdRequests = stats.counter("core:fwd_requests");
    /** Requests refused a transaction because tm's memory budget was reached (an overload). */
    final LongAdder transactionsRefused = stats.counter("core:transactions_refused");
    /** Kamailio's E_OUT_OF_MEM (error.h): what a function fails with when memory is exhausted. */
    public static final int E_OUT_OF_MEM = -2;
    /** Where the routes that may wait run ({@code children} threads). */
    final RouteWorkers workers = new RouteWorkers(this);
    /** Whether request_route / reply_route can reach a function that may wait: decided once, at attach. */
    boolean requestWaits;
    boolean replyWaits;
    volatile Transport transport;
    volatile TransactionLayer tm;
    /** Set last by {@link #attach}: until then there is no script to run a message through. */
    volatile boolean attached;
    CompiledScript.Entry requestRoute;
    CompiledScript.Entry replyRoute;
    private CompiledScript script;
    boolean sipWarning;
    private volatile int serverId;
    /** Kamailio's default debug level is 0 (L_WARN); the harness of a test may raise it. */
    private volatile int debug;
    private final SharedVariables shared = new SharedVariables();
    private final HttpRequests http = new HttpRequests(this);
    private final Inbound inbound = new Inbound(this);
    private final ModuleHooks hooks = new ModuleHooks();
    /** The bound listeners, taken once at attach: isMyself runs per in-dialog request. */
    List<SendSocket> listeners = List.of();
    /** The routes functions armed by name (t_on_failure, t_on_branch, t_on_reply), resolved at attach. */
    private final Map<String, RouteRef> armedRoutes = new ConcurrentHashMap<>();
    /** The server_header line of the replies the core writes (sl, sanity), null with server_signature=no. */
    public String server = Signature.serverHeader();
    private volatile SipResolver resolver;
    private final java.time.Instant startedAt = java.time.Instant.now();
    final Myself myself = new Myself(this);
    final NextHops hops = new NextHops(this);
    final BranchRequests branchRequests = new BranchRequests(this);
    final Relay relay = new Relay(this);
    private final UacRequests uac = new UacRequests(this);
    private final WithinRequests within = new WithinRequests(this);
    private volatile java.nio.file.Path configFile;
    /** The compiled log_prefix, or null when the script sets none. */
    private volatile io.sipway.proxy.log.LogPrefix.Source logPrefix;

    public void attach(Transport transport, TransactionLayer tm, CompiledScript script) {
        attach(transport, tm, script, null);
    }

    /**
     * Starts serving the script over this transport and tm; names resolve through {@code resolver}
     * (null: a resolver with Kamailio's DNS defaults on one of the transport's loops).
     */
    public void attach(Transport transport, TransactionLayer tm, CompiledScript script, SipResolver resolver) {
        this.resolver = resolver != null ? resolver : transport.resolverBuilder().build();
        this.transport = transport;
        this.tm = tm;
        this.script = script;
        this.listeners = transport.sockets();
        this.requestRoute = script.entry(Ast.RouteType.REQUEST, null);
        this.replyRoute = script.entry(Ast.RouteType.REPLY, null);
        this.requestWaits = requestRoute != null && requestRoute.mayWait();
        this.replyWaits = replyRoute != null && replyRoute.mayWait();
        workers.ensureStarted();
        branchRequests.recordRouteSettings((int) ModParams.number(script, "rr", "enable_double_rr", 1),
                ModParams.number(script, "rr", "append_fromtag", 1) != 0, ModParams.number(script, "rr", "enable_full_lr", 0) != 0);
        for (RouteRef r : armedRoutes.values()) {
            r.resolve(script);
        }
        attached = true; // volatile: the loops see everything above once they see this
    }

    /**
     * Kamailio's {@code children}: how many workers run the routes that may wait (docs/ARCHITECTURE.md,
     * "Functions that may wait"); before {@link #attach}. Without it, Kamailio's default, 8.
     */
    public void workers(int children) {
        workers(children, children * Workers.QUEUE_PER_WORKER);
    }

    /** The same with {@code queue} messages waiting at most beyond the ones running (a test's small bound). */
    public void workers(int children, int queue) {
        workers.size(children, queue);
    }

    /** The workers the script's processes make ({@code children} and {@code tcp_children}), unless set before {@link #attach}. */
    public void workersFromScript(int count) {
        workers.sizeUnlessSized(count);
    }

    /** How many workers run the routes that may wait. */
    public int workerCount() {
        return workers.threads();
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
        return ModParams.text(script, module, param, def);
    }

    /** Every value written for a modparam, in the script's order (db_redis' keys adds up its values). */
    public List<String> modparams(String module, String param) {
        return ModParams.all(script, module, param);
    }

    /** An {@code alias=[proto:]host[:port]} name of ours; proto null = any, port 0 = any. */
    public record Alias(String proto, String host, int port) {
        /** As Kamailio's startup banner prints it: {@code udp: host:port}, {@code *} for any. */
        @Override
        public String toString() {
            return (proto == null ? "*" : proto) + ": " + host + ":" + (port == 0 ? "*" : Integer.toString(port));
        }
    }

    /** What modules hook into the core: transaction observers, rr callbacks, outbound, stateless reply taps. */
    public ModuleHooks hooks() {
        return hooks;
    }

    /** HTTP requests and WebSocket closings on the stream listeners (xhttp, xmlrpc, websocket). */
    public HttpRequests http() {
        return http;
    }

    /** {@code $shv} and shvset: the proxy's shared variables. */
    public SharedVariables sharedVariables() {
        return shared;
    }

    /** {@code debug=}: the highest Kamailio log level printed (xlog above it is silent). */
    public void debug(int level) {
        this.debug = level; // xlog and acc compare their lines' levels with it (io.sipway.proxy.log.ScriptLog)
    }

    /** The script's debug= level. */
    public int debugLevel() {
        return debug;
    }

    /** {@code log_prefix} compiled (null: none): what lines logged while a message is processed start with. */
    public void logPrefix(io.sipway.proxy.log.LogPrefix.Source prefix) {
        this.logPrefix = prefix;
    }

    public io.sipway.proxy.log.LogPrefix.Source logPrefix() {
        return logPrefix;
    }

    /** The script file the proxy runs: modules find their files beside it (dispatcher's dispatcher.list). */
    public void configFile(java.nio.file.Path file) {
        configFile = file;
    }

    /** The script file the proxy runs, or null (a core without one: tests of the core alone). */
    public java.nio.file.Path configFile() {
        return configFile;
    }

    /** The core parameter {@code server_id}: this instance's number among those sharing a store. */
    public int serverId() {
        return serverId;
    }

    public void serverId(int id) {
        this.serverId = id;
    }

    /** {@code sip_warning=1}: local replies carry a Warning header telling how the request was seen. */
    public void sipWarning(boolean on) {
        this.sipWarning = on;
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
        return stats.value(name);
    }

    public void count(String name) {
        stats.counter(name).increment();
    }

    /** The counter "group:name", made on first use (the statistics module adds, subtracts and resets it). */
    public LongAdder statistic(String name) {
        return stats.counter(name);
    }

    /**
     * The counter a script names without its group ({@code $stat(rcv_requests)}, {@code $stat(my_counter)}):
     * the first kept whose name after the group is {@code name}, or null.
     */
    public LongAdder statisticNamed(String name) {
        return stats.named(name);
    }

    /** Every counter the core and its modules keep, by Kamailio's "group:name", sorted (for the RPC and metrics). */
    public java.util.SortedMap<String, Long> stats() {
        return stats.snapshot();
    }

    /** usrloc's tables by name ("location"), as registrar made them (for ul.dump). */
    public Map<String, io.sipway.proxy.location.LocationStore> locationTables() {
        return locationTables.all();
    }

    /** When this core was made (core.uptime). */
    public java.time.Instant startedAt() {
        return startedAt;
    }

    /** Releases what the core holds beyond the transport (the resolver's sockets). */
    public void close() {
        workers.close(); // what is queued runs first (for up to 2 s): the hooks and the database pools after
        List<Runnable> hooks;
        synchronized (closeHooks) {
            hooks = new java.util.ArrayList<>(closeHooks);
            closeHooks.clear();
        }
        for (int i = hooks.size() - 1; i >= 0; i--) { // the last registered first, before the databases close
            try {
                hooks.get(i).run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Core.class).error("at shutdown: {}", e.toString());
            }
        }
        databases.close();
        SipResolver r = resolver;
        if (r != null) {
            r.close();
        }
    }

    /**
     * Runs {@code hook} when the core closes, before the databases do (Kamailio's module destroy:
     * htable writes its dbmode=1 tables back, usrloc its db_mode 2 changes, timers stop); the last
     * registered runs first.
     */
    public void onClose(Runnable hook) {
        synchronized (closeHooks) {
            closeHooks.add(hook);
        }
    }

    private final List<Runnable> closeHooks = new java.util.ArrayList<>();

    /** Names to addresses (RFC 3263), never waiting on a loop. */
    SipResolver resolver() {
        return resolver;
    }

    /** The proxy's resolver, for the modules that ask the DNS themselves (enum's NAPTR lookups). */
    public SipResolver sipResolver() {
        return resolver;
    }

    /** The databases the modules' db_url parameters name: one pool per URL, closed with the core. */
    public io.sipway.proxy.db.Databases databases() {
        return databases;
    }

    private final io.sipway.proxy.db.Databases databases = new io.sipway.proxy.db.Databases(DB_POOL_SIZE);
    /** Connections per SQL database: the workers that may wait on one (docs/ARCHITECTURE.md). */
    private static final int DB_POOL_SIZE = 8;

    /** usrloc's table of that name ("location"), made on first use. */
    public io.sipway.proxy.location.LocationStore locationTable(String name) {
        return locationTables.table(name);
    }

    /** How usrloc's tables are made from now on (its db_mode, at start); the tables made before are made again. */
    public void locationStores(java.util.function.Function<String, io.sipway.proxy.location.LocationStore> factory) {
        locationTables.factory(factory);
    }

    private final LocationTables locationTables = new LocationTables();

    // ---- receiving -----------------------------------------------------------------------------

    /** Shows every message received from now on to {@code tap} (siptrace's trace_mode 1), on the loop that read it. */
    public void tapReceived(java.util.function.BiConsumer<byte[], ReceiveInfo> tap) {
        inbound.tap = tap;
    }

    /** Transport's Inbound: one message and where it came from (see {@link Inbound}). */
    public void receive(byte[] bytes, ReceiveInfo from) {
        inbound.receive(bytes, from);
    }

    /**
     * From now on new requests are dropped (counted as sipway:drained_requests) while dialogs,
     * CANCEL, ACK, retransmissions and replies still go through: the transactions in progress can end.
     */
    public void drain() {
        inbound.draining = true;
    }

    // ---- what modules ask of the core (the work is done by Myself, NextHops, BranchRequests, Relay) ----

    /** {@code alias=} as Kamailio writes it: {@code [proto:]host[:port]}; the host is matched without case. */
    public void addAlias(String spec) {
        myself.addAlias(spec);
    }

    /** Kamailio's {@code auto_aliases}: the reverse-DNS names of the listeners become aliases. */
    public void addAutoAliases(List<SendSocket> sockets) {
        myself.addAutoAliases(sockets);
    }

    /**
     * Adds a module's test of a host to {@code myself} (Kamailio's register_check_self_func: domain's
     * register_myself), asked when the host is none of the listeners and aliases.
     */
    public void addMyselfCheck(java.util.function.Predicate<String> hostCheck) {
        myself.addCheck(hostCheck);
    }

    /** The aliases, as the start-up banner lists them. */
    public List<Alias> aliases() {
        return myself.aliases();
    }

    /** Kamailio's {@code myself} test of a SIP URI or an address. */
    public boolean isMyselfText(String s) {
        return myself.isMyselfText(s);
    }

    /** Whether host:port names one of our listeners or an alias (port 0: the default port; -1: any port). */
    public boolean isMyself(String host, int port, Protocol p) {
        return myself.isMyself(host, port, p);
    }

    /** Where replies to a request go (RFC 3261 18.2.2 with RFC 3581). */
    public Destination replyDestination(SipMessage m, ReceiveInfo from) {
        return hops.replyDestination(m, from);
    }

    /**
     * The next hop for a URI ({@code $du} or the R-URI) with the script's forced socket: done at
     * once for an address or a cached name, else when DNS answers; its value is null when the URI
     * does not resolve.
     */
    public io.netty.util.concurrent.Future<Destination> destination(MsgContext ctx, String uriText) {
        return hops.destination(ctx, uriText);
    }

    /** The transport a URI's parameter names (none or unknown: UDP). */
    public static Protocol protocolOf(String transport) {
        return NextHops.protocolOf(transport);
    }

    /** A Record-Route value as rr writes it for a socket and protocol. */
    public String recordRouteFor(SendSocket s, Protocol proto, boolean r2, MsgContext ctx) {
        return branchRequests.recordRouteFor(s, proto, r2, ctx);
    }

    /** The request of one branch with the script's changes, for tm to put its Via on. */
    public TransactionLayer.BranchRequest branchRequest(MsgContext ctx, String ruri, Destination to) {
        return branchRequests.branchRequest(ctx, ruri, to);
    }

    /** A branch to {@code ruri} whose Route gets {@code path} (a binding's Path) on top; null: none. */
    public TransactionLayer.BranchRequest branchRequest(MsgContext ctx, String ruri, String path, Destination to) {
        return branchRequests.branchRequest(ctx, ruri, path, to);
    }

    /** A stateless reply (sl_send_reply) to the request of {@code ctx}. */
    public void statelessReply(MsgContext ctx, int code, String reason) {
        relay.statelessReply(ctx, code, reason, null);
    }

    /** The same with header lines of its own ({@code "Name: value\r\n"} each). */
    public void statelessReply(MsgContext ctx, int code, String reason, String headers) {
        relay.statelessReply(ctx, code, reason, headers);
    }

    /** Core forward(): stateless; 1, -478 unresolvable, -477 not sent. */
    public long forward(MsgContext ctx, String host, int port, Protocol proto) {
        return relay.forward(ctx, host, port, proto);
    }

    /** The transaction of the request, created now if need be; null for a retransmission. */
    public ServerTransaction transaction(MsgContext ctx) {
        return relay.transaction(ctx);
    }

    /** t_relay(). */
    public long relay(MsgContext ctx) {
        return relay.relay(ctx);
    }

    /**
     * Kamailio's t_request / t_uac for modules (uac_req_send, dispatcher's probes, dialog's BYEs):
     * sends {@code r} through tm as a client transaction of its own (Timers A/B or E/F, a local 408 on
     * timeout, the ACK of a negative INVITE reply) to the outbound URI or else the Request-URI,
     * resolved as t_relay resolves without waiting. Callable from any thread, never waits.
     *
     * <p>{@code replies} runs on an event loop, must not block (see {@link io.sipway.tm.LocalReplies}),
     * and hears the provisional replies, then exactly one final one: the reply received, or one of tm's
     * with a null reply (408 timeout, 477 not sent, and, when the name resolved only after this
     * returned, 478 it did not resolve or 500 tm refused it for memory, with a null request too).
     * Returns false when nothing was sent and nothing will be heard: no proxy running, a URI that
     * does not parse or resolve, tm's memory budget full.
     */
    public boolean request(LocalRequest r, io.sipway.tm.LocalReplies replies) {
        return uac.send(r, replies);
    }

    /**
     * Kamailio's t_request_within for modules (dialog's BYEs): sends {@code r} inside its dialog
     * through tm as {@link #request} sends a new one (same timers, same replies heard), to the first
     * route when it is a loose router, else to the remote target. Callable from any thread, never waits;
     * false when nothing was sent.
     */
    public boolean requestWithin(WithinRequest r, io.sipway.tm.LocalReplies replies) {
        return within.send(r, replies);
    }

    /**
     * A request within what an earlier one began (Kamailio's t_request_within with the dialog taken
     * from a reply, as uac answers a challenge): as {@link #request}, with the given From tag and
     * CSeq number ({@code r.callId()} the same Call-ID).
     */
    public boolean requestWithin(LocalRequest r, String fromTag, long cseq, io.sipway.tm.LocalReplies replies) {
        return uac.send(r, replies, fromTag, cseq);
    }

    /**
     * Runs an event route a module raises ({@code event_route[uac:reply]}) for {@code ctx}: here when
     * it cannot reach a function that may wait, else on a worker (counted and logged when their queue
     * is full: {@code what} says what was not run). {@code around} wraps the run on the thread that
     * runs it (a module's per-thread state for the route), or is null.
     */
    public void runEventRoute(CompiledScript.Entry route, MsgContext ctx, String what, java.util.function.Consumer<Runnable> around) {
        Runnable run = around == null ? () -> route.run(ctx) : () -> around.accept(() -> route.run(ctx));
        if (!route.mayWait()) {
            run.run();
        } else if (!workers.run(ctx.msg, ctx.from, run)) {
            workers.queueFull(what + " not run");
        }
    }
}
