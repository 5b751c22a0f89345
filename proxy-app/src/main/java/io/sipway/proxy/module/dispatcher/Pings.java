package io.sipway.proxy.module.dispatcher;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.MsgContext;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import io.sipway.transport.SendSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The pings of probing as tm's local requests (Kamailio's tmb.t_request with TMCB_LOCAL_COMPLETED):
 * R-URI and To the destination, From ds_ping_from (or the ping_from attribute), sent to the
 * outbound proxy when there is one. Nothing here waits: the next hop is resolved as t_relay's is
 * (at once for an address, else when DNS answers), and tm calls back on the transaction's loop with
 * the final reply, or its own 408 after fr_timer.
 */
final class Pings implements Prober.Sender {
    private final Core core;
    private final Function<String, MsgContext> faked;
    private final String callIdPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 60);
    private final AtomicLong callIds = new AtomicLong();

    Pings(Core core, Function<String, MsgContext> faked) {
        this.core = core;
        this.faked = faked;
    }

    @Override
    public boolean send(String method, String uri, String from, String obproxy, SendSocket socket, Prober.Reply done) {
        TransactionLayer tm = core.tm();
        if (tm == null) {
            return false;
        }
        MsgContext ctx = faked.apply(uri);
        ctx.forcedSocket = socket;
        io.netty.util.concurrent.Future<Destination> hop;
        try {
            hop = core.destination(ctx, obproxy == null || obproxy.isEmpty() ? uri : obproxy);
        } catch (RuntimeException e) {
            return false;
        }
        Runnable go = () -> {
            Destination to = hop.isSuccess() ? hop.getNow() : null;
            boolean sent = to != null && tm.request(new TransactionLayer.Target(to, via -> build(method, uri, from, via)),
                    (request, code, reply) -> {
                        if (code >= 200) {
                            done.onReply(code, reply == null ? null : reply.reasonPhrase(), reply != null);
                        }
                    });
            if (!sent) {
                done.onReply(500, "Sending keepalive failed", false);
            }
        };
        if (hop.isDone()) {
            go.run();
        } else {
            hop.addListener(f -> go.run());
        }
        return true;
    }

    /** The request around tm's Via, in the order Kamailio's build_uac_req writes it. */
    private byte[] build(String method, String uri, String from, String via) {
        StringBuilder m = new StringBuilder(400);
        m.append(method).append(' ').append(uri).append(" SIP/2.0\r\n");
        m.append("Via: ").append(via).append("\r\n");
        m.append("To: <").append(uri).append(">\r\n");
        m.append("From: ").append(from.indexOf('<') >= 0 ? from : "<" + from + ">").append(";tag=").append(Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 63))
                .append("\r\n");
        m.append("CSeq: 10 ").append(method).append("\r\n");
        m.append("Call-ID: ").append(callIdPrefix).append('-').append(callIds.incrementAndGet()).append("@sipway\r\n");
        m.append("Max-Forwards: 70\r\n");
        m.append("Content-Length: 0\r\n");
        String ua = core.tm().settings().userAgent();
        if (ua != null) {
            m.append(ua).append("\r\n");
        }
        m.append("\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }
}
