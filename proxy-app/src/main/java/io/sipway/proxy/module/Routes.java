package io.sipway.proxy.module;

import io.sipway.cfg.Ast;
import java.util.EnumSet;
import java.util.Set;

/**
 * Kamailio's route flags ({@code src/core/route.h}), as the modules' {@code cmd_export_t} tables
 * combine them, and the route kinds of the language each one allows. {@code REQUEST_ROUTE} also
 * covers {@code event_route} (Kamailio defines EVENT_ROUTE as REQUEST_ROUTE); {@code ONREPLY_ROUTE}
 * is both the core {@code reply_route} and tm's {@code onreply_route[name]}; every function is
 * allowed in a sub-route, which runs as the kind of the route that calls it.
 */
public final class Routes {
    /** REQUEST_ROUTE (= EVENT_ROUTE). */
    public static final int R = 1;
    /** FAILURE_ROUTE. */
    public static final int F = 1 << 1;
    /** TM_ONREPLY_ROUTE: onreply_route[name]. */
    public static final int TO = 1 << 2;
    /** BRANCH_ROUTE. */
    public static final int B = 1 << 3;
    /** ONSEND_ROUTE. */
    public static final int S = 1 << 4;
    /** LOCAL_ROUTE: event_route[tm:local-request]. */
    public static final int L = 1 << 6;
    /** CORE_ONREPLY_ROUTE: reply_route. */
    public static final int CO = 1 << 7;
    /** ONREPLY_ROUTE: both reply routes. */
    public static final int O = TO | CO;
    /** Every route kind. */
    public static final int ANY = -1;

    private Routes() {
    }

    /** The route kinds a combination of flags allows. */
    public static Set<Ast.RouteType> kinds(int flags) {
        if (flags == ANY) {
            return EnumSet.allOf(Ast.RouteType.class);
        }
        EnumSet<Ast.RouteType> s = EnumSet.of(Ast.RouteType.ROUTE);
        if ((flags & R) != 0) {
            s.add(Ast.RouteType.REQUEST);
            s.add(Ast.RouteType.EVENT);
        }
        if ((flags & F) != 0) {
            s.add(Ast.RouteType.FAILURE);
        }
        if ((flags & TO) != 0) {
            s.add(Ast.RouteType.ONREPLY);
        }
        if ((flags & CO) != 0) {
            s.add(Ast.RouteType.REPLY);
        }
        if ((flags & B) != 0) {
            s.add(Ast.RouteType.BRANCH);
        }
        if ((flags & S) != 0) {
            s.add(Ast.RouteType.ONSEND);
        }
        if ((flags & L) != 0) {
            s.add(Ast.RouteType.EVENT);
        }
        return s;
    }
}
