package io.sipway.tm;

import io.netty.util.Timeout;
import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.ReceiveInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One request being handled statefully (RFC 3261 17.2), with the branches it was forwarded on
 * (17.1 client transactions). Guarded by its own monitor: events arrive on several event loops
 * and on the timer thread.
 */
public final class ServerTransaction {
    final String key;
    final SipMessage request;
    final ReceiveInfo from;
    final Destination replyTo;
    final boolean invite;
    final String toTag = Replies.newTag();
    final List<ClientBranch> branches = new ArrayList<>();
    /** The last reply sent upstream (resent on retransmissions), and its code; 0 = none yet. */
    byte[] lastReply;
    int lastCode;
    boolean acked;
    boolean canceled;
    boolean removed;
    /** The script's per-request state (its lumps) when the transaction relayed; opaque to tm. */
    public volatile Object scriptState;
    /** Set by the script: the route names armed with t_on_failure / t_on_reply; null = none. */
    public volatile String failureRoute;
    public volatile String onReplyRoute;
    /** Branches of the current serial leg start here (failure_reply_mode=3 picks the winner among them). */
    int legStart;
    Timeout replyRetransmission;
    Timeout cleanup;

    ServerTransaction(String key, SipMessage request, ReceiveInfo from, Destination replyTo) {
        this.key = key;
        this.request = request;
        this.from = from;
        this.replyTo = replyTo;
        this.invite = "INVITE".equals(request.methodName());
    }

    public SipMessage request() {
        return request;
    }

    public ReceiveInfo from() {
        return from;
    }

    public Destination replyTo() {
        return replyTo;
    }

    public synchronized int lastCode() {
        return lastCode;
    }

    public synchronized boolean canceled() {
        return canceled;
    }

    /** The best final reply code of the current leg so far ({@code $T_reply_code} in failure_route). */
    public synchronized int bestCode() {
        int best = 0;
        for (int i = legStart; i < branches.size(); i++) {
            int c = branches.get(i).finalCode;
            if (c >= 200 && (best == 0 || TransactionLayer.better(c, best))) {
                best = c;
            }
        }
        return best;
    }

    /** Whether every branch of the current leg got a final reply (or timed out). */
    boolean allFinal() {
        for (int i = legStart; i < branches.size(); i++) {
            if (branches.get(i).finalCode < 200) {
                return false;
            }
        }
        return true;
    }
}
