package io.sipway.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every live TCP/TLS/WS/WSS connection, found by id or by where it goes. The rules (the reason this
 * project exists; ../shared/DESIGN.md, "The connection table"):
 *
 * <ol>
 *   <li>A destination with a connection id gets that connection if it is open, whatever its
 *       protocol or addresses (replies, {@code $conid}): an id lookup never fails on protocol.</li>
 *   <li>Otherwise, or when the id is gone, the destination's protocol says which kinds of connection
 *       to the remote address:port (or an alias of it) it may use, in order of preference:
 *       {@code tcp}: TCP; {@code tls}: TLS; {@code ws}: WSS, then WS (a URI can only say
 *       {@code transport=ws}, so a {@code ws} destination must find the browser's WSS connection:
 *       the Kamailio 5.8.2 bug); {@code wss}: WSS only (never downgraded to plain WS). Plain data
 *       never leaves on a connection of the wrong security, and no spelling hides a connection.</li>
 *   <li>{@code tcp_connection_match=1} narrows by the local side, and only when a send socket is
 *       forced: with {@code tcp_reuse_port=no} a connection on the socket's local IP and port is
 *       preferred, else any on its local IP; with {@code tcp_reuse_port=yes} local IP and port must
 *       both match. With {@code tcp_connection_match=0} the local side is ignored.</li>
 *   <li>Among equals, the newest connection wins (Kamailio pushes new aliases at the bucket head).</li>
 * </ol>
 *
 * <p>Lookups are lock-free and allocate nothing: two chained hash tables (by id; by remote
 * address:port, with one entry for the connection's own port and one per alias port) whose chains
 * are immutable lists published with release/acquire stores, so a reader walks a consistent chain
 * while a writer (under the table's lock) builds the next one. Average cost O(1) at any size. A
 * lookup racing a close may still return the closing connection (as in Kamailio); its write then
 * fails and the send reports it.
 */
public final class ConnectionTable {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final int MAX_ALIASES = 12; // Kamailio's TCP_CON_MAX_ALIASES

    /**
     * A chain link: a key (remote address:port, or an id) and the connection it leads to, with what
     * the address rule reads of the connection (its kind, and its local side as a shared object), so
     * that a lookup touches the bucket slot and the entries only: at a million connections every
     * line touched is a likely cache miss, so the entry is kept to 48 bytes. Immutable; an upgrade
     * replaces the entries.
     */
    private static final class Entry {
        final long hi;
        final long lo;
        final int port; // remote port or alias port; for the id table: the id
        final Protocol kind;
        final LocalSide local;
        final Connection connection;
        final Entry next;

        Entry(long hi, long lo, int port, Connection c, Entry next) {
            this(hi, lo, port, c.protocol(), c, next);
        }

        Entry(long hi, long lo, int port, Protocol kind, Connection c, Entry next) {
            this.hi = hi;
            this.lo = lo;
            this.port = port;
            this.kind = kind;
            this.local = c.localSide;
            this.connection = c;
            this.next = next;
        }
    }

    /**
     * A connection's local IP and port. Connections accepted on one listener share one instance
     * (interned under the lock, counted, dropped with the last user), so the local-side rule reads
     * a handful of objects that stay in cache instead of one per connection.
     */
    static final class LocalSide {
        final long hi;
        final long lo;
        final int port;
        int users; // under the table's lock

        LocalSide(long hi, long lo, int port) {
            this.hi = hi;
            this.lo = lo;
            this.port = port;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LocalSide l && l.hi == hi && l.lo == lo && l.port == port;
        }

        @Override
        public int hashCode() {
            return IpKey.hash(hi, lo, port);
        }
    }

    private final java.util.HashMap<LocalSide, LocalSide> localSides = new java.util.HashMap<>();

    private final boolean connectionMatch;
    private final boolean reusePort;
    private final Object lock = new Object();
    private volatile Entry[] byAddress = new Entry[64];
    private volatile Entry[] byId = new Entry[64];
    private int addressEntries;
    private int size;
    private int nextId = 1;

    /**
     * @param connectionMatch Kamailio's {@code tcp_connection_match} (true = 1, strict)
     * @param reusePort       Kamailio's {@code tcp_reuse_port}
     */
    public ConnectionTable(boolean connectionMatch, boolean reusePort) {
        this.connectionMatch = connectionMatch;
        this.reusePort = reusePort;
    }

    public boolean connectionMatch() {
        return connectionMatch;
    }

    public boolean reusePort() {
        return reusePort;
    }

    // ---- lookups (any thread, lock-free, no allocation) ---------------------------------------

    /** The open connection with this id, or null. */
    public Connection byId(int id) {
        Entry[] table = byId;
        for (Entry e = (Entry) SLOTS.getAcquire(table, idSlot(id, table.length)); e != null; e = e.next) {
            if (e.port == id) {
                Connection c = e.connection;
                return c.isOpen() ? c : null;
            }
        }
        return null;
    }

    /**
     * The connection a message to {@code d} must use, or null when there is none (then TCP/TLS may
     * open one; WS/WSS never do). UDP destinations have no connection.
     */
    public Connection find(Destination d) {
        if (d.connectionId() != 0) {
            Connection c = byId(d.connectionId());
            if (c != null || d.address() == null) {
                return c;
            }
        }
        if (!d.protocol().isStream() || d.address() == null) {
            return null;
        }
        SendSocket forced = connectionMatch ? d.forcedSocket() : null;
        Protocol wanted = d.protocol();
        Entry[] table = byAddress;
        Connection best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Entry e = (Entry) SLOTS.getAcquire(table, slot(d.hi, d.lo, d.port, table.length)); e != null; e = e.next) {
            if (e.port != d.port || e.lo != d.lo || e.hi != d.hi) {
                continue;
            }
            int kindRank = kindRank(wanted, e.kind);
            if (kindRank < 0) {
                continue;
            }
            int localRank = forced == null ? 0 : localRank(forced, e);
            if (localRank < 0) {
                continue;
            }
            int rank = kindRank * 2 + localRank;
            if (rank < bestRank) { // strictly better: among equals the first, i.e. the newest, stays
                best = e.connection;
                bestRank = rank;
                if (rank == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /**
     * Which connection kinds a destination protocol may use, as a rank (0 = first choice), or -1
     * when it may not: the table of DESIGN.md in one place, used by every lookup.
     */
    static int kindRank(Protocol destination, Protocol connection) {
        return switch (destination) {
            case TCP -> connection == Protocol.TCP ? 0 : -1;
            case TLS -> connection == Protocol.TLS ? 0 : -1;
            case WS -> connection == Protocol.WSS ? 0 : connection == Protocol.WS ? 1 : -1;
            case WSS -> connection == Protocol.WSS ? 0 : -1;
            case UDP -> -1;
        };
    }

    /** The kinds a destination protocol may use, in order of preference (for error messages). */
    public static List<Protocol> allowedKinds(Protocol destination) {
        List<Protocol> kinds = new ArrayList<>(2);
        for (int rank = 0; rank < 2; rank++) {
            for (Protocol p : Protocol.values()) {
                if (kindRank(destination, p) == rank) {
                    kinds.add(p);
                }
            }
        }
        return kinds;
    }

    /** Local-side rank under a forced socket (tcp_connection_match=1): 0 preferred, 1 accepted, -1 refused. */
    private int localRank(SendSocket s, Entry e) {
        LocalSide c = e.local;
        if (c.lo != s.lo || c.hi != s.hi) {
            return -1;
        }
        if (c.port == s.port) {
            return 0;
        }
        return reusePort ? -1 : 1;
    }

    // ---- changes (under the lock) ---------------------------------------------------------------

    /** Adds a new open connection and returns it with its id. */
    public Connection add(Protocol protocol, InetSocketAddress remote, InetSocketAddress local) {
        synchronized (lock) {
            int id = freeId();
            Connection c = new Connection(id, protocol, remote, local);
            LocalSide side = localSides.computeIfAbsent(new LocalSide(c.localHi, c.localLo, c.localPort), k -> k);
            side.users++;
            c.localSide = side;
            insertId(c);
            insertAddress(c.remoteHi, c.remoteLo, c.remotePort, c);
            size++;
            return c;
        }
    }

    private int freeId() {
        while (true) {
            int id = nextId;
            nextId = id == Integer.MAX_VALUE ? 1 : id + 1;
            if (idEntry(id) == null) {
                return id;
            }
        }
    }

    private Entry idEntry(int id) {
        for (Entry e = byId[idSlot(id, byId.length)]; e != null; e = e.next) {
            if (e.port == id) {
                return e;
            }
        }
        return null;
    }

    /** The WebSocket handshake succeeded: TCP becomes WS, TLS becomes WSS; id, addresses and aliases stay. */
    public void upgradeToWebSocket(Connection c) {
        synchronized (lock) {
            Protocol upgraded = c.protocol().upgradedToWebSocket();
            c.protocol(upgraded);
            if (byId(c.id()) != c) {
                return;
            }
            Entry[] table = byAddress;
            relabel(table, slot(c.remoteHi, c.remoteLo, c.remotePort, table.length), c, upgraded);
            for (int alias : c.aliases) {
                relabel(table, slot(c.remoteHi, c.remoteLo, alias, table.length), c, upgraded);
            }
        }
    }

    /** Replaces the chain at {@code slot} by one where the entries of {@code c} carry {@code kind}, in place. */
    private static void relabel(Entry[] table, int slot, Connection c, Protocol kind) {
        SLOTS.setRelease(table, slot, relabeled(table[slot], c, kind));
    }

    private static Entry relabeled(Entry e, Connection c, Protocol kind) {
        if (e == null) {
            return null;
        }
        Entry rest = relabeled(e.next, c, kind);
        if (e.connection == c) {
            return new Entry(e.hi, e.lo, e.port, kind, c, rest);
        }
        return rest == e.next ? e : new Entry(e.hi, e.lo, e.port, e.kind, e.connection, rest);
    }

    /**
     * Makes the connection reachable under another remote port as well (Via {@code alias} with
     * {@code tcp_accept_aliases}, {@code force_tcp_alias}); only the port is aliased, never another
     * IP. Returns false when the connection already has Kamailio's maximum of 12 aliases or is closed.
     */
    public boolean addAlias(Connection c, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("alias port out of range: " + port);
        }
        synchronized (lock) {
            if (!c.isOpen() || byId(c.id()) != c) {
                return false;
            }
            if (port == c.remotePort || hasAlias(c, port)) {
                return true;
            }
            if (c.aliases.length >= MAX_ALIASES) {
                return false;
            }
            c.aliases = Arrays.copyOf(c.aliases, c.aliases.length + 1);
            c.aliases[c.aliases.length - 1] = port;
            insertAddress(c.remoteHi, c.remoteLo, port, c);
            return true;
        }
    }

    private static boolean hasAlias(Connection c, int port) {
        for (int a : c.aliases) {
            if (a == port) {
                return true;
            }
        }
        return false;
    }

    /** Removes a connection (closed or closing); lookups no longer find it. */
    public void remove(Connection c) {
        synchronized (lock) {
            c.markClosed();
            Entry[] ids = byId;
            if (removeEntry(ids, idSlot(c.id(), ids.length), c)) {
                size--;
                if (--c.localSide.users == 0) {
                    localSides.remove(c.localSide);
                }
            }
            Entry[] table = byAddress;
            if (removeEntry(table, slot(c.remoteHi, c.remoteLo, c.remotePort, table.length), c)) {
                addressEntries--;
            }
            for (int alias : c.aliases) {
                if (removeEntry(table, slot(c.remoteHi, c.remoteLo, alias, table.length), c)) {
                    addressEntries--;
                }
            }
        }
    }

    /** Number of connections in the table. */
    public int size() {
        return size;
    }

    /** Every connection in the table (a snapshot, for RPC listings and tests). */
    public List<Connection> connections() {
        List<Connection> all = new ArrayList<>();
        for (Entry head : byId) {
            for (Entry e = head; e != null; e = e.next) {
                all.add(e.connection);
            }
        }
        return all;
    }

    /**
     * Checks the table's invariants and throws IllegalStateException when one fails: every id entry
     * is an open connection under its own id; every connection has exactly one address entry for its
     * remote port and one per alias; no address entry points to a connection not in the id table.
     * For tests (Sipway's validation hook after every test).
     */
    public void checkConsistency() {
        synchronized (lock) {
            int count = 0;
            for (int i = 0; i < byId.length; i++) {
                for (Entry e = byId[i]; e != null; e = e.next) {
                    Connection c = e.connection;
                    if (!c.isOpen()) {
                        throw new IllegalStateException("closed " + c + " still in the id table");
                    }
                    if (e.port != c.id() || idSlot(c.id(), byId.length) != i) {
                        throw new IllegalStateException(c + " filed under the wrong id or slot");
                    }
                    count++;
                }
            }
            if (count != size) {
                throw new IllegalStateException("size " + size + " but " + count + " connections in the id table");
            }
            int addresses = 0;
            for (int i = 0; i < byAddress.length; i++) {
                for (Entry e = byAddress[i]; e != null; e = e.next) {
                    Connection c = e.connection;
                    if (byId(c.id()) != c) {
                        throw new IllegalStateException("address entry for " + c + " which is not in the id table");
                    }
                    if (e.kind != c.protocol()) {
                        throw new IllegalStateException("address entry says " + e.kind + " for " + c);
                    }
                    if (e.hi != c.remoteHi || e.lo != c.remoteLo || slot(e.hi, e.lo, e.port, byAddress.length) != i) {
                        throw new IllegalStateException("address entry of " + c + " has the wrong key or slot");
                    }
                    if (e.port != c.remotePort && !hasAlias(c, e.port)) {
                        throw new IllegalStateException("address entry port " + e.port + " is neither the remote port nor an alias of " + c);
                    }
                    addresses++;
                }
            }
            int expected = 0;
            for (Connection c : connections()) {
                expected += 1 + c.aliases.length;
            }
            if (addresses != expected || addresses != addressEntries) {
                throw new IllegalStateException(addresses + " address entries, expected " + expected + " (counted " + addressEntries + ")");
            }
        }
    }

    // ---- chained hash tables ----------------------------------------------------------------

    private void insertId(Connection c) {
        if (size + 1 > byId.length * 3 / 4) {
            byId = rehash(byId, true);
        }
        Entry[] table = byId;
        int s = idSlot(c.id(), table.length);
        SLOTS.setRelease(table, s, new Entry(0, 0, c.id(), c, table[s]));
    }

    private void insertAddress(long hi, long lo, int port, Connection c) {
        if (addressEntries + 1 > byAddress.length * 3 / 4) {
            byAddress = rehash(byAddress, false);
        }
        Entry[] table = byAddress;
        int s = slot(hi, lo, port, table.length);
        SLOTS.setRelease(table, s, new Entry(hi, lo, port, c, table[s])); // newest first
        addressEntries++;
    }

    /** Replaces the chain at {@code slot} by one without the entries of {@code c}; true when one was removed. */
    private static boolean removeEntry(Entry[] table, int slot, Connection c) {
        Entry head = table[slot];
        boolean found = false;
        for (Entry e = head; e != null; e = e.next) {
            if (e.connection == c) {
                found = true;
                break;
            }
        }
        if (!found) {
            return false;
        }
        SLOTS.setRelease(table, slot, without(head, c));
        return true;
    }

    /** A copy of the chain without the first entry of {@code c} (chains are immutable: readers may be walking it). */
    private static Entry without(Entry e, Connection c) {
        if (e.connection == c) {
            return e.next;
        }
        return new Entry(e.hi, e.lo, e.port, e.kind, e.connection, without(e.next, c));
    }

    private static Entry[] rehash(Entry[] old, boolean ids) {
        Entry[] table = new Entry[old.length * 2];
        for (Entry head : old) {
            // re-insert oldest first so each new chain keeps newest-first order
            List<Entry> chain = new ArrayList<>();
            for (Entry e = head; e != null; e = e.next) {
                chain.add(e);
            }
            for (int i = chain.size() - 1; i >= 0; i--) {
                Entry e = chain.get(i);
                int s = ids ? idSlot(e.port, table.length) : slot(e.hi, e.lo, e.port, table.length);
                table[s] = new Entry(e.hi, e.lo, e.port, e.kind, e.connection, table[s]);
            }
        }
        return table; // published by the caller's volatile write
    }

    private static int slot(long hi, long lo, int port, int length) {
        return IpKey.hash(hi, lo, port) & (length - 1);
    }

    private static int idSlot(int id, int length) {
        return (id * 0x9E37_79B9 >>> 7) & (length - 1);
    }
}
