package io.sipway.proxy.module.pike;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * pike's tree of source addresses (Kamailio's ip_tree.c and pike_funcs.c), one level per byte of
 * the address. A source is first counted on the node of its first byte; a prefix node that gets
 * hot (a quarter of {@code reqs_density_per_unit} in the current or previous unit, or on their
 * average) grows a child for the next byte, which inherits its hits less one, so a busy source
 * reaches its own leaf after a few requests while a scan of many sources stays on short prefixes.
 * A leaf (the whole address) is hot, and its source blocked, when its hits in the current unit,
 * the previous one, or their average reach {@code reqs_density_per_unit}: {@link #check} answers
 * -2 the first time (Kamailio logs "PIKE - BLOCKing ip"), -1 while it stays blocked, 1 otherwise.
 * Every {@code sampling_time_unit} {@link #swap} moves the current hits to the previous ones and
 * unblocks a leaf that is no longer hot, so a source is released one or two units after its flood
 * stops (not after remove_latency, which is how long an idle node is kept).
 *
 * <p>Memory: a node idle for {@code remove_latency} is removed by {@link #clean} (an IP leaf or a
 * node without children is in an expiry list ordered by time, as Kamailio's timer list; a prefix
 * node re-enters it when its last child goes). Kamailio has no other bound; here at most
 * {@code maxNodes} nodes exist: a flood of spoofed sources that would need more finds no node for
 * its new addresses, which are let through uncounted, as Kamailio lets a request through when its
 * shared memory is exhausted. The tree is guarded by this object's lock.
 */
final class PikeTree {
    /** Kamailio's counters are unsigned shorts that stop below their maximum. */
    private static final int MAX_HITS = 0xFFFF - 1;

    static final class Node {
        final int b;
        final Node parent;
        Map<Integer, Node> kids;
        int hitsPrev;
        int hitsCurr;
        int leafPrev;
        int leafCurr;
        boolean ipLeaf;
        boolean red;
        long expires;
        Node timerPrev;
        Node timerNext;
        boolean inTimer;

        Node(int b, Node parent) {
            this.b = b;
            this.parent = parent;
        }

        boolean hasKids() {
            return kids != null && !kids.isEmpty();
        }
    }

    /** One IP leaf as pike.top lists it. */
    record Leaf(String ip, int leafHitsPrev, int leafHitsCurr, long expires, String status) {
    }

    private final Node[] roots = new Node[256];
    private final int maxHits;
    private final long timeoutMs;
    private final int maxNodes;
    private int nodes;
    private Node timerHead;
    private Node timerTail;
    private boolean fullLogged;

    /**
     * @param maxHits   reqs_density_per_unit
     * @param timeoutMs remove_latency in ms
     * @param maxNodes  the most nodes the tree may hold
     */
    PikeTree(int maxHits, long timeoutMs, int maxNodes) {
        this.maxHits = maxHits;
        this.timeoutMs = timeoutMs;
        this.maxNodes = maxNodes;
    }

    /** What one check found: 1 let through, -1 blocked, -2 blocked now; {@code full} when no node could be made. */
    record Verdict(int code, boolean full) {
    }

    private static final Verdict OK = new Verdict(1, false);
    private static final Verdict FULL = new Verdict(1, true);
    private static final Verdict RED = new Verdict(-1, false);
    private static final Verdict NEW_RED = new Verdict(-2, false);

    /** Counts one request from {@code ip} at {@code now} (ms): Kamailio's pike_check_ipaddr. */
    synchronized Verdict check(byte[] ip, long now) {
        Node node = roots[ip[0] & 0xFF];
        int pos = node == null ? 0 : 1;
        while (node != null && pos < ip.length) {
            Node k = node.kids == null ? null : node.kids.get(ip[pos] & 0xFF);
            if (k == null) {
                break;
            }
            node = k;
            pos++;
        }
        boolean newNode = false;
        boolean noUpdate = false;
        Node father = null;
        Verdict verdict = OK;
        if (pos == ip.length) {
            node.ipLeaf = true;
            if (node.leafCurr < MAX_HITS) {
                node.leafCurr++;
            }
            if (!node.red) {
                if (hotLeaf(node)) {
                    node.red = true;
                    verdict = NEW_RED;
                }
            } else {
                verdict = RED;
            }
        } else if (pos == 0) {
            if (nodes >= maxNodes) {
                return full();
            }
            node = new Node(ip[0] & 0xFF, null);
            nodes++;
            node.hitsCurr = 1;
            roots[node.b] = node;
            newNode = true;
        } else {
            if (node.hitsCurr < MAX_HITS) {
                node.hitsCurr++;
            }
            if (hotNonLeaf(node)) {
                if (nodes >= maxNodes) {
                    return full();
                }
                father = node;
                node = split(node, ip[pos] & 0xFF);
                newNode = true;
            } else if (!warm(node)) {
                noUpdate = true; // a prefix with few hits is left to expire
            }
        }
        if (newNode) {
            node.expires = now + timeoutMs;
            append(node);
            if (father != null && !father.ipLeaf && father.kids.size() == 1) {
                unlink(father); // a prefix with children waits for them
            }
        } else if ((node.ipLeaf || !node.hasKids()) && !noUpdate) {
            node.expires = now + timeoutMs;
            unlink(node);
            append(node);
        }
        return verdict;
    }

    private Verdict full() {
        if (!fullLogged) {
            fullLogged = true;
            return FULL;
        }
        return OK;
    }

    private Node split(Node dad, int b) {
        Node n = new Node(b, dad);
        nodes++;
        if (dad.hitsCurr >= 1) {
            n.hitsCurr = dad.hitsCurr - 1;
        }
        if (dad.leafCurr >= 1) {
            n.leafPrev = dad.leafPrev - 1;
        }
        if (dad.kids == null) {
            dad.kids = new HashMap<>(4);
        }
        dad.kids.put(b, n);
        return n;
    }

    private boolean hotLeaf(Node n) {
        return n.leafPrev >= maxHits || n.leafCurr >= maxHits || ((n.leafPrev + n.leafCurr) >> 1) >= maxHits;
    }

    private boolean hotNonLeaf(Node n) {
        int q = maxHits >> 2;
        return n.hitsPrev >= q || n.hitsCurr >= q || ((n.hitsPrev + n.hitsCurr) >> 1) >= q;
    }

    private boolean warm(Node n) {
        return n.hitsCurr >= maxHits >> 2;
    }

    /** Kamailio's swap_routine, every sampling_time_unit: current hits become previous; {@code unblocked} hears each leaf released. */
    synchronized void swap(Consumer<String> unblocked) {
        for (Node r : roots) {
            if (r != null) {
                refresh(r, unblocked);
            }
        }
    }

    private void refresh(Node n, Consumer<String> unblocked) {
        n.hitsPrev = n.hitsCurr;
        n.hitsCurr = 0;
        n.leafPrev = n.leafCurr;
        n.leafCurr = 0;
        if (n.red && !hotLeaf(n)) {
            n.red = false;
            unblocked.accept(ipOf(n));
        }
        if (n.kids != null) {
            for (Node k : n.kids.values()) {
                refresh(k, unblocked);
            }
        }
    }

    /** Kamailio's clean_routine: removes the nodes idle since {@code now - remove_latency}. */
    synchronized void clean(long now) {
        while (timerHead != null && timerHead.expires <= now) {
            Node n = timerHead;
            unlink(n);
            if (n.hasKids()) {
                n.ipLeaf = false; // an address that is also a prefix of others: it stays for them
                n.leafCurr = 0;
                continue;
            }
            Node dad = n.parent;
            if (dad == null) {
                roots[n.b] = null;
            } else {
                dad.kids.remove(n.b);
                if (dad.kids.isEmpty() && !dad.ipLeaf) {
                    dad.expires = now + timeoutMs;
                    append(dad);
                }
            }
            nodes--;
        }
        if (nodes < maxNodes) {
            fullLogged = false;
        }
    }

    synchronized int size() {
        return nodes;
    }

    /** pike.top: the IP leaves whose status is {@code filter} ("HOT", "WARM") or any ("ALL"). */
    synchronized List<Leaf> leaves(String filter) {
        List<Leaf> out = new ArrayList<>();
        for (Node r : roots) {
            if (r != null) {
                collect(r, filter, out);
            }
        }
        return out;
    }

    private void collect(Node n, String filter, List<Leaf> out) {
        if (n.ipLeaf) {
            String status = hotLeaf(n) ? "HOT" : warm(n) ? "WARM" : "";
            if (filter.equals("ALL") || filter.equals(status)) {
                out.add(new Leaf(ipOf(n), n.leafPrev, n.leafCurr, n.expires, status));
            }
        }
        if (n.kids != null) {
            for (Node k : n.kids.values()) {
                collect(k, filter, out);
            }
        }
    }

    /** The address a node stands for (a prefix is padded with zeros). */
    static String ipOf(Node n) {
        List<Integer> bytes = new ArrayList<>();
        for (Node x = n; x != null; x = x.parent) {
            bytes.add(0, x.b);
        }
        byte[] a = new byte[bytes.size() <= 4 ? 4 : 16];
        for (int i = 0; i < bytes.size(); i++) {
            a[i] = (byte) (int) bytes.get(i);
        }
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            return bytes.toString();
        }
    }

    private void append(Node n) {
        n.timerPrev = timerTail;
        n.timerNext = null;
        if (timerTail == null) {
            timerHead = n;
        } else {
            timerTail.timerNext = n;
        }
        timerTail = n;
        n.inTimer = true;
    }

    private void unlink(Node n) {
        if (!n.inTimer) {
            return;
        }
        if (n.timerPrev == null) {
            timerHead = n.timerNext;
        } else {
            n.timerPrev.timerNext = n.timerNext;
        }
        if (n.timerNext == null) {
            timerTail = n.timerPrev;
        } else {
            n.timerNext.timerPrev = n.timerPrev;
        }
        n.timerPrev = null;
        n.timerNext = null;
        n.inTimer = false;
    }
}
