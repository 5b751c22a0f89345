package io.sipway.proxy.core;

import io.sipway.sip.SipUri;
import io.sipway.tm.LocalReplies;
import io.sipway.tm.TransactionLayer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests inside a dialog the proxy originates ({@link WithinRequest}), written as Kamailio's tm
 * writes them for t_request_within and handed to tm's {@link TransactionLayer#request} as
 * {@link UacRequests} hands a new one: the next hop is the first route when it is a loose router
 * (RFC 3261 12.2.1.1), else the remote target; resolved without waiting.
 */
final class WithinRequests {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.core");

    private final Core core;

    WithinRequests(Core core) {
        this.core = core;
    }

    /** See {@link Core#requestWithin}. */
    boolean send(WithinRequest r, LocalReplies replies) {
        TransactionLayer tm = core.tm;
        if (tm == null || r.method() == null || r.target() == null) {
            return false;
        }
        // RFC 3261 12.2.1.1: a loose first route stays a Route and is the next hop; a strict one
        // becomes the Request-URI and the remote target goes last in the Route set
        String ruri = r.target();
        List<String> routes = r.routeSet() == null ? List.of() : r.routeSet();
        SipUri hop;
        try {
            SipUri target = SipUri.parse(r.target());
            hop = target;
            if (!routes.isEmpty()) {
                SipUri first = SipUri.parse(uriOf(routes.get(0)));
                hop = first;
                if (first.param("lr") == null) {
                    ruri = uriOf(routes.get(0));
                    List<String> rest = new ArrayList<>(routes.subList(1, routes.size()));
                    rest.add("<" + r.target() + ">");
                    routes = rest;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("{} within a dialog: bad URI ({}): {}", r.method(), r.target(), e.getMessage());
            return false;
        }
        String requestUri = ruri;
        List<String> routeHeaders = routes;
        return UacRequests.sendTo(core, hop, r.socket(), r.method() + " within a dialog", via -> build(r, requestUri, routeHeaders, via), replies);
    }

    /** The URI inside a name-addr ({@code <sip:p1;lr>}), or the text itself. */
    static String uriOf(String nameAddr) {
        int lt = nameAddr.indexOf('<');
        int gt = nameAddr.indexOf('>', lt + 1);
        return lt >= 0 && gt > lt ? nameAddr.substring(lt + 1, gt) : nameAddr.trim();
    }

    /** The request around tm's Via, in build_uac_req's order. */
    byte[] build(WithinRequest r, String ruri, List<String> routes, String via) {
        byte[] body = r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
        String headers = r.headers();
        StringBuilder m = new StringBuilder(512 + (headers == null ? 0 : headers.length()));
        m.append(r.method()).append(' ').append(ruri).append(" SIP/2.0\r\n");
        m.append("Via: ").append(via).append("\r\n");
        if (!routes.isEmpty()) {
            m.append("Route: ").append(String.join(", ", routes)).append("\r\n");
        }
        m.append("To: ").append(UacRequests.nameAddr(r.remoteUri()));
        if (r.remoteTag() != null && !r.remoteTag().isEmpty()) {
            m.append(";tag=").append(r.remoteTag());
        }
        m.append("\r\n");
        m.append("From: ").append(UacRequests.nameAddr(r.localUri()));
        if (r.localTag() != null && !r.localTag().isEmpty()) {
            m.append(";tag=").append(r.localTag());
        }
        m.append("\r\n");
        m.append("CSeq: ").append(r.localCseq() + 1).append(' ').append(r.method()).append("\r\n");
        m.append("Call-ID: ").append(r.callId()).append("\r\n");
        if (headers == null || !headers.contains("Max-Forwards:")) {
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
}
