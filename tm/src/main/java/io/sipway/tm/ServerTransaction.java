package io.sipway.tm;

import io.netty.util.concurrent.EventExecutor;
import io.sipway.sip.SipMessage;
import io.sipway.transport.Destination;
import io.sipway.transport.ReceiveInfo;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being handled statefully: an RFC 3261 17.2 server transaction (its state in
 * {@link ServerState}), with the branches it was forwarded on (17.1 client transactions).
 *
 * <p>It belongs to one event loop, {@link #loop()}: the one that read its request. Everything that
 * changes it runs there (the script's t_relay/t_reply, replies handed over from other loops, its
 * timers, failure_route and onreply_route), one thing at a time, so it has no lock. The public
 * readers below are for the script on that loop; {@link #state()}, {@link #lastCode()} and
 * {@link #canceled()} may be read from any thread (volatile: a retransmission or an ACK on another
 * loop looks at them).
 */
public final class ServerTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTransaction.class);

    final String key;
    /** The event loop everything of this transaction runs on. */
    final EventExecutor loop;
    final SipMessage request;
    final ReceiveInfo from;
    final Destination replyTo;
    final boolean invite;
    final String toTag = Replies.newTag();
    /** The script asked for rport on this request ({@code force_rport()}): tm's own replies carry rport=PORT. */
    volatile boolean forceRport;
    final List<ClientBranch> branches = new ArrayList<>();
    /** The last reply sent upstream (resent on retransmissions), and its code; 0 = none yet. */
    volatile byte[] lastReply;
    volatile int lastCode;
    private volatile ServerState state;
    volatile boolean canceled;
    /** The Reason lines of the caller's CANCEL (null: none), for the branches canceled once they ring. */
    String cancelReason;
    /** The script's per-request state (its lumps) when the transaction relayed; opaque to tm. */
    public volatile Object scriptState;
    /**
     * Set by the script: the routes armed with t_on_failure / t_on_reply, as handles the
     * {@link TransactionLayer.Hooks} resolved when the script was loaded; opaque to tm; null = none.
     */
    public volatile Object failureRoute;
    public volatile Object onReplyRoute;
    /** Who follows this transaction's traffic (siptrace), or null: nobody, nothing is told. */
    public volatile Tap tap;
    /** Branches of the current serial leg start here (failure_reply_mode=3 picks the winner among them). */
    int legStart;
    /** t_set_fr() for this transaction, in ms; 0 = the module's fr_timer / fr_inv_timer. */
    long frTimeout;
    long frInvTimeout;
    /** A 6xx arrived in this leg: the other branches were canceled and no reply goes up before they end. */
    boolean sixx;
    /** The branch the failure route runs for (the leg's best reply); null outside a failure route. */
    ClientBranch picked;
    /**
     * The failure route runs on another thread ({@link #failureRouteElsewhere()}): the leg's best
     * branch and how many branches there were, for {@link TransactionLayer#failureRouteEnded}.
     */
    boolean failureDeferred;
    ClientBranch deferredBest;
    int deferredBefore;
    /** Counted once as gone to the wait state (tm's "waiting" statistic). */
    boolean waited;
    /** What this transaction counts against tm's memory budget while held. */
    int estimatedBytes;
    /** tm's CANCELs of the branches (client transactions of their own); null until one is sent. */
    List<ClientBranch> cancels;
    /** Retransmits a negative INVITE reply over UDP until its ACK (made when first needed). */
    Timers.Task replyRetransmission;
    /** Frees the transaction: at its maximum lifetime, moved to wt_timer once it completes. */
    Timers.Task cleanup;
    /** The negative INVITE reply's next retransmission interval (ms). */
    long replyInterval;
    /**
     * Who hears the replies when tm itself originated the request (Kamailio's t_uac, a "local"
     * transaction: {@link LocalRequests}); null for a request received and forwarded.
     */
    final LocalReplies local;

    ServerTransaction(String key, EventExecutor loop, SipMessage request, ReceiveInfo from, Destination replyTo) {
        this.key = key;
        this.loop = loop;
        this.request = request;
        this.from = from;
        this.replyTo = replyTo;
        this.invite = "INVITE".equals(request.methodName());
        this.state = ServerState.initial(invite);
        this.local = null;
    }

    /**
     * A transaction tm originates: {@code request} is the request as sent (our Via on top); it has
     * no caller upstream (no source, nothing to reply to), its replies go to {@code local}.
     */
    ServerTransaction(String key, EventExecutor loop, SipMessage request, LocalReplies local) {
        this.key = key;
        this.loop = loop;
        this.request = request;
        this.from = null;
        this.replyTo = null;
        this.invite = "INVITE".equals(request.methodName());
        this.state = ServerState.initial(invite);
        this.local = local;
    }

    /** The RFC 3261 state this transaction is in (from any thread). */
    public ServerState state() {
        return state;
    }

    /** The event loop this transaction runs on. */
    public EventExecutor loop() {
        return loop;
    }

    /**
     * The one way a transaction changes state: an illegal transition is a bug in tm (an assertion
     * error under tests) and is refused. On the transaction's loop.
     */
    void go(ServerState next) {
        if (!state.mayGo(invite, next)) {
            String why = request.methodName() + " transaction " + key + ": no transition " + state + " -> " + next;
            assert false : why;
            LOG.error(why);
            return;
        }
        LOG.trace("{} transaction {}: {} -> {}", request.methodName(), key, state, next);
        state = next;
    }

    boolean terminated() {
        return state == ServerState.TERMINATED;
    }

    public SipMessage request() {
        return request;
    }

    public ReceiveInfo from() {
        return from;
    }

    /** {@code force_rport()} was called for the request: the replies tm writes itself carry {@code rport=PORT}. */
    public void forceRport(boolean on) {
        forceRport = on;
    }

    public Destination replyTo() {
        return replyTo;
    }

    /** The To tag of the replies tm writes for this transaction (a local 408's, acc's missed call record). */
    public String toTag() {
        return toTag;
    }

    public int lastCode() {
        return lastCode;
    }

    public boolean canceled() {
        return canceled;
    }

    /** The best final reply code of the current leg so far ({@code $T_reply_code} in failure_route). */
    public int bestCode() {
        if (picked != null) {
            return picked.finalCode;
        }
        int best = 0;
        for (int i = legStart; i < branches.size(); i++) {
            int c = branches.get(i).finalCode;
            if (c >= 200 && (best == 0 || BestReply.better(c, best))) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Said by {@link TransactionLayer.Hooks#onFailure} when it runs the failure route on another
     * thread (a route that may wait runs on a worker): tm then sends the leg's best reply up when
     * {@link TransactionLayer#failureRouteEnded} is called, unless the route forked or replied
     * meanwhile. Until then the route reads the picked branch as if it ran on the loop.
     */
    public void failureRouteElsewhere() {
        failureDeferred = true;
    }

    /** In failure_route: whether the failed branch ended by its final-response timer ({@code t_branch_timeout()}). */
    public boolean pickedTimedOut() {
        return picked != null && picked.timedOut;
    }

    /** In failure_route: whether the failed branch received any reply, 100 included ({@code t_branch_replied()}). */
    public boolean pickedReplied() {
        return picked != null && picked.replied;
    }

    /** In failure_route: the final reply of the failed branch as received; null for a local one (timeout) or outside a failure route. */
    public SipMessage pickedReply() {
        ClientBranch p = picked;
        return p == null ? null : p.finalMessage;
    }

    /** In failure_route: the Request-URI the failed branch was sent with (Kamailio's t->uac[branch].uri); null outside one. */
    public String pickedUri() {
        ClientBranch p = picked;
        return p == null ? null : p.sent.requestUriString();
    }

    /** Whether any branch of the transaction timed out ({@code t_any_timeout()}). */
    public boolean anyTimedOut() {
        for (ClientBranch b : branches) {
            if (b.timedOut) {
                return true;
            }
        }
        return false;
    }

    /** Whether any branch of the transaction received a reply ({@code t_any_replied()}). */
    public boolean anyReplied() {
        for (ClientBranch b : branches) {
            if (b.replied) {
                return true;
            }
        }
        return false;
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
