package io.sipway.tm;

/**
 * The tm module's parameters (Kamailio's names, milliseconds): {@code fr_timer}, {@code fr_inv_timer},
 * {@code retr_timer1} (T1), {@code retr_timer2} (T2), {@code wt_timer}, {@code auto_inv_100},
 * {@code restart_fr_on_each_reply}.
 */
public record TmSettings(long frTimer, long frInvTimer, long t1, long t2, long wtTimer, boolean autoInv100,
                         boolean restartFrOnEachReply, String server) {
    public static TmSettings defaults() {
        return new TmSettings(30000, 120000, 500, 4000, 5000, true, true, "Sipway");
    }

    public TmSettings with(String param, long value) {
        return switch (param) {
            case "fr_timer" -> new TmSettings(value, frInvTimer, t1, t2, wtTimer, autoInv100, restartFrOnEachReply, server);
            case "fr_inv_timer" -> new TmSettings(frTimer, value, t1, t2, wtTimer, autoInv100, restartFrOnEachReply, server);
            case "retr_timer1" -> new TmSettings(frTimer, frInvTimer, value, t2, wtTimer, autoInv100, restartFrOnEachReply, server);
            case "retr_timer2" -> new TmSettings(frTimer, frInvTimer, t1, value, wtTimer, autoInv100, restartFrOnEachReply, server);
            case "wt_timer" -> new TmSettings(frTimer, frInvTimer, t1, t2, value, autoInv100, restartFrOnEachReply, server);
            case "auto_inv_100" -> new TmSettings(frTimer, frInvTimer, t1, t2, wtTimer, value != 0, restartFrOnEachReply, server);
            case "restart_fr_on_each_reply" -> new TmSettings(frTimer, frInvTimer, t1, t2, wtTimer, autoInv100, value != 0, server);
            default -> this; // other tm parameters are accepted and have no effect yet
        };
    }

    public TmSettings withServer(String serverHeader) {
        return new TmSettings(frTimer, frInvTimer, t1, t2, wtTimer, autoInv100, restartFrOnEachReply, serverHeader);
    }
}
