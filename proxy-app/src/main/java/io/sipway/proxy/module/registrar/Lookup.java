package io.sipway.proxy.module.registrar;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.location.Binding;
import io.sipway.proxy.location.LocationStore;
import io.sipway.proxy.location.StoreUnavailableException;
import io.sipway.proxy.module.registrar.RegistrarModule.Settings;
import java.util.ArrayList;
import java.util.List;

/** registrar's lookup(): the R-URI, $du, path vector and branches of a request to an AoR's bindings. */
final class Lookup {
    private Lookup() {
    }

    /**
     * registrar's lookup_to_dset for another module (tsilo): the current bindings of {@code uri}'s AoR
     * in table {@code tableName}, best first as lookup() orders them; empty when none or the URI does not parse.
     */
    static List<Binding> bindings(Core core, String tableName, String uri) {
        String aor = RegistrarModule.aor(RegistrarModule.settings(core), uri);
        try {
            return aor == null ? List.of() : RegistrarModule.table(core, tableName).bindings(aor, System.currentTimeMillis());
        } catch (StoreUnavailableException e) {
            return List.of();
        }
    }

    /**
     * The R-URI becomes the best binding's Contact (highest q, then the oldest of that q, as usrloc
     * keeps them), {@code $du} its next hop ({@link #nextHop}) and its Path the request's path vector,
     * the send socket the one it registered on; the other bindings become branches (append_branches),
     * each with its own. 1 found, -1 not found, -3 the AoR does not parse or the store did not answer.
     */
    static long lookup(Core core, MsgContext m, LocationStore table, String uri) {
        Settings s = RegistrarModule.settings(core);
        String aor = RegistrarModule.aor(s, uri != null ? uri : m.requestUri());
        if (aor == null) {
            return -3;
        }
        List<Binding> found;
        try {
            found = new ArrayList<>(table.bindings(aor, System.currentTimeMillis()));
        } catch (StoreUnavailableException e) {
            return -3; // the store did not answer: an internal error, not "not registered"
        }
        if (found.isEmpty()) {
            return -1;
        }
        // usrloc's order (q, highest first; then as they were saved): the first becomes the R-URI
        Binding best = found.get(0);
        m.ruri = best.contact();
        m.du = nextHop(best);
        m.pathVector = best.path();
        m.forcedSocket = best.socket();
        if (s.appendBranches()) {
            for (int i = 1; i < found.size(); i++) {
                Binding b = found.get(i);
                // (its socket: the request's; Sipway keeps one per request)
                m.branches.add(new String[] {b.contact(), nextHop(b), b.path()});
            }
        }
        return 1;
    }

    /**
     * Where a request to a binding goes ($du): the first Path URI when it registered through a proxy,
     * for that last hop towards the UA handles its NAT (lookup.c prefers the path to the received
     * address), else its received address; null: its Contact.
     */
    static String nextHop(Binding b) {
        if (b.path() != null) {
            return firstPathUri(b.path());
        }
        return b.received();
    }

    /** The URI of the first value of a Path text ({@code <sip:edge;lr>, <sip:other;lr>}). */
    static String firstPathUri(String path) {
        int lt = path.indexOf('<');
        if (lt >= 0) {
            int gt = path.indexOf('>', lt);
            return path.substring(lt + 1, gt > lt ? gt : path.length()).trim();
        }
        int comma = path.indexOf(',');
        return (comma < 0 ? path : path.substring(0, comma)).trim();
    }
}
