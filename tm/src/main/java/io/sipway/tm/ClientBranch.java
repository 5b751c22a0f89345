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
    boolean cancelPending;
    boolean cancelSent;
    long retransmitInterval;
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
