package io.sipway.tm;

import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One branch of a forwarded request: an RFC 3261 17.1 client transaction (its state in
 * {@link ClientState}); tm's CANCEL of a branch is one too, keyed by the same branch and method
 * CANCEL. Touched only on its server transaction's event loop (no lock).
 */
final class ClientBranch {
    private static final Logger LOG = LoggerFactory.getLogger(ClientBranch.class);

    final ServerTransaction server;
    final String branch;
    final String method;
    final boolean invite;
    final Destination to;
    final byte[] bytes;
    final SipMessage sent;
    private ClientState state;
    /** The last provisional code received (100-199); 0 until one arrives (restart_fr_on_each_reply compares with it). */
    int provisional;
    /** 0 until a final reply arrives (or a local 408 on timeout). */
    int finalCode;
    /** The final reply received on this branch, ready to go upstream (top Via removed); null for a local one. */
    byte[] finalReply;
    /** The final reply as received (its challenges are merged for a 401/407); null for a local one. */
    SipMessage finalMessage;
    /** Some reply arrived on this branch (Kamailio's F_RB_REPLIED: t_branch_replied, t_any_replied). */
    boolean replied;
    /** The branch ended because its final-response timer fired (F_RB_TIMEOUT: t_branch_timeout, t_any_timeout). */
    boolean timedOut;
    /** The final-response timer runs with fr_inv_timer (an INVITE branch got a provisional; Kamailio's F_RB_FR_INV). */
    boolean onFrInv;
    /** A CANCEL is owed but waits for a provisional reply (RFC 3261 9.1: never CANCEL a branch that has not answered). */
    boolean cancelPending;
    boolean cancelSent;
    /**
     * The request never left: its new TCP/TLS connection failed after the send was accepted
     * (refused, tcp_connect_timeout, TLS handshake). The branch ends with a local 477.
     */
    boolean sendFailed;
    /** In its transaction's branches with its timers running: a late send failure now ends it. */
    boolean opened;
    /** The next retransmission's interval (ms): T1, doubling, capped at T2; T2 for a non-INVITE after a provisional. */
    long retransmitInterval;
    /** The branch's timers, made once (the retransmission only over UDP): restarting one allocates no task. */
    Timers.Task retransmission;
    Timers.Task finalResponseTimer;
    /** When the final-response timer is due (the clock's nanos): a superseded run that still fires sees it is early. */
    long finalResponseDeadline;

    ClientBranch(ServerTransaction server, String branch, String method, Destination to, byte[] bytes, SipMessage sent) {
        this.server = server;
        this.branch = branch;
        this.method = method;
        this.invite = method.equals("INVITE");
        this.to = to;
        this.bytes = bytes;
        this.sent = sent;
        this.state = ClientState.initial(invite);
    }

    String key() {
        return branch + "|" + method;
    }

    ClientState state() {
        return state;
    }

    /**
     * The one way a branch changes state: an illegal transition is a bug in tm (an assertion error
     * under tests) and is refused. A PROCEEDING branch that gets another provisional stays there.
     */
    void go(ClientState next) {
        if (!state.mayGo(invite, next)) {
            String why = method + " branch " + branch + ": no transition " + state + " -> " + next;
            assert false : why;
            LOG.error(why);
            return;
        }
        LOG.trace("{} branch {}: {} -> {}", method, branch, state, next);
        state = next;
    }
}
