package io.sipway.proxy.core;

import io.sipway.transport.SendSocket;

/**
 * A request the proxy originates (Kamailio's t_request / t_uac, as uac_req_send, dispatcher's
 * probing, dialog's BYEs call it), given to {@link Core#request}. Kamailio's tm writes it as
 * {@code build_uac_req} does: request line, our Via, To, From with a new tag, {@code CSeq: 10 METHOD},
 * Call-ID, {@code Max-Forwards: 70} (unless {@code headers} carry one), Content-Length, the core's
 * {@code user_agent_header}, then {@code headers} and the body.
 *
 * @param method      the method ({@code OPTIONS})
 * @param ruri        the Request-URI
 * @param from        From's URI (or name-addr); null: the Request-URI
 * @param to          To's URI (or name-addr); null: the Request-URI
 * @param headers     further header lines, each ending in CRLF (the last one's CRLF may be missing); null: none
 * @param body        the body; null: none
 * @param outboundUri where the request goes instead of the Request-URI's host (an outbound proxy,
 *                    dispatcher's destination); null: the Request-URI
 * @param callId      the Call-ID; null: a new one
 * @param socket      the listener it leaves from; null: the transport's choice for the destination
 */
public record LocalRequest(String method, String ruri, String from, String to, String headers, String body,
                           String outboundUri, String callId, SendSocket socket) {

    /** {@code method} to {@code ruri}, From and To the Request-URI, nothing else. */
    public static LocalRequest of(String method, String ruri) {
        return new LocalRequest(method, ruri, null, null, null, null, null, null, null);
    }
}
