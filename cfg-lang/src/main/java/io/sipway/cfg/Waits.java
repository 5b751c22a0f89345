package io.sipway.cfg;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which routes can reach a function that may wait ({@link FunctionSpec#mayWait()}), so that the
 * host runs those where waiting blocks no event loop (docs/ARCHITECTURE.md, "Functions that may
 * wait"). The compiler tells it, route by route, the waiting functions called and the routes that
 * run within the same run: {@code route(X)} (every route[...] for {@code route($var(x))}) and the
 * branch_route a function arms ({@code t_on_branch}: it runs inside the next {@code t_relay}, on the
 * same thread). A failure_route or onreply_route armed is no edge: it runs later, as its own entry,
 * and the host decides where from that entry's own answer. Cycles ({@code route(A)} calling
 * {@code route(B)} calling {@code route(A)}) are fine: the answer is a fixed point.
 */
final class Waits {
    /** Per route: the first waiting function it calls itself, and the routes its run may enter. */
    private final Map<Exec.RouteBody, String> direct = new IdentityHashMap<>();
    private final Map<Exec.RouteBody, Set<Exec.RouteBody>> edges = new IdentityHashMap<>();

    void calls(Exec.RouteBody from, FunctionSpec f) {
        if (from != null && f.mayWait()) {
            direct.putIfAbsent(from, f.name());
        }
    }

    void enters(Exec.RouteBody from, Exec.RouteBody to) {
        if (from != null && to != null) {
            edges.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
        }
    }

    void entersAny(Exec.RouteBody from, Collection<Exec.RouteBody> to) {
        for (Exec.RouteBody r : to) {
            enters(from, r);
        }
    }

    /** Sets {@link Exec.RouteBody#waitsOn} of every route: what it can reach, or null. */
    void resolve(Collection<Map<String, Exec.RouteBody>> routes) {
        List<Exec.RouteBody> all = new ArrayList<>();
        for (Map<String, Exec.RouteBody> byName : routes) {
            all.addAll(byName.values());
        }
        for (Exec.RouteBody r : all) {
            r.waitsOn = direct.get(r);
        }
        boolean changed = true;
        while (changed) { // a few passes over a few dozen routes, once at load
            changed = false;
            for (Exec.RouteBody r : all) {
                if (r.waitsOn != null) {
                    continue;
                }
                for (Exec.RouteBody to : edges.getOrDefault(r, Set.of())) {
                    if (to.waitsOn != null) {
                        r.waitsOn = to.waitsOn;
                        changed = true;
                        break;
                    }
                }
            }
        }
    }
}
