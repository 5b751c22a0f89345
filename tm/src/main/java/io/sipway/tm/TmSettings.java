package io.sipway.tm;

/**
 * The tm module's parameters (Kamailio's names; times in milliseconds):
 *
 * <table>
 * <tr><th>modparam</th><th>component</th><th>default</th></tr>
 * <tr><td>fr_timer</td><td>{@link #frTimer}</td><td>30000</td></tr>
 * <tr><td>fr_inv_timer</td><td>{@link #frInvTimer}</td><td>120000</td></tr>
 * <tr><td>retr_timer1 (T1)</td><td>{@link #t1}</td><td>500</td></tr>
 * <tr><td>retr_timer2 (T2)</td><td>{@link #t2}</td><td>4000</td></tr>
 * <tr><td>wt_timer</td><td>{@link #wtTimer}</td><td>5000</td></tr>
 * <tr><td>auto_inv_100</td><td>{@link #autoInv100}</td><td>1</td></tr>
 * <tr><td>restart_fr_on_each_reply</td><td>{@link #restartFrOnEachReply}</td><td>1</td></tr>
 * <tr><td>aggregate_challenges</td><td>{@link #aggregateChallenges}</td><td>1</td></tr>
 * <tr><td>remap_503_500</td><td>{@link #remap503To500}</td><td>1</td></tr>
 * <tr><td>faked_reply_prio</td><td>{@link #fakedReplyPrio}</td><td>0</td></tr>
 * <tr><td>reparse_invite</td><td>{@link #reparseInvite}</td><td>1</td></tr>
 * </table>
 *
 * Other tm modparams are accepted and have no effect yet. Two come from the core: {@link #server},
 * the whole header line ({@code server_header}, e.g. {@code "Server: sipway (...)"}) the replies tm
 * writes itself carry, and {@link #userAgent}, the {@code user_agent_header} line of the CANCEL and
 * ACK tm writes with {@code reparse_invite=0}; null for either means none ({@code server_signature=no}).
 */
public record TmSettings(long frTimer, long frInvTimer, long t1, long t2, long wtTimer, boolean autoInv100,
                         boolean restartFrOnEachReply, boolean aggregateChallenges, boolean remap503To500,
                         int fakedReplyPrio, boolean reparseInvite, String server, String userAgent) {
    public static TmSettings defaults() {
        return new TmSettings(30000, 120000, 500, 4000, 5000, true, true, true, true, 0, true, "Server: sipway", "User-Agent: sipway");
    }

    /** These settings with one integer modparam applied; an unknown one changes nothing. */
    public TmSettings with(String param, long value) {
        Builder b = new Builder(this);
        switch (param) {
            case "fr_timer" -> b.frTimer = value;
            case "fr_inv_timer" -> b.frInvTimer = value;
            case "retr_timer1" -> b.t1 = value;
            case "retr_timer2" -> b.t2 = value;
            case "wt_timer" -> b.wtTimer = value;
            case "auto_inv_100" -> b.autoInv100 = value != 0;
            case "restart_fr_on_each_reply" -> b.restartFrOnEachReply = value != 0;
            case "aggregate_challenges" -> b.aggregateChallenges = value != 0;
            case "remap_503_500" -> b.remap503To500 = value != 0;
            case "faked_reply_prio" -> b.fakedReplyPrio = (int) value;
            case "reparse_invite" -> b.reparseInvite = value != 0;
            default -> {
                return this; // other tm parameters are accepted and have no effect yet
            }
        }
        return b.build();
    }

    /** The core's signature lines: {@code server_header} and {@code user_agent_header} as whole lines, null for none. */
    public TmSettings withSignature(String serverHeader, String userAgentHeader) {
        Builder b = new Builder(this);
        b.server = serverHeader;
        b.userAgent = userAgentHeader;
        return b.build();
    }

    /** One copy to change a component of (records have no withers). */
    private static final class Builder {
        long frTimer;
        long frInvTimer;
        long t1;
        long t2;
        long wtTimer;
        boolean autoInv100;
        boolean restartFrOnEachReply;
        boolean aggregateChallenges;
        boolean remap503To500;
        int fakedReplyPrio;
        boolean reparseInvite;
        String server;
        String userAgent;

        Builder(TmSettings s) {
            frTimer = s.frTimer;
            frInvTimer = s.frInvTimer;
            t1 = s.t1;
            t2 = s.t2;
            wtTimer = s.wtTimer;
            autoInv100 = s.autoInv100;
            restartFrOnEachReply = s.restartFrOnEachReply;
            aggregateChallenges = s.aggregateChallenges;
            remap503To500 = s.remap503To500;
            fakedReplyPrio = s.fakedReplyPrio;
            reparseInvite = s.reparseInvite;
            server = s.server;
            userAgent = s.userAgent;
        }

        TmSettings build() {
            return new TmSettings(frTimer, frInvTimer, t1, t2, wtTimer, autoInv100, restartFrOnEachReply,
                    aggregateChallenges, remap503To500, fakedReplyPrio, reparseInvite, server, userAgent);
        }
    }
}
