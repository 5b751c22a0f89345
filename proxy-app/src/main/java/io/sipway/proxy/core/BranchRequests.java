package io.sipway.proxy.core;

import io.sipway.sip.HeaderName;
import io.sipway.sip.MessageEditor;
import io.sipway.sip.SipMessage;
import io.sipway.sip.ViaReceived;
import io.sipway.tm.TransactionLayer;
import io.sipway.transport.Destination;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;

/**
 * What a branch request is made of beyond tm's Via: the script's changes (R-URI, Max-Forwards,
 * Route removal, headers, textops' rewrites), Record-Route as Kamailio's rr writes it (double when
 * the socket changes, {@code enable_double_rr}, {@code append_fromtag}, {@code enable_full_lr}),
 * and the received/rport of the Via it came with.
 */
final class BranchRequests {
    private final Core core;
    private int doubleRr = 1;
    private boolean appendFromtag = true;
    private boolean fullLr;

    BranchRequests(Core core) {
        this.core = core;
    }

    /**
     * The rr module's parameters: {@code enable_double_rr} (0 never, 1 when the outbound socket
     * differs from the receiving one, 2 always), {@code append_fromtag}, {@code enable_full_lr}.
     */
    void recordRouteSettings(int doubleRr, boolean appendFromtag, boolean fullLr) {
        this.doubleRr = doubleRr;
        this.appendFromtag = appendFromtag;
        this.fullLr = fullLr;
    }

    /**
     * A Record-Route value as Kamailio's rr writes it for a socket:
     * {@code <sip:ip[:port][;transport=x][;r2=on];lr[;ftag=tag][params]>}, the port left out when
     * 5060, no transport for UDP, {@code transport=ws} for WS and WSS sockets alike.
     */
    String recordRouteFor(SendSocket s, boolean r2, MsgContext ctx) {
        return recordRouteFor(s, s.protocol(), r2, ctx);
    }

    /**
     * The same for a message that comes or goes over {@code proto} on socket {@code s}: a WebSocket
     * connection (WS or WSS) lives on a tcp or tls listener, and its Record-Route says transport=ws.
     */
    String recordRouteFor(SendSocket s, Protocol proto, boolean r2, MsgContext ctx) {
        StringBuilder b = new StringBuilder(64).append("<sip:");
        if (ctx.recordRouteUser != null) { // outbound's flow token (rr's build_rr puts it in both of a double Record-Route)
            b.append(ctx.recordRouteUser).append('@');
        }
        address(b, s, proto);
        if (r2) {
            b.append(";r2=on");
        }
        b.append(fullLr ? ";lr=on" : ";lr");
        return fromTagAndParams(b, ctx).append('>').toString();
    }

    /** add_path's value: {@code <sip:[user@]ip[:port][;transport=x];lr[;received=...][;params]>}, as Kamailio 5.6.3 writes it. */
    String pathFor(SendSocket s, Protocol proto, MsgContext ctx) {
        StringBuilder b = new StringBuilder(64).append("<sip:");
        if (ctx.pathUser != null) {
            b.append(ctx.pathUser).append('@');
        }
        return address(b, s, proto).append(ctx.pathTail).toString();
    }

    /** A socket's address in a URI: {@code ip[:port][;transport=x]}, no port for 5060, no transport for UDP, ws for WS and WSS. */
    private static StringBuilder address(StringBuilder b, SendSocket s, Protocol proto) {
        InetSocketAddress a = s.local();
        if (a.getAddress() instanceof java.net.Inet6Address) {
            b.append('[').append(a.getAddress().getHostAddress()).append(']');
        } else {
            b.append(a.getAddress().getHostAddress());
        }
        if (a.getPort() != 5060) {
            b.append(':').append(a.getPort());
        }
        Protocol p = proto == Protocol.WS || proto == Protocol.WSS ? proto : s.protocol();
        if (p != Protocol.UDP) {
            b.append(";transport=").append(p == Protocol.WSS ? "ws" : p.text());
        }
        return b;
    }

    /** record_route_preset's URI: {@code <sip:preset[;ftag=tag][params];lr>}. */
    String recordRoutePreset(String preset, MsgContext ctx) {
        String uri = preset.regionMatches(true, 0, "sip:", 0, 4) ? preset.substring(4) : preset;
        StringBuilder b = new StringBuilder(64).append("<sip:");
        if (ctx.recordRouteUser != null) {
            b.append(ctx.recordRouteUser).append('@');
        }
        b.append(uri);
        return fromTagAndParams(b, ctx).append(fullLr ? ";lr=on>" : ";lr>").toString();
    }

    private StringBuilder fromTagAndParams(StringBuilder b, MsgContext ctx) {
        if (appendFromtag) {
            String tag = ctx.msg.fromTag();
            if (tag != null && !tag.isEmpty()) {
                b.append(";ftag=").append(tag);
            }
        }
        return b.append(ctx.recordRouteParams);
    }

    /** Whether two sockets differ in protocol, address or port (rr's enable_double_rr=1 test). */
    private static boolean differ(SendSocket in, Protocol inProto, SendSocket out, Protocol outProto) {
        return out != null && (effective(out, outProto) != effective(in, inProto) || !out.local().equals(in.local()));
    }

    /** WS and WSS ride on tcp and tls sockets; for rr they are protocols of their own. */
    private static Protocol effective(SendSocket s, Protocol p) {
        return p == Protocol.WS || p == Protocol.WSS ? p : s.protocol();
    }

    /** The request of one branch, with the script's changes, for tm to put its Via on top of. */
    TransactionLayer.BranchRequest branchRequest(MsgContext ctx, String ruri, Destination to) {
        return branchRequest(ctx, ruri, ctx.pathVector, to);
    }

    /** The request of one branch whose path vector ({@link MsgContext#pathVector}, or a lookup branch's) is {@code path}. */
    TransactionLayer.BranchRequest branchRequest(MsgContext ctx, String ruri, String path, Destination to) {
        return via -> {
            SipMessage m = ctx.msg;
            if (ctx.textEdits != null && !ctx.textEdits.isEmpty()) {
                m = ctx.textEdits.rewritten(); // textops' rewrites of the text first; the edits below go on top
            }
            MessageEditor e = m.edit();
            if (!ruri.equals(m.requestUriString())) {
                e.setRequestUri(ruri);
            }
            if (ctx.maxForwards >= 0) {
                maxForwards(e, m, ctx.maxForwards); // before the Vias: an added one goes on top of them
            }
            e.prependVia(via);
            if (path != null) {
                // right under our Via when there is no Route, above the first Via even as rewritten below (Kamailio 5.6.3)
                e.addPathAsRoute(path);
            }
            String top = receivedVia(ctx);
            if (top != null) {
                e.removeFirstValue(HeaderName.VIA);
                e.prependVia(top);
            }
            for (int i = 0; i < ctx.routesToRemove; i++) {
                e.removeFirstValue(HeaderName.ROUTE);
            }
            if (ctx.recordRoute && !m.methodName().equals("ACK") && !m.methodName().equals("CANCEL")) {
                if (ctx.recordRoutePreset != null) {
                    for (String preset : ctx.recordRoutePreset) { // the first one on top (added values keep their order)
                        e.addRecordRoute(recordRoutePreset(preset, ctx));
                    }
                } else {
                    SendSocket in = ctx.from.localSocket();
                    SendSocket out = core.transport.sendSocketFor(to);
                    if (doubleRr == 2 || (doubleRr == 1 && differ(in, ctx.from.protocol(), out, to.protocol()))) {
                        // Kamailio's double Record-Route (r2=on): the outbound one on top, then the inbound one
                        e.addRecordRoute(recordRouteFor(out != null ? out : in, to.protocol(), true, ctx));
                        e.addRecordRoute(recordRouteFor(in, ctx.from.protocol(), true, ctx));
                    } else {
                        e.addRecordRoute(recordRouteFor(in, ctx.from.protocol(), false, ctx));
                    }
                }
            }
            if (ctx.pathTail != null) { // add_path(): first of the Path values (RFC 3327), our outgoing address
                SendSocket out = core.transport.sendSocketFor(to);
                e.addFirst("Path", pathFor(out != null ? out : ctx.from.localSocket(), to.protocol(), ctx));
            }
            for (String name : ctx.removed) {
                e.remove(name);
            }
            for (String[] h : ctx.appended) {
                e.append(h[0], h[1]);
            }
            return e.toBytes();
        };
    }

    /**
     * Max-Forwards as Kamailio's maxfwd writes it: the new value over the old one's digits, padded with
     * spaces to their width ({@code 255} becomes {@code " 70"}); a missing header is added before all others.
     */
    private static void maxForwards(MessageEditor e, SipMessage m, int value) {
        String old = m.header(HeaderName.MAX_FORWARDS);
        String v = Integer.toString(value);
        if (old == null) {
            e.addFirst("Max-Forwards", v);
        } else {
            e.set("Max-Forwards", old.length() > v.length() ? " ".repeat(old.length() - v.length()) + v : v);
        }
    }

    /** The top Via as it goes on with received and rport (RFC 3261 18.2.1, RFC 3581), or null when it stays as written. */
    private static String receivedVia(MsgContext ctx) {
        InetSocketAddress src = ctx.from.source();
        return ViaReceived.forwarded(ctx.msg, src.getAddress(), src.getPort(), ctx.forceRport);
    }
}
