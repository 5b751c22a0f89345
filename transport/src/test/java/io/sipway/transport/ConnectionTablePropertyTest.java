package io.sipway.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of the connection table (DESIGN.md, "The connection table"), against a reference model.
 *
 * <p>A scenario is a list of operations as data (add, upgrade, alias, remove), so that jqwik shrinks a
 * failure to the few operations that matter. Each scenario is applied both to a {@link ConnectionTable}
 * and to {@link Model}, a deliberately simple reading of the DESIGN.md rules over plain lists in
 * insertion order:
 *
 * <ul>
 *   <li>an id lookup returns the open connection with that id whatever the destination says; a gone id
 *       falls back to the address;</li>
 *   <li>an address lookup considers the live entries under (remote ip, port): a connection's own remote
 *       port and each of its port aliases;</li>
 *   <li>which kinds a destination may use, in order: tcp: TCP; tls: TLS; ws: WSS then WS; wss: WSS;
 *       udp: none;</li>
 *   <li>the local side counts only with {@code tcp_connection_match=1} and a forced socket: the
 *       connection's local IP must be the socket's; with {@code tcp_reuse_port=yes} its local port too,
 *       with {@code no} the socket's port is preferred over another port on that IP;</li>
 *   <li>the best is the lowest (kind preference, local preference); among equals the newest ENTRY under
 *       the key wins (Kamailio pushes every alias at the bucket head, KAMAILIO.md 1.2/1.3; so a port
 *       alias added later to an older connection beats a newer connection whose own port it is).</li>
 * </ul>
 *
 * <p>Remote addresses come from a small pool (127.0.0.1-3, ::1, and the IPv4-compatible IPv6 address
 * ::127.0.0.2, which must not collide with 127.0.0.2), remote and alias ports mostly from a small set,
 * so that several connections share an address:port under every mix of kinds and local sides.
 */
class ConnectionTablePropertyTest {

    // ---- the world ----------------------------------------------------------------------------

    private static final List<InetAddress> REMOTE_IPS = List.of(
            ip("127.0.0.2"), ip("127.0.0.3"), ip("127.0.0.1"), ip("::1"), ip("::127.0.0.2"));
    /** An address no connection ever has. */
    private static final InetAddress NOBODY = ip("127.0.0.9");
    private static final List<Integer> COMMON_PORTS = List.of(5060, 40000, 5061, 40001);
    /** A port no generated connection or alias is likely to have (random ports may still hit it: fine). */
    private static final int RARE_PORT = 9;

    private static final List<InetSocketAddress> TCP_LISTENERS = List.of(
            sa("127.0.0.1", 5060), sa("127.0.0.5", 5060), sa("127.0.0.1", 5080), sa("::1", 5060));
    private static final List<InetSocketAddress> TLS_LISTENERS = List.of(
            sa("127.0.0.1", 5061), sa("::1", 5061), sa("127.0.0.5", 5061));
    /** Local sides of outbound connections: bound to a listener's IP, an ephemeral port. */
    private static final List<InetSocketAddress> OUTBOUND_LOCALS = List.of(
            sa("127.0.0.1", 50000), sa("127.0.0.5", 50001), sa("::1", 50002));
    /** Every socket a destination may force: the listeners, and one on an IP nothing is bound to. */
    private static final List<SendSocket> SOCKETS = sockets();

    private static final Protocol[] ALL_PROTOCOLS = Protocol.values();

    // ---- operations, as data -------------------------------------------------------------------

    /** One step of a scenario; {@code #n} names the (n mod count)-th connection added so far. */
    sealed interface Op permits Add, Upgrade, Alias, Remove {
    }

    /**
     * A new connection; WS and WSS are added as TCP and TLS and upgraded at once. The local side is
     * {@code localChoice} into the family's listeners followed by the outbound local addresses.
     */
    record Add(Protocol kind, InetSocketAddress remote, int localChoice) implements Op {
        InetSocketAddress local() {
            List<InetSocketAddress> listeners = kind.isSecure() ? TLS_LISTENERS : TCP_LISTENERS;
            return localChoice < listeners.size() ? listeners.get(localChoice)
                    : OUTBOUND_LOCALS.get((localChoice - listeners.size()) % OUTBOUND_LOCALS.size());
        }

        @Override
        public String toString() {
            return "add " + kind.text() + " " + text(remote) + " <- " + text(local());
        }
    }

    /** A later WebSocket handshake on connection #n (skipped when it already is WS/WSS). */
    record Upgrade(int n) implements Op {
        @Override
        public String toString() {
            return "upgrade #" + n;
        }
    }

    /** A port alias on connection #n. */
    record Alias(int n, int port) implements Op {
        @Override
        public String toString() {
            return "alias #" + n + " port " + port;
        }
    }

    /** Connection #n closes (it may already be closed). */
    record Remove(int n) implements Op {
        @Override
        public String toString() {
            return "remove #" + n;
        }
    }

    /** A random destination: protocol, address, forced socket or null, and an id reference. */
    record Probe(Protocol protocol, InetAddress ip, int port, SendSocket socket, int idRef) {
        static final int NO_ID = -1;
        static final int UNKNOWN_ID = -2;

        @Override
        public String toString() {
            return protocol.text() + ":" + text(new InetSocketAddress(ip, port)) + (socket == null ? "" : " via " + socket)
                    + (idRef == NO_ID ? "" : idRef == UNKNOWN_ID ? " id=unknown" : " id=#" + idRef);
        }
    }

    // ---- generators ------------------------------------------------------------------------------

    private static Arbitrary<Integer> ports() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(4, Arbitraries.of(COMMON_PORTS)),
                Tuple.of(1, Arbitraries.integers().between(1, 65535))));
    }

    /** Mostly one of the family's listeners (3 or 4 of them), sometimes an outbound local address. */
    private static Arbitrary<Integer> localChoices() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(4, Arbitraries.integers().between(0, 3)),
                Tuple.of(1, Arbitraries.integers().between(4, 6))));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> add = Combinators.combine(Arbitraries.of(Protocol.TCP, Protocol.TLS, Protocol.WS, Protocol.WSS),
                        Arbitraries.of(REMOTE_IPS), ports(), localChoices())
                .as((kind, ip, port, local) -> new Add(kind, new InetSocketAddress(ip, port), local));
        Arbitrary<Integer> ref = Arbitraries.integers().between(0, 199);
        Arbitrary<Op> upgrade = ref.map(Upgrade::new);
        Arbitrary<Op> alias = Combinators.combine(ref, ports()).as(Alias::new);
        Arbitrary<Op> remove = ref.map(Remove::new);
        return Arbitraries.frequencyOf(List.of(
                        Tuple.of(10, add),
                        Tuple.of(2, upgrade),
                        Tuple.of(5, alias),
                        Tuple.of(4, remove)))
                .list().ofMinSize(1).ofMaxSize(400).withSizeDistribution(RandomDistribution.uniform())
                .filter(ops -> {
                    long adds = ops.stream().filter(o -> o instanceof Add).count();
                    return adds >= 1 && adds <= 200;
                });
    }

    @Provide
    Arbitrary<List<Probe>> probes() {
        Arbitrary<InetAddress> ips = Arbitraries.frequencyOf(List.of(
                Tuple.of(5, Arbitraries.of(REMOTE_IPS)),
                Tuple.of(1, Arbitraries.just(NOBODY))));
        Arbitrary<SendSocket> socket = Arbitraries.of(SOCKETS).injectNull(0.3);
        Arbitrary<Integer> idRef = Arbitraries.frequencyOf(List.of(
                Tuple.of(6, Arbitraries.just(Probe.NO_ID)),
                Tuple.of(3, Arbitraries.integers().between(0, 199)),
                Tuple.of(1, Arbitraries.just(Probe.UNKNOWN_ID))));
        return Combinators.combine(Arbitraries.of(ALL_PROTOCOLS), ips, ports(), socket, idRef).as(Probe::new)
                .list().ofMaxSize(60);
    }

    // ---- property 1: where a message came from finds the connection it came on ---------------------

    /**
     * For every live connection c and every destination a registrar, nathelper or loose_route would
     * build from a message that came on c (protocol: tcp for TCP, tls for TLS, ws for WS and WSS, and
     * also wss for WSS as a Via says it; address: c's remote address or one of its port aliases;
     * forced socket: none, or the tcp:/tls: socket of c's local side), the table finds c itself unless
     * another live connection under that address:port is preferred by the rules (a better kind, a
     * better local side, or an equal one whose entry is newer), and then it finds that one; it never
     * finds nothing. And for every destination at all (those, a grid over the address pool, every
     * protocol and socket, id destinations, and random probes) {@code table.find(d) == model.find(d)}.
     */
    @Property(tries = 1000)
    void aDestinationBuiltFromWhereAMessageCameFromFindsThatConnection(
            @ForAll("operations") List<Op> ops, @ForAll boolean connectionMatch, @ForAll boolean reusePort,
            @ForAll("probes") List<Probe> probes) {
        World w = World.build(ops, connectionMatch, reusePort, world -> { });
        int shadowed = 0;
        for (MConn c : w.model.live()) {
            for (int port : c.keyPorts()) {
                InetSocketAddress where = new InetSocketAddress(c.remote.getAddress(), port);
                for (Protocol spelling : originSpellings(c.kind())) {
                    for (SendSocket forced : new SendSocket[] {null, new SendSocket(c.family, c.local)}) {
                        Destination d = forced == null ? Destination.to(spelling, where)
                                : Destination.to(spelling, where).withForcedSocket(forced);
                        Connection found = w.table.find(d);
                        List<MConn> better = w.model.preferredOver(c, d);
                        if (better.isEmpty()) {
                            w.require(found == c.real, d, () -> "the connection the message came on, " + c.real
                                    + " (nothing preferred shares " + text(where) + ")", found);
                        } else {
                            shadowed++;
                            w.require(found != null && better.stream().anyMatch(b -> b.real == found), d,
                                    () -> "one of the connections preferred over " + c.real + ": " + reals(better), found);
                        }
                        w.requireModel(d);
                    }
                }
            }
        }
        for (Destination d : w.grid()) {
            w.requireModel(d);
        }
        for (MConn c : w.model.all) { // id destinations: replies, $conid, a stored tcpconn_id
            for (Protocol p : ALL_PROTOCOLS) {
                w.requireModel(Destination.to(p, new InetSocketAddress(NOBODY, 1)).withConnectionId(c.real.id()));
            }
            w.requireModel(Destination.to(Protocol.WS, c.remote).withConnectionId(c.real.id()));
        }
        for (Probe p : probes) {
            w.requireModel(w.destination(p));
        }
        w.table.checkConsistency();
        w.requireSize();
        Statistics.label("connections").collect(bucket(w.model.all.size()));
        Statistics.label("an origin destination finds a preferred other connection").collect(shadowed > 0);
    }

    /**
     * What "newest" means, pinned down (the model's tie rule): among equally preferred connections the
     * newest ENTRY under the address:port wins, not the newest connection. A port alias added to an
     * older connection after a newer connection arrived from that very port takes the port over, as
     * in Kamailio (aliases are pushed at the bucket head, {@code TCP_ALIAS_FORCE_ADD}); the newer
     * connection's own origin destination then finds the older one.
     */
    @Example
    void aPortAliasAddedLaterTakesOverThePortFromANewerConnection() {
        World w = World.build(List.of(
                new Add(Protocol.TCP, sa("127.0.0.2", 5060), 0),
                new Add(Protocol.TCP, sa("127.0.0.2", 40000), 0),
                new Alias(0, 40000)), false, false, world -> { });
        Connection older = w.model.all.get(0).real;
        Destination origin = Destination.to(Protocol.TCP, sa("127.0.0.2", 40000));
        w.require(w.table.find(origin) == older, origin, () -> older + ", whose alias entry is the newest", w.table.find(origin));
        w.requireModel(origin);
        w.table.checkConsistency();
    }

    // ---- property 2: security of the kinds ----------------------------------------------------------

    /**
     * For any table and any address destination (ids are exempt: an id lookup never fails on
     * protocol, by design), with any forced socket or none: tcp finds only TCP, tls only TLS, wss
     * only WSS (never downgraded), ws only WS or WSS, udp nothing; what is found is live and reachable
     * under that address:port; a ws destination never returns WS while a WSS connection under the
     * same address:port is eligible under the same local-side rule; and when any allowed connection
     * is eligible, something is found (no spelling hides a connection).
     */
    @Property(tries = 1000)
    void plainDataNeverLeavesOnAConnectionOfTheWrongSecurity(
            @ForAll("operations") List<Op> ops, @ForAll boolean connectionMatch, @ForAll boolean reusePort,
            @ForAll("probes") List<Probe> probes) {
        World w = World.build(ops, connectionMatch, reusePort, world -> { });
        List<Destination> destinations = new ArrayList<>(w.grid());
        for (Probe p : probes) {
            destinations.add(w.destination(new Probe(p.protocol(), p.ip(), p.port(), p.socket(), Probe.NO_ID)));
        }
        boolean wssOverWs = false;
        List<MConn> live = w.model.live();
        for (Destination d : destinations) {
            Connection found = w.table.find(d);
            Protocol wanted = d.protocol();
            if (found != null) {
                Protocol kind = found.protocol();
                boolean allowed = switch (wanted) {
                    case TCP -> kind == Protocol.TCP;
                    case TLS -> kind == Protocol.TLS;
                    case WSS -> kind == Protocol.WSS;
                    case WS -> kind == Protocol.WS || kind == Protocol.WSS;
                    case UDP -> false;
                };
                w.require(allowed, d, () -> "a connection a " + wanted.text() + " destination may use", found);
                if (wanted == Protocol.TLS || wanted == Protocol.WSS) {
                    w.require(kind.isSecure(), d, () -> "a secure connection", found);
                }
                w.require(found.isOpen() && w.table.byId(found.id()) == found, d, () -> "a live connection", found);
                w.require(found.remote().getAddress().equals(d.address().getAddress())
                        && (found.remote().getPort() == d.address().getPort()
                            || contains(found.aliasPorts(), d.address().getPort())), d,
                        () -> "a connection reachable under " + text(d.address()), found);
            }
            List<MConn> eligible = new ArrayList<>();
            for (MConn c : live) {
                if (c.remote.getAddress().equals(d.address().getAddress()) && c.keyPorts().contains(d.address().getPort())
                        && allowedKinds(wanted).contains(c.kind()) && w.localEligible(c, d.forcedSocket())) {
                    eligible.add(c);
                }
            }
            if (!eligible.isEmpty()) {
                w.require(found != null, d, () -> "one of the eligible " + reals(eligible), found);
            }
            if (wanted == Protocol.WS && eligible.stream().anyMatch(c -> c.kind() == Protocol.WSS)) {
                w.require(found != null && found.protocol() == Protocol.WSS, d,
                        () -> "a WSS connection, since one is eligible: " + reals(eligible), found);
                wssOverWs |= eligible.stream().anyMatch(c -> c.kind() == Protocol.WS);
            }
        }
        w.table.checkConsistency();
        w.requireSize();
        Statistics.label("a ws destination had both WSS and WS eligible").collect(wssOverWs);
    }

    // ---- property 3: consistency and removal ---------------------------------------------------------

    /**
     * After every operation the table is consistent ({@code checkConsistency()}), its size is the
     * number of live connections, it lists exactly the live connections with the kinds and aliases
     * they should have; a removed connection is closed and never found again, by id (byId, or an id
     * destination) or by any address destination under its remote port or aliases, any protocol, any
     * forced socket.
     */
    @Property(tries = 500)
    void removedConnectionsAreNeverFoundAndTheTableStaysConsistent(
            @ForAll("operations") List<Op> ops, @ForAll boolean connectionMatch, @ForAll boolean reusePort) {
        World w = World.build(ops, connectionMatch, reusePort, world -> {
            world.table.checkConsistency();
            world.requireSize();
            world.requireListing();
            if (world.lastOp instanceof Remove && world.lastTarget != null) {
                world.requireGone(world.lastTarget);
            }
            for (MConn r : world.model.removed()) {
                world.check(world.table.byId(r.real.id()) == null, () -> "byId(" + r.real.id() + ") of removed " + r.real
                        + " gives " + world.table.byId(r.real.id()));
            }
        });
        for (MConn r : w.model.removed()) {
            w.requireGone(r);
        }
        Statistics.label("removed connections").collect(bucket(w.model.removed().size()));
    }

    // ---- applying a scenario -----------------------------------------------------------------------

    /** A table and its model, built by the same operations, and the trace a failure prints. */
    static final class World {
        final ConnectionTable table;
        final Model model;
        final boolean match;
        final boolean reuse;
        final StringBuilder trace = new StringBuilder();
        Op lastOp;
        MConn lastTarget;

        private World(boolean match, boolean reuse) {
            this.table = new ConnectionTable(match, reuse);
            this.model = new Model(match, reuse);
            this.match = match;
            this.reuse = reuse;
        }

        static World build(List<Op> ops, boolean match, boolean reuse, Consumer<World> afterEach) {
            World w = new World(match, reuse);
            for (Op op : ops) {
                w.apply(op);
                afterEach.accept(w);
            }
            return w;
        }

        private void apply(Op op) {
            lastOp = op;
            lastTarget = null;
            trace.append("  ").append(op);
            if (op instanceof Add a) {
                Protocol family = a.kind().isSecure() ? Protocol.TLS : Protocol.TCP;
                Connection c = table.add(family, a.remote(), a.local());
                MConn m = model.add(c, family, a.remote(), a.local());
                if (a.kind().isWebSocket()) {
                    table.upgradeToWebSocket(c);
                    model.upgrade(m);
                }
                trace.append("  => #").append(model.all.size() - 1).append(" = ").append(c);
            } else if (model.all.isEmpty()) {
                trace.append("  (no connection yet: skipped)");
            } else if (op instanceof Upgrade u) {
                MConn m = pick(u.n());
                lastTarget = m;
                if (m.webSocket) {
                    trace.append("  (").append(m.real).append(" already WebSocket: skipped)");
                } else {
                    table.upgradeToWebSocket(m.real);
                    model.upgrade(m);
                    trace.append("  => ").append(m.real);
                }
            } else if (op instanceof Alias al) {
                MConn m = pick(al.n());
                lastTarget = m;
                boolean got = table.addAlias(m.real, al.port());
                boolean expected = model.alias(m, al.port());
                trace.append("  => ").append(got).append(", ").append(m.real);
                check(got == expected, () -> "addAlias returned " + got + ", expected " + expected);
            } else if (op instanceof Remove r) {
                MConn m = pick(r.n());
                lastTarget = m;
                table.remove(m.real);
                model.remove(m);
                trace.append("  => ").append(m.real);
            }
            trace.append('\n');
        }

        private MConn pick(int n) {
            return model.all.get(n % model.all.size());
        }

        /** Every IP of the pool (and one nobody has) x common ports (and a rare one) x every protocol x no socket or each socket. */
        List<Destination> grid() {
            List<InetAddress> ips = new ArrayList<>(REMOTE_IPS);
            ips.add(NOBODY);
            List<Integer> ports = new ArrayList<>(COMMON_PORTS);
            ports.add(RARE_PORT);
            List<SendSocket> sockets = new ArrayList<>();
            sockets.add(null);
            sockets.addAll(SOCKETS);
            List<Destination> all = new ArrayList<>();
            for (InetAddress ip : ips) {
                for (int port : ports) {
                    for (Protocol p : ALL_PROTOCOLS) {
                        for (SendSocket s : sockets) {
                            Destination d = Destination.to(p, new InetSocketAddress(ip, port));
                            all.add(s == null ? d : d.withForcedSocket(s));
                        }
                    }
                }
            }
            return all;
        }

        Destination destination(Probe p) {
            Destination d = Destination.to(p.protocol(), new InetSocketAddress(p.ip(), p.port()));
            if (p.socket() != null) {
                d = d.withForcedSocket(p.socket());
            }
            if (p.idRef() == Probe.UNKNOWN_ID) {
                d = d.withConnectionId(987_654_321);
            } else if (p.idRef() != Probe.NO_ID && !model.all.isEmpty()) {
                d = d.withConnectionId(pick(p.idRef()).real.id());
            }
            return d;
        }

        boolean localEligible(MConn c, SendSocket forced) {
            return model.localRank(c, forced) >= 0;
        }

        void requireModel(Destination d) {
            Connection found = table.find(d);
            Connection expected = model.find(d);
            require(found == expected, d, () -> expected == null ? "nothing (model)" : expected + " (model)", found);
        }

        void require(boolean ok, Destination d, Supplier<String> expected, Connection found) {
            check(ok, () -> "destination " + describe(d) + ": expected " + expected.get() + ", table found "
                    + (found == null ? "nothing" : found));
        }

        void requireSize() {
            check(table.size() == model.live().size(), () -> "size() " + table.size() + ", live connections " + model.live().size());
        }

        /** The table lists exactly the live connections, with the kinds and aliases the model says. */
        void requireListing() {
            Set<Connection> listed = Collections.newSetFromMap(new IdentityHashMap<>());
            listed.addAll(table.connections());
            Set<Connection> live = Collections.newSetFromMap(new IdentityHashMap<>());
            for (MConn c : model.live()) {
                live.add(c.real);
                check(c.real.protocol() == c.kind(), () -> c.real + " should be " + c.kind().text());
                check(asList(c.real.aliasPorts()).equals(c.aliases), () -> c.real + " should have aliases " + c.aliases);
                check(c.real.isOpen(), () -> c.real + " should be open");
            }
            check(listed.equals(live), () -> "connections() lists " + listed + ", live are " + live);
        }

        /** A removed connection is closed and no id or address destination finds it. */
        void requireGone(MConn r) {
            check(!r.real.isOpen(), () -> "removed " + r.real + " is still open");
            check(table.byId(r.real.id()) == null, () -> "byId finds removed " + r.real);
            List<SendSocket> sockets = new ArrayList<>();
            sockets.add(null);
            sockets.add(new SendSocket(r.family, r.local));
            sockets.addAll(SOCKETS);
            for (Protocol p : ALL_PROTOCOLS) {
                Destination byId = Destination.to(p, r.remote).withConnectionId(r.real.id());
                Connection f = table.find(byId);
                check(f != r.real, () -> "id destination " + describe(byId) + " finds removed " + r.real);
                for (int port : r.keyPorts()) {
                    for (SendSocket s : sockets) {
                        Destination plain = Destination.to(p, new InetSocketAddress(r.remote.getAddress(), port));
                        Destination d = s == null ? plain : plain.withForcedSocket(s);
                        Connection found = table.find(d);
                        check(found != r.real, () -> "destination " + describe(d) + " finds removed " + r.real);
                        check(found == null || found.isOpen(), () -> "destination " + describe(d) + " finds closed " + found);
                    }
                }
            }
        }

        void check(boolean ok, Supplier<String> what) {
            if (!ok) {
                throw new AssertionError(what.get() + "\n  tcp_connection_match=" + (match ? 1 : 0) + " tcp_reuse_port="
                        + (reuse ? "yes" : "no") + "\n  operations (#n = the (n mod count)-th added connection):\n" + trace);
            }
        }
    }

    // ---- the reference model ------------------------------------------------------------------------

    /** A connection as the model knows it. */
    static final class MConn {
        final Connection real;
        final Protocol family;
        final InetSocketAddress remote;
        final InetSocketAddress local;
        final List<Integer> aliases = new ArrayList<>();
        boolean webSocket;
        boolean live = true;

        MConn(Connection real, Protocol family, InetSocketAddress remote, InetSocketAddress local) {
            this.real = real;
            this.family = family;
            this.remote = remote;
            this.local = local;
        }

        Protocol kind() {
            return !webSocket ? family : family == Protocol.TLS ? Protocol.WSS : Protocol.WS;
        }

        /** The remote ports it is reachable under: its own, then its aliases. */
        List<Integer> keyPorts() {
            List<Integer> ports = new ArrayList<>();
            ports.add(remote.getPort());
            ports.addAll(aliases);
            return ports;
        }
    }

    /** One key a connection is reachable under (its remote port, or an alias), in insertion order. */
    record MEntry(MConn conn, int port) {
    }

    record Key(InetAddress ip, int port) {
    }

    /** The DESIGN.md rules over plain lists in insertion order. */
    static final class Model {
        private static final Map<Protocol, List<Protocol>> ALLOWED = Map.of(
                Protocol.TCP, List.of(Protocol.TCP),
                Protocol.TLS, List.of(Protocol.TLS),
                Protocol.WS, List.of(Protocol.WSS, Protocol.WS),
                Protocol.WSS, List.of(Protocol.WSS),
                Protocol.UDP, List.of());

        final boolean match;
        final boolean reuse;
        /** Every connection ever added, oldest first. */
        final List<MConn> all = new ArrayList<>();
        /** Every key ever added, oldest first, per remote address:port (an index; the order is the list's). */
        private final Map<Key, List<MEntry>> entries = new HashMap<>();

        Model(boolean match, boolean reuse) {
            this.match = match;
            this.reuse = reuse;
        }

        MConn add(Connection real, Protocol family, InetSocketAddress remote, InetSocketAddress local) {
            MConn c = new MConn(real, family, remote, local);
            all.add(c);
            at(remote.getAddress(), remote.getPort()).add(new MEntry(c, remote.getPort()));
            return c;
        }

        void upgrade(MConn c) {
            c.webSocket = true;
        }

        /** Javadoc of addAlias: false when closed or at 12 aliases; an existing key is a success. */
        boolean alias(MConn c, int port) {
            if (!c.live) {
                return false;
            }
            if (c.keyPorts().contains(port)) {
                return true;
            }
            if (c.aliases.size() >= 12) {
                return false;
            }
            c.aliases.add(port);
            at(c.remote.getAddress(), port).add(new MEntry(c, port));
            return true;
        }

        void remove(MConn c) {
            c.live = false;
        }

        List<MConn> live() {
            return all.stream().filter(c -> c.live).toList();
        }

        List<MConn> removed() {
            return all.stream().filter(c -> !c.live).toList();
        }

        private List<MEntry> at(InetAddress ip, int port) {
            return entries.computeIfAbsent(new Key(ip, port), k -> new ArrayList<>());
        }

        /** 0 = on the socket's port (or no constraint), 1 = same IP other port (reuse_port=no), -1 = refused. */
        int localRank(MConn c, SendSocket forced) {
            if (!match || forced == null) {
                return 0;
            }
            if (!c.local.getAddress().equals(forced.local().getAddress())) {
                return -1;
            }
            if (c.local.getPort() == forced.local().getPort()) {
                return 0;
            }
            return reuse ? -1 : 1;
        }

        /** (kind preference, local preference), or null when c may not be used for d. */
        int[] rank(MConn c, Destination d) {
            int kind = ALLOWED.get(d.protocol()).indexOf(c.kind());
            int local = localRank(c, d.forcedSocket());
            return kind < 0 || local < 0 ? null : new int[] {kind, local};
        }

        static boolean better(int[] a, int[] b) {
            return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
        }

        static boolean same(int[] a, int[] b) {
            return a[0] == b[0] && a[1] == b[1];
        }

        Connection find(Destination d) {
            if (d.connectionId() != 0) {
                for (MConn c : all) {
                    if (c.live && c.real.id() == d.connectionId()) {
                        return c.real;
                    }
                }
                if (d.address() == null) {
                    return null;
                }
            }
            MConn best = null;
            int[] bestRank = null;
            for (MEntry e : entries.getOrDefault(new Key(d.address().getAddress(), d.address().getPort()), List.of())) {
                int[] r = e.conn().live ? rank(e.conn(), d) : null;
                if (r != null && (best == null || better(r, bestRank) || same(r, bestRank))) { // later = newer wins ties
                    best = e.conn();
                    bestRank = r;
                }
            }
            return best == null ? null : best.real;
        }

        /**
         * The live connections that the rules prefer over c for a destination d under which c is
         * reachable: a better (kind, local) rank, or the same rank and a newer entry under d's key.
         */
        List<MConn> preferredOver(MConn c, Destination d) {
            List<MEntry> key = entries.get(new Key(d.address().getAddress(), d.address().getPort()));
            int[] own = rank(c, d);
            int ownIndex = -1;
            for (int i = 0; i < key.size(); i++) {
                if (key.get(i).conn() == c) {
                    ownIndex = i;
                }
            }
            if (own == null || ownIndex < 0) {
                throw new IllegalStateException("model: " + c.real + " is not eligible for its own origin " + describe(d));
            }
            Set<MConn> result = new LinkedHashSet<>();
            for (int i = 0; i < key.size(); i++) {
                MConn other = key.get(i).conn();
                int[] r = other.live && other != c ? rank(other, d) : null;
                if (r != null && (better(r, own) || (same(r, own) && i > ownIndex))) {
                    result.add(other);
                }
            }
            return new ArrayList<>(result);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** How a registrar/nathelper/loose_route (and a Via, for wss) spells where a message on c came from. */
    private static List<Protocol> originSpellings(Protocol kind) {
        return switch (kind) {
            case TCP -> List.of(Protocol.TCP);
            case TLS -> List.of(Protocol.TLS);
            case WS -> List.of(Protocol.WS);
            case WSS -> List.of(Protocol.WS, Protocol.WSS);
            case UDP -> throw new IllegalArgumentException("no UDP connections");
        };
    }

    private static List<Protocol> allowedKinds(Protocol destination) {
        return Model.ALLOWED.get(destination);
    }

    private static String describe(Destination d) {
        return d.toString() + (d.forcedSocket() == null ? "" : " via forced socket " + d.forcedSocket());
    }

    private static String reals(List<MConn> cs) {
        return cs.stream().map(c -> c.real.toString()).toList().toString();
    }

    private static String bucket(int n) {
        return n == 0 ? "0" : n <= 10 ? "1-10" : n <= 50 ? "11-50" : n <= 120 ? "51-120" : "121-200";
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static List<Integer> asList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) {
            l.add(x);
        }
        return l;
    }

    private static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static InetSocketAddress sa(String literal, int port) {
        return new InetSocketAddress(ip(literal), port);
    }

    private static List<SendSocket> sockets() {
        List<SendSocket> s = new ArrayList<>();
        TCP_LISTENERS.forEach(l -> s.add(new SendSocket(Protocol.TCP, l)));
        TLS_LISTENERS.forEach(l -> s.add(new SendSocket(Protocol.TLS, l)));
        s.add(new SendSocket(Protocol.TCP, sa("127.0.0.9", 5060)));
        return List.copyOf(s);
    }
}
