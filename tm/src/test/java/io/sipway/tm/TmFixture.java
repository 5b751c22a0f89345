package io.sipway.tm;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy's tm on virtual time and a recording wire: a caller (UAC) sends requests, tm forwards
 * them to callees, the test plays the callees' replies and lets time pass. Times in ms; the
 * settings are Kamailio's defaults unless a test changes them (T1 500, T2 4000, fr_timer 30 s,
 * fr_inv_timer 120 s, wt_timer 5 s).
 */
final class TmFixture {
    static final InetSocketAddress CALLER = new InetSocketAddress("198.51.100.1", 5060);
    static final InetSocketAddress CALLEE = new InetSocketAddress("192.0.2.20", 5060);
    static final InetSocketAddress CALLEE2 = new InetSocketAddress("192.0.2.21", 5060);

    final FakeTimers timers = new FakeTimers();
    final FakeWire wire = new FakeWire(timers);
    /** failure_route calls: the code of the best reply; {@link #onFailure} may open a new leg. */
    final List<Integer> failures = new ArrayList<>();
    java.util.function.Consumer<ServerTransaction> onFailure;
    /** onreply_route, for a transaction that armed one ({@code st.onReplyRoute}). */
    java.util.function.BiConsumer<ServerTransaction, SipMessage> onReply;
    final TransactionLayer tm;
    private int calls;

    TmFixture() {
        this(TmSettings.defaults());
    }

    TmFixture(TmSettings settings) {
        this(settings, Loops.none());
    }

    /** Transactions on these loops, turned by the test (each transaction on the one that created it). */
    TmFixture(FakeLoop... loops) {
        this(TmSettings.defaults(), Loops.ofEach(loops));
    }

    private TmFixture(TmSettings settings, Loops loops) {
        tm = new TransactionLayer(wire, loops, timers, settings, new TransactionLayer.Hooks() {
            @Override
            public boolean onFailure(ServerTransaction st, Object route, int code) {
                failures.add(code);
                if (onFailure != null) {
                    onFailure.accept(st);
                }
                return true;
            }

            @Override
            public SipMessage onReply(ServerTransaction st, SipMessage reply, ReceiveInfo from) {
                if (onReply != null) {
                    onReply.accept(st, reply);
                }
                return reply;
            }
        });
    }

    /** A request from the caller, over {@code p}; each call is a new one (its own Call-ID and branch). */
    SipMessage request(String method, Protocol p) {
        calls++;
        return parse(method + " sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/" + p.text().toUpperCase() + " 198.51.100.1:5060;branch=z9hG4bK-caller-" + calls + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=alice\r\nTo: <sip:bob@example.com>\r\n"
                + "Call-ID: call-" + calls + "@198.51.100.1\r\nCSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n");
    }

    /** The ACK or CANCEL the caller sends for {@code invite} (same top Via: the same transaction, RFC 3261 17.1.1.3, 9.1). */
    static SipMessage sameTransaction(SipMessage invite, String method, String toTag) {
        return parse(method + " sip:bob@example.com SIP/2.0\r\nVia: " + invite.header("Via") + "\r\nMax-Forwards: 70\r\n"
                + "From: " + invite.header("From") + "\r\nTo: " + invite.header("To") + (toTag == null ? "" : ";tag=" + toTag)
                + "\r\nCall-ID: " + invite.callId() + "\r\nCSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n");
    }

    static ReceiveInfo fromCaller(Protocol p) {
        return new ReceiveInfo(p, CALLER, new SendSocket(p == Protocol.UDP ? Protocol.UDP : Protocol.TCP, FakeWire.US), 0);
    }

    /** t_newtran for a new request from the caller. */
    ServerTransaction receive(String method, Protocol p) {
        SipMessage req = request(method, p);
        return tm.create(req, fromCaller(p), Destination.to(p, CALLER));
    }

    /** t_relay to one callee; the branch it opened. */
    ClientBranch relay(ServerTransaction st, Protocol p, InetSocketAddress callee) {
        int before = st.branches.size();
        tm.relay(st, List.of(target(st, p, callee)));
        return st.branches.size() > before ? st.branches.get(st.branches.size() - 1) : null;
    }

    /** The request as a proxy forwards it: our Via on top, Max-Forwards one less. */
    static TransactionLayer.Target target(ServerTransaction st, Protocol p, InetSocketAddress callee) {
        return target(st.request(), p, callee);
    }

    static TransactionLayer.Target target(SipMessage r, Protocol p, InetSocketAddress callee) {
        return new TransactionLayer.Target(Destination.to(p, callee), via -> (r.methodName() + " sip:bob@" + callee.getHostString()
                + " SIP/2.0\r\nVia: " + via + "\r\nVia: " + r.header("Via") + "\r\nMax-Forwards: 69\r\nFrom: " + r.header("From")
                + "\r\nTo: " + r.header("To") + "\r\nCall-ID: " + r.callId() + "\r\nCSeq: " + r.header("CSeq")
                + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The callee answers the branch's request with {@code code} (To tag "callee" from 101 up); true when tm took it. */
    boolean reply(ClientBranch b, int code) {
        SipMessage request = b.sent != null ? b.sent : SipParser.parse(b.bytes);
        SipMessage reply = SipParser.parse(Replies.build(request, code, "Reason", "callee", null, null));
        return tm.onReply(reply, new ReceiveInfo(b.to.protocol(), b.to.address(), new SendSocket(Protocol.UDP, FakeWire.US), 0));
    }

    /** tm's CANCEL client transaction of {@code b}, or null when none was sent. */
    static ClientBranch cancelOf(ClientBranch b) {
        if (b.server.cancels == null) {
            return null;
        }
        for (ClientBranch c : b.server.cancels) {
            if (c.branch.equals(b.branch)) {
                return c;
            }
        }
        return null;
    }

    void advance(long ms) {
        timers.advance(ms);
    }

    void advanceTo(long ms) {
        timers.advanceToMs(ms);
    }

    static SipMessage parse(String text) {
        return SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
