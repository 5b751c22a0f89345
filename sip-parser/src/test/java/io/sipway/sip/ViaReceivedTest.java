package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * received and rport on the top Via (RFC 3261 18.2.1, RFC 3581) of a request sent on and of a reply
 * of our own. The expected values are what Kamailio 5.6.3 wrote for the same Via received from
 * 127.0.0.1:5555 (a relay script with t_relay and sl_send_reply, with and without force_rport()),
 * except the two cases marked where Sipway keeps RFC 3261's one received on the top value.
 */
class ViaReceivedTest {
    private static final int PORT = 5555;

    private static SipMessage request(String viaLines) {
        String text = "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n" + viaLines + "\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=f1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1@t\r\n"
                + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        return SipParser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest(name = "{0} force_rport={1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        // Via as received                                   | force | forwarded top Via                                                     | first Via of a local reply
        "SIP/2.0/UDP 127.0.0.1:5555;rport;branch=z9hG4bKa      | false | SIP/2.0/UDP 127.0.0.1:5555;received=127.0.0.1;rport=5555;branch=z9hG4bKa | SIP/2.0/UDP 127.0.0.1:5555;rport=5555;branch=z9hG4bKa;received=127.0.0.1",
        "SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport      | false | SIP/2.0/UDP 127.0.0.1:5555;received=127.0.0.1;branch=z9hG4bKa;rport=5555 | SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport=5555;received=127.0.0.1",
        "SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;RPORT      | false | SIP/2.0/UDP 127.0.0.1:5555;received=127.0.0.1;branch=z9hG4bKa;rport=5555 | SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport=5555;received=127.0.0.1",
        "SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport=1234;x=y | false | SIP/2.0/UDP 127.0.0.1:5555;received=127.0.0.1;branch=z9hG4bKa;rport=5555;x=y | SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport=5555;x=y;received=127.0.0.1",
        "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa                  | false | SIP/2.0/UDP 10.0.0.1;received=127.0.0.1;branch=z9hG4bKa            | SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa;received=127.0.0.1",
        "SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa            | false | NULL                                                                  | NULL",
        "SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa            | true  | SIP/2.0/UDP 127.0.0.1:5555;rport=5555;branch=z9hG4bKa               | SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport=5555",
        "SIP/2.0/UDP 10.0.0.9:5555;branch=z9hG4bKa             | true  | SIP/2.0/UDP 10.0.0.9:5555;rport=5555;received=127.0.0.1;branch=z9hG4bKa | SIP/2.0/UDP 10.0.0.9:5555;branch=z9hG4bKa;rport=5555;received=127.0.0.1",
        "SIP/2.0/UDP [::1]:5555;branch=z9hG4bKa                | true  | SIP/2.0/UDP [::1]:5555;rport=5555;received=127.0.0.1;branch=z9hG4bKa | SIP/2.0/UDP [::1]:5555;branch=z9hG4bKa;rport=5555;received=127.0.0.1",
        "SIP/2.0/UDP localhost:5555;branch=z9hG4bKa            | true  | SIP/2.0/UDP localhost:5555;rport=5555;received=127.0.0.1;branch=z9hG4bKa | SIP/2.0/UDP localhost:5555;branch=z9hG4bKa;rport=5555;received=127.0.0.1",
        // Kamailio rewrites this received in the request but appends a second one to its own reply
        "SIP/2.0/UDP 127.0.0.1:5555;received=1.2.3.4;branch=z9hG4bKa | false | SIP/2.0/UDP 127.0.0.1:5555;received=127.0.0.1;branch=z9hG4bKa | SIP/2.0/UDP 127.0.0.1:5555;received=127.0.0.1;branch=z9hG4bKa",
    })
    void kamailiosPlacement(String via, boolean force, String forwarded, String reply) throws Exception {
        SipMessage m = request("Via: " + via);
        assertThat(ViaReceived.forwarded(m, ip("127.0.0.1"), PORT, force)).isEqualTo(forwarded);
        assertThat(ViaReceived.inLocalReply(m, ip("127.0.0.1"), PORT, force)).isEqualTo(reply);
    }

    @Test
    @DisplayName("several values on the first Via line: only the top one is stamped (Kamailio's reply stamps the line's end)")
    void onlyTheTopValueOfTheLine() throws Exception {
        SipMessage m = request("Via: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb");
        assertThat(ViaReceived.forwarded(m, ip("127.0.0.1"), PORT, false))
                .isEqualTo("SIP/2.0/UDP 127.0.0.1:5555;received=127.0.0.1;branch=z9hG4bKa;rport=5555");
        assertThat(ViaReceived.inLocalReply(m, ip("127.0.0.1"), PORT, false))
                .isEqualTo("SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport=5555;received=127.0.0.1, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb");
    }

    @Test
    @DisplayName("an IPv6 sent-by that is the source address needs no received")
    void sameIpv6Source() throws Exception {
        SipMessage m = request("Via: SIP/2.0/UDP [::1]:5555;branch=z9hG4bKa");
        assertThat(ViaReceived.forwarded(m, ip("::1"), PORT, false)).isNull();
        assertThat(ViaReceived.forwarded(m, ip("::1"), PORT, true)).isEqualTo("SIP/2.0/UDP [::1]:5555;rport=5555;branch=z9hG4bKa");
    }

    @Test
    @DisplayName("a local reply: the first Via field stamped, the other Vias, From, To with a tag, Call-ID, CSeq as received")
    void localReply() throws Exception {
        SipMessage m = request("v: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb;rport");
        String reply = new String(LocalReply.to(m).receivedFrom(ip("127.0.0.1"), PORT, false).toTag("t1").server("Server: Sipway")
                .headers("Warning: 399 x \"y\"\r\n").build(404, "Not Found"), StandardCharsets.UTF_8);
        assertThat(reply).isEqualTo("SIP/2.0 404 Not Found\r\n"
                + "v: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport=5555;received=127.0.0.1\r\n"
                + "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb;rport\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=f1\r\nTo: <sip:bob@127.0.0.1>;tag=t1\r\nCall-ID: c1@t\r\nCSeq: 1 OPTIONS\r\n"
                + "Warning: 399 x \"y\"\r\nServer: Sipway\r\nContent-Length: 0\r\n\r\n");
        String trying = new String(LocalReply.to(m).build(100, "Trying"), StandardCharsets.UTF_8);
        assertThat(trying).contains("v: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa;rport\r\n").contains("To: <sip:bob@127.0.0.1>\r\n");
        assertThat(SipParser.parse(reply.getBytes(StandardCharsets.UTF_8)).validate().topVia().rport()).isEqualTo(PORT);
    }

    @Test
    void aReplyIsNoRequest() {
        SipMessage reply = SipParser.parse(("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;branch=z9hG4bKa\r\nFrom: <sip:a@b>;tag=1\r\n"
                + "To: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> LocalReply.to(reply)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("an IPv4 sent-by is compared with the source as the JDK parses both, without making an InetAddress")
    void ipv4SentByComparedAsText() throws Exception {
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 2_000; i++) {
            byte[] a = new byte[4];
            random.nextBytes(a);
            String text = (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
            assertThat(Ipv4Text.same(text, InetAddress.getByName(text).getAddress())).as(text).isTrue();
            byte[] other = a.clone();
            other[random.nextInt(4)] ^= (byte) (1 + random.nextInt(255));
            assertThat(Ipv4Text.same(text, other)).as(text + " against another address").isFalse();
        }
    }
}
