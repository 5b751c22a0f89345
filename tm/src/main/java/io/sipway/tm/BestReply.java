package io.sipway.tm;

import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;

/** Which final reply of a leg goes up (Kamailio's t_pick_branch) and the challenges merged into it. */
final class BestReply {
    private BestReply() {
    }

    /**
     * Kamailio's reply priority (t_reply.c get_prio); the lowest wins, the first branch on a tie:
     * 2xx {@code xx}, 6xx {@code 1000+xx}, 3xx {@code 3000+xx}, 4xx {@code 4000+k} where k is xx for
     * the replies a caller can act on (401, 407, 415, 420, 484) and 100+xx for the others, 5xx
     * {@code 5000+xx}, any other class {@code 10000+code}.
     */
    static int prio(int code) {
        int cls = code / 100;
        int xx = code % 100;
        return switch (cls) {
            case 2 -> xx;
            case 3 -> 3000 + xx;
            case 4 -> 4000 + (xx == 1 || xx == 7 || xx == 15 || xx == 20 || xx == 84 ? xx : 100 + xx);
            case 5 -> 5000 + xx;
            case 6 -> 1000 + xx;
            default -> 10000 + code;
        };
    }

    static boolean better(int code, int than) {
        return prio(code) < prio(than);
    }

    /** The priority of a branch's final reply; a local one (timeout) is penalised by faked_reply_prio. */
    static int prio(ClientBranch c, int fakedReplyPrio) {
        return prio(c.finalCode) + (c.finalMessage == null ? fakedReplyPrio : 0);
    }

    /** The best final reply of the current leg, or null when none has one. */
    static ClientBranch pick(ServerTransaction st, int fakedReplyPrio) {
        ClientBranch best = null;
        for (int i = st.legStart; i < st.branches.size(); i++) {
            ClientBranch c = st.branches.get(i);
            if (c.finalCode >= 200 && (best == null || prio(c, fakedReplyPrio) < prio(best, fakedReplyPrio))) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The WWW-Authenticate and Proxy-Authenticate header lines of every 401 and 407 received in the
     * current leg, in branch order, as received; null when fewer than two branches challenged (the
     * one challenge is then relayed as it came).
     */
    static String challenges(ServerTransaction st) {
        int challenged = 0;
        StringBuilder lines = new StringBuilder();
        for (int i = st.legStart; i < st.branches.size(); i++) {
            ClientBranch c = st.branches.get(i);
            if (c.finalMessage == null || c.finalCode != 401 && c.finalCode != 407) {
                continue;
            }
            challenged++;
            SipMessage m = c.finalMessage;
            for (int h = 0; h < m.headerCount(); h++) {
                HeaderName type = m.headerType(h);
                if (type == HeaderName.WWW_AUTHENTICATE || type == HeaderName.PROXY_AUTHENTICATE) {
                    lines.append(m.headerName(h)).append(": ").append(m.headerValue(h)).append("\r\n");
                }
            }
        }
        return challenged > 1 ? lines.toString() : null;
    }
}
