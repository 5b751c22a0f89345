package io.sipway.sip;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A reply a proxy writes itself to a request it received (RFC 3261 8.2.6, Kamailio's
 * build_res_buf_from_sip_req): the request's Vias, From, To (a tag added to every reply but 100 when
 * the To has none), Call-ID and CSeq copied in order, Record-Route for 101..299, then any header
 * lines of the caller's (a module's), the Server line (the core's server_header) and an empty body. With {@link #receivedFrom} the top Via
 * carries received and rport as Kamailio writes them ({@link ViaReceived}).
 *
 * <pre>{@code byte[] bytes = LocalReply.to(request).receivedFrom(ip, port, forceRport).server("Server: sipway").build(404, "Not Found");}</pre>
 */
public final class LocalReply {
    private final SipMessage request;
    private InetAddress source;
    private int sourcePort;
    private boolean forceRport;
    private String toTag;
    private String server;
    private String headers;

    private LocalReply(SipMessage request) {
        this.request = request;
    }

    /** A reply to {@code request} (which must be a request). */
    public static LocalReply to(SipMessage request) {
        if (!request.isRequest()) {
            throw new IllegalArgumentException("a local reply answers a request");
        }
        return new LocalReply(request);
    }

    /** Where the request came from, and whether the script asked for rport ({@code force_rport()}). */
    public LocalReply receivedFrom(InetAddress address, int port, boolean forceRport) {
        this.source = address;
        this.sourcePort = port;
        this.forceRport = forceRport;
        return this;
    }

    /** The tag put on a To without one (ignored for 100); by default a new random one per reply. */
    public LocalReply toTag(String tag) {
        this.toTag = tag;
        return this;
    }

    /** The Server header as a whole line without its CRLF ({@code "Server: sipway (...)"}: server_header); none by default. */
    public LocalReply server(String line) {
        this.server = line;
        return this;
    }

    /** Further header lines, {@code "Name: value\r\n"} each; none by default. */
    public LocalReply headers(String lines) {
        this.headers = lines;
        return this;
    }

    /** A fresh To tag (48 random bits in hex). */
    public static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFFFL);
    }

    /** The reply's bytes. */
    public byte[] build(int code, String reason) {
        StringBuilder b = new StringBuilder(256);
        b.append("SIP/2.0 ").append(code).append(' ').append(reason).append("\r\n");
        String firstVia = source == null ? null : ViaReceived.inLocalReply(request, source, sourcePort, forceRport);
        boolean viaSeen = false;
        for (int i = 0; i < request.headerCount(); i++) {
            HeaderName type = request.headerType(i);
            switch (type) {
                case VIA -> {
                    String value = viaSeen || firstVia == null ? request.headerValue(i) : firstVia;
                    viaSeen = true;
                    line(b, request, i, value);
                }
                case FROM, CALL_ID, CSEQ -> line(b, request, i, request.headerValue(i));
                case TO -> {
                    b.append(request.headerName(i)).append(": ").append(request.headerValue(i));
                    if (code > 100 && request.toTag() == null) {
                        b.append(";tag=").append(toTag != null ? toTag : newTag());
                    }
                    b.append("\r\n");
                }
                case RECORD_ROUTE -> {
                    if (code > 100 && code < 300) {
                        line(b, request, i, request.headerValue(i));
                    }
                }
                default -> {
                    // other headers stay out of a local reply
                }
            }
        }
        if (headers != null) {
            b.append(headers);
        }
        if (server != null) { // after the headers a module added, as Kamailio's build_res_buf_from_sip_req
            b.append(server).append("\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder b, SipMessage request, int i, String value) {
        b.append(request.headerName(i)).append(": ").append(value).append("\r\n");
    }
}
