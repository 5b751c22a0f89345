package io.sipway.proxy.wire;

import static io.sipway.proxy.wire.WireProxy.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replies Sipway writes itself carry received and rport on the top Via as Kamailio 5.6.3 writes them
 * (RFC 3261 18.2.1, RFC 3581: rport=source port when the Via has rport or the script forced it;
 * received when the Via has rport or received, or its host is not the source address), and a request
 * sent on has them where Kamailio puts them. Expected values: Kamailio's replies to the same bytes.
 */
@Timeout(30)
class LocalReplyViaTest {

    @Test
    void anSlReplyToAViaWithRportCarriesRportValueAndReceived() throws Exception {
        try (WireProxy p = WireProxy.relay(Map.of()); UdpClient uac = new UdpClient(p.port)) {
            String sent = uac.send(request("OPTIONS", "sip:reply404@127.0.0.1:" + p.port));
            SipMessage reply = uac.receive();
            assertThat(reply.statusCode()).isEqualTo(404);
            String branch = sent.substring(sent.indexOf("branch=") + 7, sent.indexOf(";rport"));
            assertThat(reply.header("Via"))
                    .isEqualTo("SIP/2.0/UDP 127.0.0.1:" + uac.port() + ";branch=" + branch + ";rport=" + uac.port() + ";received=127.0.0.1");
        }
    }

    @Test
    void tmsOwnRepliesCarryThemToo() throws Exception {
        try (WireProxy p = WireProxy.relay(Map.of()); UdpClient uac = new UdpClient(p.port); UdpClient uas = new UdpClient(p.port, p.nextHop)) {
            String sent = uac.send(request("INVITE", "sip:bob@127.0.0.1:" + p.port));
            SipMessage trying = io.sipway.sip.SipParser.parse(uac.receiveRaw().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(trying.statusCode()).isEqualTo(100);
            String branch = sent.substring(sent.indexOf("branch=") + 7, sent.indexOf(";rport"));
            assertThat(trying.header("Via"))
                    .isEqualTo("SIP/2.0/UDP 127.0.0.1:" + uac.port() + ";branch=" + branch + ";rport=" + uac.port() + ";received=127.0.0.1");
            SipMessage invite = uas.receive();
            assertThat(invite.methodName()).isEqualTo("INVITE");
            // the UAS never answers: fr_timer (2 s) ends the branch and tm answers 408 itself
            SipMessage timeout = uac.receive();
            assertThat(timeout.statusCode()).isEqualTo(408);
            assertThat(timeout.header("Via")).endsWith(";rport=" + uac.port() + ";received=127.0.0.1");
        }
    }

    @Test
    void aViaWhoseHostIsNotTheSourceGetsReceivedOnly() throws Exception {
        try (WireProxy p = WireProxy.relay(Map.of()); UdpClient uac = new UdpClient(p.port)) {
            uac.send(request("OPTIONS", "sip:reply404@127.0.0.1:" + p.port, "Via: SIP/2.0/UDP 10.0.0.1:{port};branch={branch}"));
            SipMessage reply = uac.receive(); // to the source address and the Via's port (RFC 3261 18.2.2)
            assertThat(reply.header("Via")).matches("SIP/2\\.0/UDP 10\\.0\\.0\\.1:" + uac.port() + ";branch=z9hG4bKw\\d+;received=127\\.0\\.0\\.1");
        }
    }

    @Test
    void forceRportAddsTheValueWithoutReceivedWhenTheHostIsTheSourceInRepliesAndRelayedRequests() throws Exception {
        try (WireProxy p = WireProxy.relay(Map.of("FORCE_RPORT", ""));
                UdpClient uac = new UdpClient(p.port);
                UdpClient uas = new UdpClient(p.port, p.nextHop)) {
            uac.send(request("OPTIONS", "sip:reply404@127.0.0.1:" + p.port, "Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch}"));
            assertThat(uac.receive().header("Via")).matches("SIP/2\\.0/UDP 127\\.0\\.0\\.1:" + uac.port() + ";branch=z9hG4bKw\\d+;rport=" + uac.port());

            uac.send(request("OPTIONS", "sip:bob@127.0.0.1:" + p.port, "Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch}"));
            SipMessage relayed = uas.receive();
            assertThat(relayed.vias().get(1).toString()).as("rport right after sent-by, no received (Kamailio's request lump)")
                    .matches("SIP/2\\.0/UDP 127\\.0\\.0\\.1:" + uac.port() + ";rport=" + uac.port() + ";branch=z9hG4bKw\\d+");
        }
    }

    @Test
    void theRegistrarsOkFromDebiansDefaultScriptCarriesThem() throws Exception {
        try (WireProxy p = WireProxy.debianDefault(); UdpClient uac = new UdpClient(p.port)) {
            uac.send(request("REGISTER", "sip:127.0.0.1:" + p.port, "Contact: <sip:bob@127.0.0.1:{port}>"));
            SipMessage ok = uac.receive();
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.topVia().rport()).isEqualTo(uac.port());
            assertThat(ok.topVia().received()).isEqualTo("127.0.0.1");
            assertThat(ok.header("Via")).endsWith(";rport=" + uac.port() + ";received=127.0.0.1");
        }
    }
}
