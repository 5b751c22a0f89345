package io.sipway.proxy.core;

import io.sipway.sip.SipMessage;
import io.sipway.sip.SipParser;
import io.sipway.transport.Protocol;
import io.sipway.transport.ReceiveInfo;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Kamailio's faked message (core/fmsg.c): what routes that have no message of their own run on
 * (event_route[htable:mod-init], an rtimer's route): an OPTIONS to sip:you@kamailio.org, "received"
 * over UDP from 127.0.0.1:5060 on the first listening socket.
 */
public final class FakedMessage {
    private FakedMessage() {
    }

    public static MsgContext of(Core core) {
        SipMessage m = SipParser.parse(("OPTIONS sip:you@kamailio.org SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n"
                + "From: <sip:you@kamailio.org>;tag=notag\r\nTo: <sip:you@kamailio.org>;tag=notag\r\nCall-ID: 0\r\n"
                + "Max-Forwards: 0\r\nCSeq: 0 OPTIONS\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        List<SendSocket> sockets = core.transport().sockets();
        ReceiveInfo from = new ReceiveInfo(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5060), sockets.isEmpty() ? null : sockets.get(0), 0);
        return new MsgContext(m, from);
    }
}
