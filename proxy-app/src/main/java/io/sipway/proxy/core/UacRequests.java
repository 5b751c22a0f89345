package io.sipway.proxy.core;

import io.sipway.sip.SipUri;
import io.sipway.tm.LocalReplies;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import io.sipway.transport.SipTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the proxy originates, written as Kamailio's tm writes them for t_uac
 * ({@link LocalRequest}) and handed to tm's {@link TransactionLayer#request}. The next hop is
 * resolved as t_relay's is, through the transport's resolver, without waiting: at once for an
 * address or a cached name, else when DNS answers (the request then leaves from that listener's thread,
 * tm handing it to an event loop).
 */
final class UacRequests {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.core");
    /** Kamailio's DEFAULT_CSEQ for a request of a new dialog. */
    static final int FIRST_CSEQ = 10;

    private final Core core;
    /** Kamailio's Call-ID: a per-start prefix, a counter, our address. */
    private final String callIdPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 60);
    private final AtomicLong callIds = new AtomicLong();

    UacRequests(Core core) {
        this.core = core;
    }

    /** See {@link Core#request}. */
    boolean send(LocalRequest r, LocalReplies replies) {
        return send(r, replies, null, FIRST_CSEQ);
    }

    /** See {@link Core#requestWithin}: {@code fromTag} null for a new one. */
    boolean send(LocalRequest r, LocalReplies replies, String fromTag, long cseq) {
        TransactionLayer tm = core.tm;
        if (tm == null || r.method() == null || r.method().isEmpty() || r.ruri() == null) {
            return false;
        }
        SipUri hop;
        try {
            SipUri.parse(r.ruri());
            hop = SipUri.parse(r.outboundUri() != null && !r.outboundUri().isEmpty() ? r.outboundUri() : r.ruri());
        } catch (RuntimeException e) {
            LOG.error("local {} request: bad URI ({}): {}", r.method(), r.outboundUri() != null ? r.outboundUri() : r.ruri(), e.getMessage());
            return false;
        }
        return sendTo(core, hop, r.socket(), "local " + r.method() + " request", via -> build(r, via, fromTag, cseq), replies);
    }

    /**
     * Resolves {@code hop} without waiting and hands tm the request {@code build} writes around its
     * Via: at once for an address or a cached name, else when DNS answers (478 to {@code replies}
     * when the name does not resolve, 500 when tm refuses it then). False when it fails at once.
     */
    static boolean sendTo(Core core, SipUri hop, io.sipway.transport.SendSocket socket, String what,
                          java.util.function.Function<String, byte[]> build, LocalReplies replies) {
        TransactionLayer tm = core.tm;
        io.netty.util.concurrent.Future<List<SipTarget>> targets = core.resolver().resolve(hop, NextHops.here());
        if (targets.isDone()) {
            Destination to = first(targets, socket);
            if (to == null) {
                LOG.error("{}: {} does not resolve", what, hop);
                return false;
            }
            return tm.request(new TransactionLayer.Target(to, build::apply), replies);
        }
        targets.addListener(f -> {
            Destination to = first(targets, socket);
            if (to == null) {
                LOG.error("{}: {} does not resolve", what, hop);
                replies.onReply(null, 478, null);
            } else if (!tm.request(new TransactionLayer.Target(to, build::apply), replies)) {
                replies.onReply(null, 500, null);
            }
        });
        return true;
    }

    private static Destination first(io.netty.util.concurrent.Future<List<SipTarget>> f, io.sipway.transport.SendSocket socket) {
        List<SipTarget> list = f.isSuccess() ? f.getNow() : null;
        if (list == null || list.isEmpty()) {
            return null;
        }
        Destination d = list.get(0).destination();
        return socket != null ? d.withForcedSocket(socket) : d;
    }

    /** The request around tm's Via, in build_uac_req's order. */
    byte[] build(LocalRequest r, String via) {
        return build(r, via, null, FIRST_CSEQ);
    }

    private byte[] build(LocalRequest r, String via, String fromTag, long cseq) {
        byte[] body = r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
        String headers = r.headers();
        StringBuilder m = new StringBuilder(512 + (headers == null ? 0 : headers.length()));
        m.append(r.method()).append(' ').append(r.ruri()).append(" SIP/2.0\r\n");
        m.append("Via: ").append(via).append("\r\n");
        m.append("To: ").append(nameAddr(r.to() != null ? r.to() : r.ruri())).append("\r\n");
        m.append("From: ").append(nameAddr(r.from() != null ? r.from() : r.ruri())).append(";tag=")
                .append(fromTag != null ? fromTag : newTag()).append("\r\n");
        m.append("CSeq: ").append(cseq).append(' ').append(r.method()).append("\r\n");
        m.append("Call-ID: ").append(r.callId() != null ? r.callId() : newCallId(via)).append("\r\n");
        if (headers == null || !headers.contains("Max-Forwards:")) { // as Kamailio looks for it: case and all
            m.append("Max-Forwards: 70\r\n");
        }
        m.append("Content-Length: ").append(body.length).append("\r\n");
        String ua = core.tm.settings().userAgent();
        if (ua != null) {
            m.append(ua).append("\r\n");
        }
        if (headers != null && headers.length() > 2) {
            m.append(headers);
            if (!headers.endsWith("\n")) {
                m.append("\r\n");
            }
        }
        m.append("\r\n");
        byte[] head = m.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** A URI goes in angle brackets unless it is a name-addr already (its last '>' ends it or precedes parameters). */
    static String nameAddr(String uri) {
        int gt = uri.lastIndexOf('>');
        if (gt >= 0 && (gt == uri.length() - 1 || uri.charAt(gt + 1) == ';')) {
            return uri;
        }
        return "<" + uri + ">";
    }

    private static String newTag() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | 1L << 63) + Long.toHexString(r.nextLong() | 1L << 63);
    }

    /** prefix-counter@host, the host our Via names. */
    private String newCallId(String via) {
        int sp = via.indexOf(' ');
        int semi = via.indexOf(';', sp + 1);
        String hostPort = via.substring(sp + 1, semi < 0 ? via.length() : semi);
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 && hostPort.indexOf(']') < colon ? hostPort.substring(0, colon) : hostPort;
        return callIdPrefix + "-" + callIds.incrementAndGet() + "@" + host;
    }
}
