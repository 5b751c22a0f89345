package io.sipway.proxy.module.rr;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;

/**
 * rr's callback API (rr/api.h register_rrcb): modules told of each request loose_route() routes
 * through a Route of ours, with that Route's parameters (the dialog module matches its sequential
 * requests by the {@code did} parameter it put in the Record-Route). One list per proxy (its Core), filled
 * when modules start, run in registration order as Kamailio runs them.
 */
public final class RrCallbacks {
    /** One callback: the request and the parameters of our Route (without the leading ';'), never null. */
    @FunctionalInterface
    public interface Callback {
        void routed(MsgContext ctx, String routeParams);
    }

    private RrCallbacks() {
    }

    /** Registers {@code cb} for the proxy of {@code core} (a module's onStart); the list is the core's own. */
    public static void register(Core core, Callback cb) {
        core.hooks().onLooseRoute(cb::routed);
    }

    /**
     * Runs the callbacks registered for {@code core}: loose_route() found a Route of ours. As loose.c,
     * only when that Route has parameters (dialog's did, uac's vsf/vst are parameters).
     */
    static void run(Core core, MsgContext ctx, String routeParams) {
        if (routeParams != null && !routeParams.isEmpty()) {
            core.hooks().looseRouted(ctx, routeParams);
        }
    }
}
