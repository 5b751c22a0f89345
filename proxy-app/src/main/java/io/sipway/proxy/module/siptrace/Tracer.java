package io.sipway.proxy.module.siptrace;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.SipMessage;
import io.sipway.tm.ServerTransaction;
import io.sipway.tm.Tap;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * siptrace at run time: what one traced message becomes (a HEP packet or a plain copy of the
 * message, sent over UDP to the capture address from one of the proxy's UDP listeners, as
 * Kamailio's msg_send_buffer would), and the three ways a message gets traced:
 * <ul>
 *   <li>{@link #traceCurrent}: {@code sip_trace()} on the message the route runs for, "in" (Kamailio's
 *       sip_trace(): only while {@code trace_on} is set, the RPC siptrace.status may change it);</li>
 *   <li>{@link TransactionTrace}: {@code sip_trace(..., "t")}, {@code sip_trace_mode("t")}, or
 *       {@code sip_trace()} on a request carrying {@code trace_flag}: the transaction's branch
 *       requests out, the replies in, the replies upstream (tm's TMCB_REQUEST_SENT, RESPONSE_IN and
 *       RESPONSE_SENT callbacks as siptrace registers them; as there, these are sent whatever
 *       {@code trace_on} says, but not for a request without {@code trace_flag} when one is set);</li>
 *   <li>{@code trace_mode=1}: every message received and sent, no script call needed (the core's
 *       SREV_NET_DATA_RECV/SEND events), always as HEP.</li>
 * </ul>
 * The copies never block: a UDP send is handed to the listener's event loop.
 */
final class Tracer {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.siptrace");
    /** Kamailio's SIPTRACE_ANYADDR ("any:255.255.255.255:5060"): an end that is not known. */
    static final Hep3.End ANY = new Hep3.End(Protocol.UDP, new InetSocketAddress(ipv4(255, 255, 255, 255), 5060));

    /** The module's parameters, read once at start. */
    record Settings(boolean hep, int hepVersion, int captureId, String authKey, InetSocketAddress duplicate, long traceFlagMask) {
    }

    private final Core core;
    private final Clock clock;
    final AtomicBoolean on = new AtomicBoolean();
    private volatile Settings settings = new Settings(false, 3, 1, "", null, 0);
    /** trace_to_database's rows, or null when it is 0. */
    private volatile TraceDb db;

    Tracer(Core core, Clock clock) {
        this.core = core;
        this.clock = clock;
    }

    void settings(Settings s, boolean traceOn) {
        settings = s;
        on.set(traceOn);
    }

    Settings settings() {
        return settings;
    }

    void db(TraceDb d) {
        db = d;
    }

    /** Whether traces go to the database (trace_to_database): then sip_trace() needs no capture address. */
    boolean toDatabase() {
        return db != null;
    }

    /**
     * Kamailio's sip_trace() on the current message: a received request or reply, "in", from its
     * source to the socket that read it; -1 while tracing is off, 1 otherwise.
     *
     * @param dst the capture address sip_trace(uri) names, or null: duplicate_uri
     */
    int traceCurrent(MsgContext ctx, InetSocketAddress dst, String correlationId) {
        if (!on.get()) {
            return -1;
        }
        ReceiveInfo r = ctx.from;
        Hep3.End from = r.source() == null ? ANY : new Hep3.End(r.protocol(), r.source());
        Hep3.End to = r.localSocket() == null ? ANY : new Hep3.End(r.protocol(), r.localSocket().local());
        store(from, to, ctx.msg.toBytes(), ctx.msg, "in", dst, correlationId);
        return 1;
    }

    /**
     * Kamailio's sip_trace_store: a row of the database while tracing is on (trace_to_database),
     * then a HEP packet with hep_mode_on (to {@code dst} or duplicate_uri), else the message itself
     * to {@code dst}, or to duplicate_uri when there is no database.
     *
     * @param parsed the message when it is at hand (null: read from {@code message} for a row)
     */
    void store(Hep3.End from, Hep3.End to, byte[] message, SipMessage parsed, String direction, InetSocketAddress dst,
               String correlationId) {
        Settings s = settings;
        TraceDb d = db;
        if (d != null && on.get()) {
            d.store(from, to, message, parsed, direction, clock.instant());
        }
        if (s.hep()) {
            hep(s, from, to, message, dst, correlationId);
        } else if (dst != null || d == null) {
            InetSocketAddress target = dst != null ? dst : s.duplicate();
            if (target != null) {
                send(target, message);
            }
        }
    }

    /** Kamailio's trace_send_hep_duplicate: HEP of the version set, to {@code dst} or duplicate_uri. */
    void hep(Settings s, Hep3.End from, Hep3.End to, byte[] message, InetSocketAddress dst, String correlationId) {
        InetSocketAddress target = dst != null ? dst : s.duplicate();
        if (target == null) {
            return;
        }
        long micros = micros(clock.instant());
        byte[] packet = s.hepVersion() == 3 ? Hep3.encode(from, to, micros, s.captureId(), s.authKey(), correlationId, message)
                : Hep3.encodeV1V2(s.hepVersion(), from, to, micros, s.captureId(), message);
        if (packet == null) {
            LOG.error("siptrace: cannot trace {} -> {}: mixed address families or a message too large", from.text(), to.text());
            return;
        }
        send(target, packet);
    }

    private void send(InetSocketAddress target, byte[] bytes) {
        core.transport().sender().mirror(Destination.to(Protocol.UDP, target), bytes);
    }

    /**
     * siptrace's trace_sl_onreply_out: a stateless reply to a request whose transaction is traced
     * (the request has the trace, Kamailio's FL_SIPTRACE, and trace_flag when one is set) goes out,
     * from the socket that read the request to where the reply went, to duplicate_uri.
     */
    void statelessReply(MsgContext ctx, byte[] bytes) {
        if (!(ctx.tmTap instanceof TransactionTrace)) {
            return;
        }
        long mask = settings.traceFlagMask();
        if (mask != 0 && (ctx.flags & mask) == 0) {
            return;
        }
        ReceiveInfo r = ctx.from;
        Hep3.End from = r.localSocket() == null ? ANY : new Hep3.End(r.protocol(), r.localSocket().local());
        Destination d = ctx.replyTo;
        Hep3.End to = d == null || d.address() == null || d.address().isUnresolved() ? ANY : new Hep3.End(r.protocol(), d.address());
        store(from, to, bytes, null, "out", null, null);
    }

    /** trace_mode=1: a message the transport delivered, before any parsing. */
    void received(byte[] bytes, ReceiveInfo r) {
        Hep3.End from = r.source() == null ? ANY : new Hep3.End(r.protocol(), r.source());
        Hep3.End to = r.localSocket() == null ? ANY : new Hep3.End(r.protocol(), r.localSocket().local());
        hep(settings, from, to, bytes, null, null);
    }

    /** trace_mode=1: a message handed to a socket or connection (from the listener chosen for it). */
    void sent(Destination d, byte[] bytes) {
        SendSocket s = d.forcedSocket() != null ? d.forcedSocket() : core.transport().sendSocketFor(d);
        Hep3.End from = s == null ? ANY : new Hep3.End(s.protocol(), s.local());
        Hep3.End to = d.address() == null || d.address().isUnresolved() ? ANY
                : new Hep3.End(s == null ? d.protocol() : s.protocol(), d.address());
        hep(settings, from, to, bytes, null, null);
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private static java.net.InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return java.net.InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One traced transaction (siptrace's trace_transaction): what tm tells of its traffic becomes
     * traced messages, to {@code dst} (sip_trace(uri, ..., "t")) or duplicate_uri.
     */
    final class TransactionTrace implements Tap {
        private final InetSocketAddress dst;

        TransactionTrace(InetSocketAddress dst) {
            this.dst = dst;
        }

        /** Kamailio's trace_is_off on the transaction's request: trace_flag, when set, must be on it. */
        private boolean off(ServerTransaction st) {
            long mask = settings.traceFlagMask();
            return mask != 0 && !(st.scriptState instanceof MsgContext m && (m.flags & mask) != 0);
        }

        @Override
        public void requestSent(ServerTransaction st, Destination to, SendSocket from, byte[] bytes) {
            if (off(st)) {
                return;
            }
            ReceiveInfo r = st.from();
            Hep3.End src = from != null ? new Hep3.End(from.protocol(), from.local())
                    : r.localSocket() == null ? ANY : new Hep3.End(r.protocol(), r.localSocket().local());
            Hep3.End dstEnd = to.address() == null || to.address().isUnresolved() ? ANY : new Hep3.End(to.protocol(), to.address());
            store(src, dstEnd, bytes, null, "out", dst, null);
        }

        @Override
        public void replyReceived(ServerTransaction st, SipMessage reply, ReceiveInfo from) {
            if (off(st)) {
                return;
            }
            Hep3.End src = from.source() == null ? ANY : new Hep3.End(from.protocol(), from.source());
            Hep3.End to = from.localSocket() == null ? ANY : new Hep3.End(from.protocol(), from.localSocket().local());
            store(src, to, reply.toBytes(), reply, "in", dst, null);
        }

        /**
         * trace_onreq_out called for TMCB_E2ECANCEL_IN: the CANCEL "in", which Kamailio writes from the
         * socket that read it to "any:255.255.255.255:5060" (the callback has no destination), then
         * trace_onreply_out for the CANCEL's 200, from that socket to where it went.
         */
        @Override
        public void cancelReceived(ServerTransaction st, SipMessage cancel, ReceiveInfo from, byte[] ok, Destination replyTo) {
            if (off(st)) {
                return;
            }
            Hep3.End local = from.localSocket() == null ? ANY : new Hep3.End(from.protocol(), from.localSocket().local());
            store(local, ANY, cancel.toBytes(), cancel, "in", dst, null);
            Hep3.End to = replyTo == null || replyTo.address() == null || replyTo.address().isUnresolved() ? ANY
                    : new Hep3.End(replyTo.protocol(), replyTo.address());
            store(local, to, ok, null, "out", dst, null);
        }

        @Override
        public void replySent(ServerTransaction st, Destination to, byte[] bytes, int code) {
            if (off(st)) {
                return;
            }
            ReceiveInfo r = st.from();
            Hep3.End src = r.localSocket() == null ? ANY : new Hep3.End(r.protocol(), r.localSocket().local());
            Hep3.End dstEnd = to == null || to.address() == null || to.address().isUnresolved() ? ANY
                    : new Hep3.End(to.protocol(), to.address());
            store(src, dstEnd, bytes, null, "out", dst, null);
        }
    }
}
