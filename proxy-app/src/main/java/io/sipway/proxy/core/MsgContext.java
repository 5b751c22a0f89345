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
public final class MsgContext extends ScriptContext {
    public final SipMessage msg;
    public final ReceiveInfo from;
    public String du;
    public String ruri;
    public SendSocket forcedSocket;
    public long flags;
    /** Branch flags of branch 0 (setbflag/isbflagset). */
    public long bflags;
    /** set_forward_no_connect(): the request may only leave on an existing connection. */
    public boolean forwardNoConnect;
    /** In branch_route: the index the branch gets ($T_branch_idx). */
    public int branchIndex;
    public boolean forceRport;
    public int maxForwards = -1;
    public boolean recordRoute;
    public String recordRouteParams = "";
    /** record_route_preset's one or two URIs (null: record_route() builds them from the sockets). */
    public String[] recordRoutePreset;
    public int routesToRemove;
    /** The user part of the Record-Route this request gets (outbound's flow token), or null. */
    public String recordRouteUser;
    /**
     * The path module's Path header for this request's branches: the text after the address
     * ({@code ;lr[;received=...][;params]>}) and the user before it (null: none); the address is the
     * outgoing socket's, filled in per branch as Record-Route's.
     */
    public String pathUser;
    public String pathTail;
    public final List<String[]> appended = new ArrayList<>();
    public final List<String> removed = new ArrayList<>();
    /** textops' rewrites of the received text (replace, subst, insert_hf...): null until a rewrite function runs. */
    public Lumps.TextEdits textEdits;
    /** fix_nated_contact / set_contact_alias: the first Contact's URI as rewritten, which later functions see (null: as received). */
    public String contactOverride;
    /**
     * The path vector of branch 0 (registrar's lookup() of a binding saved with a Path): the Path
     * values, comma-separated, that go out as a Route header above the request's own Routes, as
     * Kamailio's insert_path_as_route writes them; null: none.
     */
    public String pathVector;
    /**
     * append_branch / lookup branches beyond the R-URI one: their URI and, when set, their $du and
     * (a third element) their path vector.
     */
    public final List<String[]> branches = new ArrayList<>();
    /** $avp and $xavp values; made on first use (most scripts never touch them). */
    private Xavps avps;
    private Xavps xavps;
    public ServerTransaction st;
    /** event_route[xhttp:request]: the HTTP request target ($hu) and the answer the route chose. */
    public String httpUri;
    public io.sipway.transport.WebSocketUpgrade.Answer httpAnswer;
    /**
     * Kamailio's ser_error: the internal error the last failing function left (E_OUT_OF_MEM when tm
     * refused a new transaction), for sl_reply_error's reply; 0 for none.
     */
    public int serError;
    /** t_relay could not send any branch: tm answers with this code when the script ends (477...). */
    public int delayedError;
    public String delayedReason;
    public boolean replied;
    public Destination replyTo;
    /** For reply routes and failure routes: the reply being handled. */
    public SipMessage reply;
    /** t_on_failure, t_on_reply: the routes armed for the transaction; null = none. */
    public RouteRef failureRoute;
    public RouteRef onReplyRoute;
    /** t_on_branch: the branch_route run for each branch of the next t_relay only (not inherited); null = none. */
    public RouteRef branchRoute;
    /** t_set_fr before the transaction exists, applied when it is created (ms; 0 = the module's value). */
    public long frInvTimeout;
    public long frTimeout;
    /** In failure_route: how the failed branch ended (Kamailio's FL_TIMEOUT, FL_REPLIED on the faked request). */
    public boolean branchTimedOut;
    public boolean branchReplied;
    /**
     * The pv module's time of this message, taken on first use by $Ts, $Tf and $TV(s|u) (Kamailio's
     * msg_set_time): {seconds, microseconds}; null until then. Not inherited by a failure route's context.
     */
    public long[] msgTime;
    /**
     * sanity with modparam noreply=1: what the last failed sanity_check() would have answered, for
     * sanity_reply(); null when none failed. The sanity module's own type (the core knows no module),
     * hence Object. Not inherited by a failure route's context.
     */
    public Object sanityFailure;
    /**
     * acc: how the transaction of this request is followed, decided when it was created from the
     * flags then (Kamailio's acc_onreq); the acc module's own type, null when it is not followed.
     */
    public Object accounting;
    /**
     * auth: the credentials header an authorize function looked at (Kamailio marks it for
     * consume_credentials); the auth module's own type, null when none. Not inherited.
     */
    public Object authorized;
    /**
     * uac: the From/To this request had replaced or restored (Kamailio's FL_USE_UAC_FROM and
     * FL_USE_UAC_TO message flags), whose replies get the request's own values back; 0 for none.
     */
    public int uacFlags;

    /**
     * Who follows the traffic of this request's transaction (siptrace's sip_trace("t")), or null;
     * put on the transaction when it is created (Kamailio keeps tm callbacks registered before
     * t_newtran on the message and moves them onto the transaction).
     */
    public io.sipway.tm.Tap tmTap;

    /**
     * dialog: the dialog context of this message (Kamailio's _dlg_ctx: the current dialog, and
     * $dlg_ctx's values before one exists); the dialog module's own type, null until it is used.
     * Not inherited: a failure or branch route finds it through its transaction's request state.
     */
    public Object dialog;

    /**
     * ipops: the containers dns_query, srv_query and naptr_query filled for this message, read by $dns,
     * $srvquery and $naptrquery; the ipops module's own type, null until one is used. Not inherited.
     */
    public Object ipopsDns;
    /** rtpengine: the sets set_rtpengine_set() chose for this message (null: the default set). */
    public Object rtpengine;

    public MsgContext(SipMessage msg, ReceiveInfo from) {
        this.msg = msg;
        this.from = from;
    }

    public Xavps avps() {
        if (avps == null) {
            avps = new Xavps();
        }
        return avps;
    }

    public Xavps xavps() {
        if (xavps == null) {
            xavps = new Xavps();
        }
        return xavps;
    }

    public String requestUri() {
        return ruri != null ? ruri : msg.isRequest() ? msg.requestUriString() : null;
    }

    /**
     * After a failure route: its $avp and $xavp values are the transaction's from now on, as Kamailio
     * keeps one list per transaction (dispatcher's ds_next_dst() consumes _dsdst_ one failure at a time).
     */
    public void keepValuesOf(MsgContext failureRoute) {
        avps = failureRoute.avps;
        xavps = failureRoute.xavps;
    }

    /**
     * What a route working on the request as request_route left it inherits (Kamailio keeps the
     * transaction's copy with its lumps): everything but the next hop ($du), which the caller decides
     * (a failure route keeps it, as Kamailio's faked request does; a branch gets its own).
     */
    public void inheritChanges(MsgContext o) {
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
        recordRouteUser = o.recordRouteUser;
        pathUser = o.pathUser;
        pathTail = o.pathTail;
        pathVector = o.pathVector;
        appended.addAll(o.appended);
        removed.addAll(o.removed);
        avps = o.avps == null ? null : o.avps.copy();
        xavps = o.xavps == null ? null : o.xavps.copy();
        textEdits = o.textEdits == null ? null : o.textEdits.copy();
        contactOverride = o.contactOverride;
    }
}
