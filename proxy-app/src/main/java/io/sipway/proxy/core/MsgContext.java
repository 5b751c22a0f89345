package io.sipway.proxy.core;

import io.sipway.cfg.ScriptContext;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import io.sipway.transport.Destination;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of a route works on: the message, where it came from, and what the script changed
 * (Kamailio's lumps and per-message state: {@code $du}, {@code $ru}, {@code $fs}, flags, added and
 * removed headers, textops' rewrites of the text, Record-Route, the Max-Forwards decrement, the
 * transaction).
 */
final class MsgContext extends ScriptContext {
    final SipMessage msg;
    final ReceiveInfo from;
    String du;
    String ruri;
    SendSocket forcedSocket;
    long flags;
    /** Branch flags of branch 0 (setbflag/isbflagset). */
    long bflags;
    /** set_forward_no_connect(): the request may only leave on an existing connection. */
    boolean forwardNoConnect;
    /** In branch_route: the index the branch gets ($T_branch_idx). */
    int branchIndex;
    boolean forceRport;
    int maxForwards = -1;
    boolean recordRoute;
    String recordRouteParams = "";
    /** record_route_preset's one or two URIs (null: record_route() builds them from the sockets). */
    String[] recordRoutePreset;
    int routesToRemove;
    final List<String[]> appended = new ArrayList<>();
    final List<String> removed = new ArrayList<>();
    /** textops' rewrites of the received text (replace, subst, insert_hf...): null until a rewrite function runs. */
    TextopsModule.TextEdits textEdits;
    /** fix_nated_contact / set_contact_alias: the first Contact's URI as rewritten, which later functions see (null: as received). */
    String contactOverride;
    /** append_branch / lookup branches beyond the R-URI one: their URI and, when set, their $du. */
    final List<String[]> branches = new ArrayList<>();
    /** $avp and $xavp values; made on first use (most scripts never touch them). */
    private Xavps avps;
    private Xavps xavps;
    ServerTransaction st;
    /** event_route[xhttp:request]: the HTTP request target ($hu) and the answer the route chose. */
    String httpUri;
    io.sipway.transport.WebSocketUpgrade.Answer httpAnswer;
    /** t_relay could not send any branch: tm answers with this code when the script ends (477...). */
    int delayedError;
    String delayedReason;
    boolean replied;
    Destination replyTo;
    /** For reply routes and failure routes: the reply being handled. */
    SipMessage reply;
    /** t_on_failure, t_on_reply: the routes armed for the transaction; null = none. */
    RouteRef failureRoute;
    RouteRef onReplyRoute;
    /** t_on_branch: the branch_route run for each branch of the next t_relay only (not inherited); null = none. */
    RouteRef branchRoute;
    /** t_set_fr before the transaction exists, applied when it is created (ms; 0 = the module's value). */
    long frInvTimeout;
    long frTimeout;
    /** In failure_route: how the failed branch ended (Kamailio's FL_TIMEOUT, FL_REPLIED on the faked request). */
    boolean branchTimedOut;
    boolean branchReplied;

    MsgContext(SipMessage msg, ReceiveInfo from) {
        this.msg = msg;
        this.from = from;
    }

    Xavps avps() {
        if (avps == null) {
            avps = new Xavps();
        }
        return avps;
    }

    Xavps xavps() {
        if (xavps == null) {
            xavps = new Xavps();
        }
        return xavps;
    }

    String requestUri() {
        return ruri != null ? ruri : msg.isRequest() ? msg.requestUriString() : null;
    }

    /**
     * A failure route works on the request as request_route left it (Kamailio keeps the
     * transaction's copy with its lumps): everything but the next hop ($du), which it sets anew.
     */
    void inheritChanges(MsgContext o) {
        ruri = o.ruri;
        forcedSocket = o.forcedSocket;
        flags = o.flags;
        bflags = o.bflags;
        forwardNoConnect = o.forwardNoConnect;
        forceRport = o.forceRport;
        maxForwards = o.maxForwards;
        recordRoute = o.recordRoute;
        recordRouteParams = o.recordRouteParams;
        recordRoutePreset = o.recordRoutePreset;
        routesToRemove = o.routesToRemove;
        appended.addAll(o.appended);
        removed.addAll(o.removed);
        avps = o.avps == null ? null : o.avps.copy();
        xavps = o.xavps == null ? null : o.xavps.copy();
        textEdits = o.textEdits == null ? null : o.textEdits.copy();
        contactOverride = o.contactOverride;
    }
}
