package io.sipway.tm;

import io.sipway.sip.SipMessage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replies a proxy writes itself (RFC 3261 8.2.6): the request's Vias, From, To (with a tag added
 * to every reply but 100), Call-ID and CSeq copied in order, then the headers a module adds, the
 * Server line and an empty body.
 */
public final class Replies {
    private Replies() {
    }

    /** A fresh To tag, as Kamailio makes one per reply it generates. */
    public static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFFFL);
    }

    /**
     * @param toTag  the tag to put on To when the request's To has none (ignored for 100); null = new one
     * @param server the core's server_header line as a whole ("Server: sipway (...)"), or null for none
     * @param extra  further header lines ("Name: value\r\n" each), or null
     */
    public static byte[] build(SipMessage request, int code, String reason, String toTag, String server, String extra) {
        StringBuilder b = new StringBuilder(256);
        b.append("SIP/2.0 ").append(code).append(' ').append(reason).append("\r\n");
        for (int i = 0; i < request.headerCount(); i++) {
            String name = request.headerName(i);
            switch (request.headerType(i)) {
                case VIA, FROM, CALL_ID, CSEQ -> b.append(name).append(": ").append(request.headerValue(i)).append("\r\n");
                case TO -> {
                    b.append(name).append(": ").append(request.headerValue(i));
                    if (code > 100 && request.toTag() == null) {
                        b.append(";tag=").append(toTag != null ? toTag : newTag());
                    }
                    b.append("\r\n");
                }
                default -> {
                    if (name.equalsIgnoreCase("Record-Route") && code > 100 && code < 300) {
                        b.append(name).append(": ").append(request.headerValue(i)).append("\r\n");
                    }
                }
            }
        }
        if (extra != null) {
            b.append(extra);
        }
        if (server != null) { // after the headers a module added, as Kamailio's build_res_buf_from_sip_req
            b.append(server).append("\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
