package io.sipway.proxy.module.acc;

import static io.sipway.proxy.module.acc.AccSettings.on;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.TransactionObserver;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import java.time.Clock;

/**
 * acc's log backend (acc_logic.c): which transactions are accounted and when a record is printed.
 *
 * <ul>
 *   <li>A transaction is followed only when, as it is created, its request has {@code log_flag},
 *       {@code log_missed_flag} or {@code acc_prepare_flag} set (or {@code acc_prepare_always});
 *       a flag set later is not seen (acc_onreq). CANCELs are not followed (report_cancels 0).</li>
 *   <li>Each reply going upstream (TMCB_RESPONSE_OUT): an INVITE's negative final reply is a
 *       missed call when {@code log_missed_flag} is set now; then a 2xx with {@code log_flag} set,
 *       a negative final reply with {@code log_flag} and {@code failed_transaction_flag} set (and
 *       its code not in {@code failed_filter}), a provisional with a body under {@code early_media},
 *       is a "transaction answered" record.</li>
 *   <li>An INVITE followed for missed calls is also told of each failed leg before failure_route
 *       (TMCB_ON_FAILURE): a missed call when the flag is set. A missed call record resets the
 *       flag, so a call is reported missed once unless failure_route sets it again.</li>
 * </ul>
 * The flags read are the transaction's as they are now (request_route, failure_route and
 * onreply_route leave theirs to it); log_extra is read from the request with {@code $ru} the
 * branch's. A record is printed at {@code log_level} when {@code debug=} reaches it, to
 * {@code log_facility}.
 */
final class Accounting implements TransactionObserver {
    private static final ScriptLog LOG = new ScriptLog("acc");
    /** What Kamailio's acc lines say of where they come from. */
    static final String COMPONENT = "acc [acc.c:287]: acc_log_request(): ";

    /** How a transaction is followed (in its request state's {@link MsgContext#accounting}). */
    enum Tracking { REPLIES, REPLIES_AND_FAILED_LEGS }

    private final Core core;
    private final Clock clock;
    private volatile AccSettings settings = AccSettings.DEFAULTS;
    /** The database backend, null without db_url. */
    private volatile AccDb db;

    Accounting(Core core, Clock clock) {
        this.core = core;
        this.clock = clock;
    }

    void settings(AccSettings s) {
        this.settings = s;
    }

    AccSettings settings() {
        return settings;
    }

    void db(AccDb db) {
        this.db = db;
    }

    AccDb db() {
        return db;
    }

    private int dbFlag() {
        AccDb d = db;
        return d == null ? -1 : d.settings().flag();
    }

    private int dbMissedFlag() {
        AccDb d = db;
        return d == null ? -1 : d.settings().missedFlag();
    }

    @Override
    public void created(MsgContext ctx) {
        AccSettings s = settings;
        long f = ctx.flags;
        if (ctx.msg.methodName().equals("CANCEL")) {
            return;
        }
        boolean missed = on(f, s.missedFlag()) || on(f, dbMissedFlag());
        boolean prepared = s.prepareAlways() || on(f, s.prepareFlag());
        if (on(f, s.logFlag()) || on(f, dbFlag()) || missed || prepared) {
            ctx.accounting = ctx.msg.methodName().equals("INVITE") && (missed || prepared) ? Tracking.REPLIES_AND_FAILED_LEGS
                    : Tracking.REPLIES;
        }
    }

    @Override
    public void replied(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        MsgContext t = followed(st);
        if (t == null) {
            return;
        }
        AccSettings s = settings;
        if (code >= 300 && isInvite(st) && (on(t.flags, s.missedFlag()) || on(t.flags, dbMissedFlag()))) {
            missed(st, t, code, reply, branchUri);
        }
        if (!accounts(s, t.flags, reply, code)) {
            return;
        }
        if (on(t.flags, s.logFlag())) {
            print(s, AccRecord.ANSWERED, request(st, t, branchUri), toTag(st, reply, false), code, reason(s, reply, code));
        }
        AccDb d = db;
        if (d != null && on(t.flags, d.settings().flag())) {
            d.queue(d.settings().accTable(), d.row(s, request(st, t, branchUri), toTag(st, reply, false), Integer.toString(code),
                    reason(s, reply, code), clock.instant()));
        }
    }

    @Override
    public void legFailed(ServerTransaction st, int code, SipMessage reply, String branchUri) {
        MsgContext t = followed(st);
        if (t != null && t.accounting == Tracking.REPLIES_AND_FAILED_LEGS) {
            missed(st, t, code, reply, branchUri);
        }
    }

    /** acc_log_request(comment): a "request accounted" record of the request being processed, with the comment's code and reason. */
    int logRequest(MsgContext ctx, String comment) {
        String[] cr = codeAndReason(comment);
        String code = cr[0];
        String reason = cr[1];
        AccSettings s = settings;
        if (s.level().number() <= core.debugLevel()) {
            LOG.print(s.level(), s.facility(), COMPONENT, AccRecord.line(s, AccRecord.REQUEST, ctx, ctx.msg.toTag(), code, reason, clock.instant()));
        }
        return 1;
    }

    /**
     * acc_db_request(comment, table): a row of the request being processed in {@code table}, with the
     * comment's code and reason; inserted at once (the function is declared to wait): 1, -1 when the
     * insert failed or acc has no db_url.
     */
    int dbRequest(MsgContext ctx, String comment, String table) {
        AccDb d = db;
        if (d == null) {
            return -1;
        }
        String[] cr = codeAndReason(comment);
        return d.insert(table, d.row(settings, ctx, ctx.msg.toTag(), cr[0], cr[1], clock.instant()));
    }

    /** acc's comment: "404 Not here" is code 404, reason "Not here"; text without three digits first is a reason alone. */
    private static String[] codeAndReason(String comment) {
        if (comment.length() >= 3 && Character.isDigit(comment.charAt(0)) && Character.isDigit(comment.charAt(1))
                && Character.isDigit(comment.charAt(2))) {
            return new String[] {comment.substring(0, 3), comment.substring(3).stripLeading()};
        }
        return new String[] {null, comment};
    }

    private static MsgContext followed(ServerTransaction st) {
        return st.scriptState instanceof MsgContext t && t.accounting != null ? t : null;
    }

    private static boolean isInvite(ServerTransaction st) {
        return st.request().methodName().equals("INVITE");
    }

    /** should_acc_reply: failed transactions only with failed_transaction_flag; provisionals only with early media. */
    private boolean accounts(AccSettings s, long flags, SipMessage reply, int code) {
        if (code >= 300) {
            return on(flags, s.failedFlag()) && !s.failedFilter().contains(code);
        }
        if (!on(flags, s.logFlag()) && !on(flags, dbFlag())) {
            return false;
        }
        return code >= 200 || s.earlyMedia() && reply != null && reply.contentLength() > 0;
    }

    /** on_missed: the records (log, database), then the missed flags that made them are reset in the transaction's flags. */
    private void missed(ServerTransaction st, MsgContext t, int code, SipMessage reply, String branchUri) {
        AccSettings s = settings;
        long reset = 0;
        if (on(t.flags, s.missedFlag())) {
            print(s, AccRecord.MISSED, request(st, t, branchUri), toTag(st, reply, true), code, reason(s, reply, code));
            reset |= 1L << s.missedFlag();
        }
        AccDb d = db;
        if (d != null && on(t.flags, d.settings().missedFlag())) {
            d.queue(d.settings().missedTable(), d.row(s, request(st, t, branchUri), toTag(st, reply, true), Integer.toString(code),
                    reason(s, reply, code), clock.instant()));
            reset |= 1L << d.settings().missedFlag();
        }
        t.flags &= ~reset;
    }

    private void print(AccSettings s, String text, MsgContext req, String toTag, int code, String reason) {
        if (s.level().number() <= core.debugLevel()) {
            LOG.print(s.level(), s.facility(), COMPONENT, AccRecord.line(s, text, req, toTag, Integer.toString(code), reason, clock.instant()));
        }
    }

    /** The request as the script left it, its Request-URI the branch's: what the record's fields and log_extra read. */
    private static MsgContext request(ServerTransaction st, MsgContext t, String branchUri) {
        MsgContext r = new MsgContext(st.request(), st.from());
        r.inheritChanges(t);
        r.st = st;
        if (branchUri != null) {
            r.ruri = branchUri;
        }
        return r;
    }

    /** The reply's To tag, else the request's; a missed call answered by tm itself has tm's tag. */
    private static String toTag(ServerTransaction st, SipMessage reply, boolean missed) {
        String tag = reply != null && reply.to() != null ? reply.toTag() : st.request().toTag();
        return (tag == null || tag.isEmpty()) && missed && reply == null ? st.toTag() : tag;
    }

    /** The reply's reason phrase (or its Reason header with reason_from_hf); error_text's for a reply tm wrote. */
    private static String reason(AccSettings s, SipMessage reply, int code) {
        if (reply == null) {
            return ReasonPhrases.of(code);
        }
        String header = s.reasonFromHeader() ? reply.header("Reason") : null;
        return header != null ? header : reply.reasonPhrase();
    }
}
