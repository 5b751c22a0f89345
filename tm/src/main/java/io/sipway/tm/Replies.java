package io.sipway.tm;

import io.sipway.sip.LocalReply;
import io.sipway.sip.SipMessage;
import io.sipway.transport.ReceiveInfo;

/**
 * Replies tm writes itself (RFC 3261 8.2.6, Kamailio's build_res_buf_from_sip_req), built by
 * sip-parser's {@link LocalReply} as the core's stateless replies are: the request's Vias (the top one
 * with received and rport as Kamailio writes them), From, To (with a tag added to every reply but
 * 100), Call-ID and CSeq copied in order, then the Server header and an empty body.
 */
public final class Replies {
    private Replies() {
    }

    /** A fresh To tag, as Kamailio makes one per reply it generates. */
    public static String newTag() {
        return LocalReply.newTag();
    }

    /**
     * @param toTag  the tag to put on To when the request's To has none (ignored for 100); null = new one
     * @param server the whole Server header line value, or null for none
     * @param extra  further header lines ("Name: value\r\n" each), or null
     */
    public static byte[] build(SipMessage request, int code, String reason, String toTag, String server, String extra) {
        return LocalReply.to(request).toTag(toTag).server(server).headers(extra).build(code, reason);
    }

    /** The same, to a request received from {@code from}: its top Via gets received and rport as Kamailio writes them. */
    static byte[] build(SipMessage request, ReceiveInfo from, boolean forceRport, int code, String reason, String toTag, String server,
            String extra) {
        LocalReply r = LocalReply.to(request).toTag(toTag).server(server).headers(extra);
        if (from != null && from.source() != null) {
            r.receivedFrom(from.source().getAddress(), from.source().getPort(), forceRport);
        }
        return r.build(code, reason);
    }
}
