package io.sipway.proxy.module.rr;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * rr's callback API (rr/api.h register_rrcb): modules told of each request loose_route() routes
 * through a Route of ours, with that Route's parameters (the dialog module matches its sequential
 * requests by the {@code did} parameter it put in the Record-Route). One list per proxy, filled when
 * modules start, in registration order as Kamailio runs them.
 */
public final class RrCallbacks {
    /** One callback: the request and the parameters of our Route (without the leading ';'), never null. */
    @FunctionalInterface
    public interface Callback {
        void routed(MsgContext ctx, String routeParams);
    }

    private static final Map<Core, List<Callback>> BY_CORE = Collections.synchronizedMap(new WeakHashMap<>());

    private RrCallbacks() {
    }

    /** Registers {@code cb} for the proxy of {@code core} (a module's onStart). */
    public static void register(Core core, Callback cb) {
        BY_CORE.computeIfAbsent(core, c -> new CopyOnWriteArrayList<>()).add(cb);
    }

    /** Runs the callbacks registered for {@code core}: loose_route() found a Route of ours. */
    static void run(Core core, MsgContext ctx, String routeParams) {
        List<Callback> list = BY_CORE.get(core);
        if (list == null) {
            return;
        }
        for (Callback cb : list) {
            cb.routed(ctx, routeParams == null ? "" : routeParams);
        }
    }
}
