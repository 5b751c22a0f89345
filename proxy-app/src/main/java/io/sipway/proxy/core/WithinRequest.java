package io.sipway.proxy.core;

import io.sipway.transport.SendSocket;
import java.util.List;

/**
 * A request the proxy originates inside an existing dialog (Kamailio's t_request_within with a
 * dlg_t, as the dialog module sends its BYEs), given to {@link Core#requestWithin}. It is written as
 * Kamailio's build_uac_req writes one for a confirmed dialog: the remote target as Request-URI (or,
 * behind a strict router, the first route), our Via, the route set as Route headers, To with the
 * remote tag, From with the local tag, {@code CSeq: localCseq+1 METHOD}, the dialog's Call-ID,
 * Content-Length, the core's {@code user_agent_header}, then {@code headers} and the body.
 *
 * @param method     the method ({@code BYE})
 * @param target     the remote target: the peer's Contact URI
 * @param routeSet   the route set, nearest hop first, each a name-addr as Record-Route wrote it; empty: none
 * @param localUri   From's URI (the side the proxy speaks for)
 * @param localTag   From's tag
 * @param remoteUri  To's URI
 * @param remoteTag  To's tag
 * @param callId     the dialog's Call-ID
 * @param localCseq  the last CSeq number the local side used: the request gets the next one
 * @param headers    further header lines, each ending in CRLF; null: none
 * @param body       the body; null: none
 * @param socket     the listener it leaves from; null: the transport's choice
 */
public record WithinRequest(String method, String target, List<String> routeSet, String localUri, String localTag,
                            String remoteUri, String remoteTag, String callId, long localCseq, String headers, String body,
                            SendSocket socket) {
}
