package io.sipway.proxy.core;

import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import java.net.InetSocketAddress;

/**
 * RFC 5626 flow tokens as Kamailio's outbound module offers them to rr and path (its ob_binds API:
 * use_outbound, encode_flow_token, decode_flow_token). The outbound module installs one with
 * {@link Core#outbound(Outbound)} when it is loaded; without it rr and path behave as before.
 */
public interface Outbound {
    /** use_outbound: 0 not used; 1 an "outgoing" request (a token names the flow it came on); 2 an "incoming" one (copy the token of the top Route). */
    int use(MsgContext m);

    /** The flow token naming the flow a message came on (protocol, our socket, the peer), as a URI user part. */
    String encode(ReceiveInfo flow);

    /**
     * The flow a token names; null when the text is no flow token at all (Kamailio's -2, "outbound not
     * in use"); {@link BrokenToken} when it has a token's shape and fails its HMAC (tampered, or made
     * before a restart with another key).
     */
    Flow decode(String token) throws BrokenToken;

    /** A flow: the protocol, our socket's address and the peer's address. */
    record Flow(Protocol protocol, InetSocketAddress local, InetSocketAddress remote) {
    }

    /** A flow token that fails validation. */
    final class BrokenToken extends Exception {
        public BrokenToken(String why) {
            super(why, null, false, false);
        }
    }
}
