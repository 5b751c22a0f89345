package io.sipway.proxy.core;

import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParseException;
import io.sipway.sip.SipParser;
import io.sipway.transport.ReceiveInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What arrives (Kamailio's receive_msg): a message is parsed and checked for the headers every
 * route needs, then a request runs {@code request_route} (on a worker when it may wait) and a reply
 * {@code reply_route}, then tm, or is forwarded by its Via when it belongs to no transaction.
 * Malformed messages are dropped and counted; while draining, new requests are dropped too.
 */
final class Inbound {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.core");

    private final Core core;
    /** Set by {@link Core#drain}: requests that start something new are dropped from then on. */
    volatile boolean draining;

    Inbound(Core core) {
        this.core = core;
    }

    /** Who sees every message received, before it is parsed (Kamailio's SREV_NET_DATA_RECV), or null. */
    volatile java.util.function.BiConsumer<byte[], ReceiveInfo> tap;

    /** Transport's Inbound: one message and where it came from. Nothing escapes to the I/O thread. */
    void receive(byte[] bytes, ReceiveInfo from) {
        if (!core.attached) {
            // the listeners open before the script is attached: what arrives meanwhile is not lost
            // for long (a UDP peer retransmits, a stream peer waits for its reply's timer)
            core.count("sipway:dropped_before_start");
            return;
        }
        java.util.function.BiConsumer<byte[], ReceiveInfo> tap = this.tap;
        if (tap != null) {
            tap.accept(bytes, from);
        }
        SipMessage m;
        try {
            m = SipParser.parse(bytes);
            readRelevantHeaders(m);
        } catch (RuntimeException e) { // SipParseException and anything else a bad message provokes
            dropMalformed(bytes, from, e.getMessage());
            return;
        }
        try {
            if (m.isRequest()) {
                core.rcvRequests.increment();
                request(m, from);
            } else {
                core.rcvReplies.increment();
                reply(m, from);
            }
        } catch (SipParseException e) {
            // a header the core takes unread (From) was malformed where a function needed it
            core.count("sipway:errors");
            core.drops.dropped(from, "while routing: " + e.getMessage());
        } catch (RuntimeException e) {
            core.count("sipway:errors");
            LOG.error("error handling a message from {}: {}", from.source(), e.toString(), e);
        }
    }

    /**
     * What Kamailio's receive_msg reads before any script: the start line and the top Via (parse_msg),
     * then To, CSeq and Call-ID (parse_headers); a failure drops the message. From must be there but
     * is read when someone asks (sanity_check answers a bad one "400 Invalid From Header").
     */
    private static void readRelevantHeaders(SipMessage m) {
        if (m.topVia() == null || m.to() == null || m.cseq() == null || m.callId() == null || m.count(HeaderName.FROM) == 0) {
            throw new SipParseException("required headers not found (Via, From, To, Call-ID, CSeq)", 0);
        }
    }

    /** Counted and logged as Kamailio logs it (rate-limited, see {@link DropLog}). */
    private void dropMalformed(byte[] bytes, ReceiveInfo from, String why) {
        core.count("sipway:malformed_dropped");
        core.count(looksLikeReply(bytes) ? "core:drop_replies" : "core:drop_requests");
        core.drops.dropped(from, why);
    }

    private static boolean looksLikeReply(byte[] b) {
        return b.length > 4 && b[0] == 'S' && b[1] == 'I' && b[2] == 'P' && b[3] == '/';
    }

    private void request(SipMessage m, ReceiveInfo from) {
        if (draining && startsSomethingNew(m)) {
            core.count("sipway:drained_requests");
            return;
        }
        MsgContext ctx = new MsgContext(m, from);
        ctx.replyTo = core.replyDestination(m, from);
        if (core.requestWaits) {
            requestOnWorker(ctx);
            return;
        }
        runRequest(ctx);
    }

    private void runRequest(MsgContext ctx) {
        core.requestRoute.run(ctx);
        if (ctx.delayedError != 0 && ctx.st != null) {
            core.tm.reply(ctx.st, ctx.delayedError, ctx.delayedReason);
        }
    }

    /**
     * request_route can reach a function that may wait: the request runs on a worker. When their
     * queue is full it is answered {@code 503 Service Unavailable} statelessly (RFC 3261 21.5.4: the
     * server is overloaded; the client may try another), as Kamailio's sl_send_reply would, an ACK
     * dropped: nothing is held without a bound.
     */
    private void requestOnWorker(MsgContext ctx) {
        if (core.workers.run(ctx.msg, ctx.from, () -> runRequest(ctx))) {
            return;
        }
        if (!ctx.msg.methodName().equals("ACK")) {
            core.relay.statelessReply(ctx, 503, "Service Unavailable", null);
        }
        core.workers.queueFull(ctx.msg.methodName().equals("ACK") ? "an ACK dropped" : "a request answered 503");
    }

    /** A request outside any dialog or transaction of ours: what a proxy shutting down no longer takes. */
    private boolean startsSomethingNew(SipMessage m) {
        String method = m.methodName();
        return m.toTag() == null && !method.equals("ACK") && !method.equals("CANCEL") && core.tm.find(m) == null;
    }

    private void reply(SipMessage m, ReceiveInfo from) {
        if (core.replyWaits) {
            // reply_route can reach a function that may wait: the reply goes on from a worker (tm
            // hands it to its transaction's loop there); with the queue full it is dropped, as a
            // lost UDP reply: the next hop retransmits a final one
            if (!core.workers.run(m, from, () -> routeReply(m, from))) {
                core.workers.queueFull("a reply dropped");
            }
            return;
        }
        routeReply(m, from);
    }

    private void routeReply(SipMessage m, ReceiveInfo from) {
        if (core.replyRoute != null) {
            MsgContext ctx = new MsgContext(m, from);
            ctx.reply = m;
            core.replyRoute.run(ctx);
            if (ctx.dropped()) {
                return;
            }
        }
        if (core.tm.onReply(m, from)) {
            return;
        }
        core.hops.forwardReplyStatelessly(m);
    }
}
