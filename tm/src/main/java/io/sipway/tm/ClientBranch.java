package io.sipway.tm;

import io.netty.util.Timeout;
import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;

/** One branch of a forwarded request (an RFC 3261 17.1 client transaction); guarded by its server transaction. */
final class ClientBranch {
    final ServerTransaction server;
    final String branch;
    final String method;
    final Destination to;
    final byte[] bytes;
    final SipMessage sent;
    /** 0 until a provisional (100-199) arrives. */
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
    boolean cancelPending;
    boolean cancelSent;
    long retransmitInterval;
    /**
     * The request never left: its new TCP/TLS connection failed after the send was accepted
     * (refused, tcp_connect_timeout, TLS handshake). Set from the transport's event loop.
     */
    boolean sendFailed;
    /** In its transaction's branches, timers running: a late send failure now ends it with a local 477. */
    boolean opened;
    Timeout retransmission;
    Timeout finalResponseTimer;

    ClientBranch(ServerTransaction server, String branch, String method, Destination to, byte[] bytes, SipMessage sent) {
        this.server = server;
        this.branch = branch;
        this.method = method;
        this.to = to;
        this.bytes = bytes;
        this.sent = sent;
    }

    String key() {
        return branch + "|" + method;
    }
}
