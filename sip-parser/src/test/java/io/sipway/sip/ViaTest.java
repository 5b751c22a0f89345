package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Via header (RFC 3261 20.42, 25.1 via-parm; RFC 3581 rport; RFC 5118 IPv6; RFC 5923 alias). */
class ViaTest {

    private static final String HEAD = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n";
    private static final String TAIL = "From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
            + "To: <sip:bob@biloxi.example.com>\r\n"
            + "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
            + "CSeq: 63104 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n";

    /** A request whose Via header lines are the given ones (each without its final CRLF). */
    private static String raw(String... viaLines) {
        StringBuilder b = new StringBuilder(HEAD);
        for (String line : viaLines) {
            b.append(line).append("\r\n");
        }
        return b.append(TAIL).toString();
    }

    private static SipMessage message(String... viaLines) {
        return SipParser.parse(raw(viaLines).getBytes(StandardCharsets.UTF_8));
    }

    private static Via via(String value) {
        return message("Via: " + value).topVia();
    }

    @Test
    @DisplayName("RFC 3261 20.42: the RFC's example Via")
    void rfcExample() {
        Via v = via("SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7");
        assertThat(v.protocolName()).isEqualTo("SIP");
        assertThat(v.protocolVersion()).isEqualTo("2.0");
        assertThat(v.transport()).isEqualTo("UDP");
        assertThat(v.host()).isEqualTo("erlang.bell-telephone.com");
        assertThat(v.hostType()).isEqualTo(SipUri.HostType.NAME);
        assertThat(v.port()).isEqualTo(5060);
        assertThat(v.branch()).isEqualTo("z9hG4bK87asdks7");
        assertThat(v.toString()).isEqualTo("SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7");
    }

    @Test
    @DisplayName("RFC 3261 20.42 / 25.1 SLASH = SWS \"/\" SWS: LWS around the slashes")
    void lwsAroundSlashes() {
        Via v = via("SIP / 2.0 / UDP first.example.com:4000;branch=z9hG4bKa7c6a8dlze.1");
        assertThat(v.protocolName()).isEqualTo("SIP");
        assertThat(v.protocolVersion()).isEqualTo("2.0");
        assertThat(v.transport()).isEqualTo("UDP");
        assertThat(v.host()).isEqualTo("first.example.com");
        assertThat(v.port()).isEqualTo(4000);
    }

    @Test
    @DisplayName("RFC 3261 7.3.1 folding inside the sent-protocol and before the sent-by and params")
    void foldedLines() {
        Via v = via("SIP\r\n /2.0/\r\n\tTCP\r\n  pc33.atlanta.com\r\n ;branch=z9hG4bKnashds8");
        assertThat(v.protocolName()).isEqualTo("SIP");
        assertThat(v.protocolVersion()).isEqualTo("2.0");
        assertThat(v.transport()).isEqualTo("TCP");
        assertThat(v.host()).isEqualTo("pc33.atlanta.com");
        assertThat(v.branch()).isEqualTo("z9hG4bKnashds8");
    }

    @ParameterizedTest(name = "RFC 3261 20.42: transport {0} reads as {1}")
    @CsvSource({"udp, UDP", "tcp, TCP", "Tls, TLS", "sctp, SCTP", "ws, WS", "wss, WSS", "UDP, UDP", "x-foo, X-FOO"})
    void transportUpperCased(String written, String expected) {
        assertThat(via("SIP/2.0/" + written + " host.example.com;branch=z9hG4bK1").transport()).isEqualTo(expected);
    }

    @Test
    @DisplayName("RFC 3261 25.1 sent-by = host [ COLON port ], COLON = SWS \":\" SWS")
    void sentByHostAndPort() {
        Via name = via("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK1");
        assertThat(name.host()).isEqualTo("pc33.atlanta.com");
        assertThat(name.port()).isEqualTo(5066);
        Via ipv4 = via("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1");
        assertThat(ipv4.host()).isEqualTo("192.0.2.1");
        assertThat(ipv4.hostType()).isEqualTo(SipUri.HostType.IPV4);
        assertThat(ipv4.port()).isEqualTo(-1);
        Via spaced = via("SIP/2.0/UDP 192.0.2.1 : 5070 ;branch=z9hG4bK1");
        assertThat(spaced.port()).isEqualTo(5070);
        assertThat(spaced.branch()).isEqualTo("z9hG4bK1");
    }

    @Test
    @DisplayName("RFC 5118 4.5: IPv6 reference as sent-by, with and without port")
    void ipv6SentBy() {
        Via v = via("SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bK1");
        assertThat(v.host()).isEqualTo("[2001:db8::9]");
        assertThat(v.hostType()).isEqualTo(SipUri.HostType.IPV6);
        assertThat(v.port()).isEqualTo(5060);
        Via noPort = via("SIP/2.0/UDP [2001:db8::9:5060];branch=z9hG4bK1");
        assertThat(noPort.host()).isEqualTo("[2001:db8::9:5060]");
        assertThat(noPort.port()).isEqualTo(-1);
    }

    @Test
    @DisplayName("RFC 3261 18.2.1 received: IPv4; RFC 5118 4.5: IPv6 with and without brackets")
    void received() {
        assertThat(via("SIP/2.0/UDP bobspc.biloxi.com:5060;received=192.0.2.4;branch=z9hG4bK1").received())
                .isEqualTo("192.0.2.4");
        Via bare = via("SIP/2.0/UDP [2001:db8::9];received=2001:db8::9;rport=5061;branch=z9hG4bK1");
        assertThat(bare.received()).isEqualTo("2001:db8::9");
        assertThat(bare.rport()).isEqualTo(5061);
        assertThat(bare.branch()).isEqualTo("z9hG4bK1");
        Via bracketed = via("SIP/2.0/UDP [2001:db8::9];received=[2001:db8::9];branch=z9hG4bK1");
        assertThat(bracketed.received()).isEqualTo("[2001:db8::9]");
        assertThat(bracketed.branch()).isEqualTo("z9hG4bK1");
        assertThat(via("SIP/2.0/UDP h.example.com;branch=z9hG4bK1").received()).isNull();
    }

    @Test
    @DisplayName("RFC 3581 3: rport without value is a request for the port")
    void rportFlag() {
        Via v = via("SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKnashds7");
        assertThat(v.hasRport()).isTrue();
        assertThat(v.rport()).isEqualTo(-1);
        assertThat(v.param("rport")).isEmpty();
        Via none = via("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnashds7");
        assertThat(none.hasRport()).isFalse();
        assertThat(none.rport()).isEqualTo(-1);
    }

    @Test
    @DisplayName("RFC 3581 4: rport with the source port filled in")
    void rportValue() {
        Via v = via("SIP/2.0/UDP 192.0.2.1:5060;received=192.0.2.1;rport=9988;branch=z9hG4bKnashds7");
        assertThat(v.hasRport()).isTrue();
        assertThat(v.rport()).isEqualTo(9988);
    }

    @ParameterizedTest(name = "RFC 3581 / RFC 3261 25.1 port: rport={0} refused")
    @ValueSource(strings = {"70000", "x", "12a"})
    void badRportRefused(String value) {
        assertThatThrownBy(() -> via("SIP/2.0/UDP 192.0.2.1;rport=" + value + ";branch=z9hG4bK1"))
                .isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 18.1.1 / 20.42: maddr and ttl (the RFC's multicast example)")
    void maddrAndTtl() {
        Via v = via("SIP/2.0/UDP first.example.com:4000;ttl=16;maddr=224.2.0.1;branch=z9hG4bKa7c6a8dlze.1");
        assertThat(v.ttl()).isEqualTo(16);
        assertThat(v.maddr()).isEqualTo("224.2.0.1");
        assertThat(v.branch()).isEqualTo("z9hG4bKa7c6a8dlze.1");
        assertThat(via("SIP/2.0/UDP first.example.com").ttl()).isEqualTo(-1);
        assertThat(via("SIP/2.0/UDP first.example.com").maddr()).isNull();
    }

    @ParameterizedTest(name = "RFC 3261 25.1 via-ttl = \"ttl\" EQUAL ttl, ttl = 1*3DIGIT: '';{0}'' refused")
    @ValueSource(strings = {"ttl=abc", "ttl=1000", "ttl", "ttl=", "ttl=1x", "ttl=0001", "ttl=-1"})
    void badTtlRefused(String param) {
        assertThatThrownBy(() -> via("SIP/2.0/UDP first.example.com;" + param + ";branch=z9hG4bK1"))
                .isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 25.1: ttl = 1*3DIGIT ; 0 to 255, so ttl=256 is refused")
    void ttlAbove255Refused() {
        assertThatThrownBy(() -> via("SIP/2.0/UDP first.example.com;ttl=256;branch=z9hG4bK1"))
                .isInstanceOf(SipParseException.class);
        assertThat(via("SIP/2.0/UDP first.example.com;ttl=255;branch=z9hG4bK1").ttl()).isEqualTo(255);
        assertThat(via("SIP/2.0/UDP first.example.com;ttl=0;branch=z9hG4bK1").ttl()).isEqualTo(0);
    }

    @Test
    @DisplayName("RFC 5923 6: alias flag")
    void alias() {
        assertThat(via("SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK1;alias").hasAlias()).isTrue();
        assertThat(via("SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK1").hasAlias()).isFalse();
    }

    @Test
    @DisplayName("RFC 3261 25.1 via-extension = generic-param: unknown params kept, any case")
    void unknownParams() {
        Via v = via("SIP/2.0/UDP h.example.com ; branch = z9hG4bK1 ; X-Custom=Foo;flag;q=\"quoted, value\"");
        assertThat(v.branch()).isEqualTo("z9hG4bK1");
        assertThat(v.param("x-custom")).isEqualTo("Foo");
        assertThat(v.param("X-CUSTOM")).isEqualTo("Foo");
        assertThat(v.param("flag")).isEmpty();
        assertThat(v.param("q")).isEqualTo("\"quoted, value\"");
        assertThat(v.param("absent")).isNull();
        assertThat(v.paramNames()).containsExactly("branch", "X-Custom", "flag", "q");
    }

    @Test
    @DisplayName("RFC 3261 20.42: branch in any case of the parameter name")
    void branchAnyCase() {
        assertThat(via("SIP/2.0/UDP h.example.com;BRANCH=z9hG4bKabc").branch()).isEqualTo("z9hG4bKabc");
        assertThat(via("SIP/2.0/UDP h.example.com").branch()).isNull();
    }

    @ParameterizedTest(name = "RFC 3261 25.1 via-parm: malformed {0} refused")
    @ValueSource(strings = {
        "SIP/2.0/UDP", "SIP/2.0 h.example.com", "SIP/2.0/UDPh.example.com", "SIP/2.0/UDP h.example.com;branch",
        "SIP/2.0/UDP h.example.com:", "SIP/2.0/UDP h.example.com;branch=z9hG4bK1 junk", "/2.0/UDP h.example.com",
        "SIP/2.0/UDP 256.0.0.1", "SIP/2.0/UDP [2001:db8::9"
    })
    void malformedRefused(String value) {
        assertThatThrownBy(() -> via(value)).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 7.3.1 / 20.42: comma lists and repeated Via headers read top first")
    void manyViasInOrder() {
        SipMessage m = message(
                "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2",
                "v: SIP/2.0/TLS c.example.com;branch=z9hG4bK3",
                "VIA: SIP/2.0/UDP d.example.com;branch=z9hG4bK4 ,SIP/2.0/SCTP e.example.com;branch=z9hG4bK5");
        List<Via> vias = m.vias();
        assertThat(vias).extracting(Via::host)
                .containsExactly("a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com");
        assertThat(vias).extracting(Via::branch)
                .containsExactly("z9hG4bK1", "z9hG4bK2", "z9hG4bK3", "z9hG4bK4", "z9hG4bK5");
        assertThat(vias).extracting(Via::transport).containsExactly("UDP", "TCP", "TLS", "UDP", "SCTP");
        assertThat(vias.get(1).port()).isEqualTo(5070);
        assertThat(m.topVia().host()).isEqualTo("a.example.com");
        assertThat(m.topVia().toString()).isEqualTo("SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
    }

    @Test
    @DisplayName("RFC 3261 7.3.1: a quoted comma inside a Via parameter does not split the list")
    void quotedCommaInViaList() {
        SipMessage m = message("Via: SIP/2.0/UDP a.example.com;x=\"1, 2\";branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2");
        assertThat(m.vias()).extracting(Via::host).containsExactly("a.example.com", "b.example.com");
        assertThat(m.vias().get(0).param("x")).isEqualTo("\"1, 2\"");
        assertThat(m.vias().get(0).branch()).isEqualTo("z9hG4bK1");
        assertThat(m.topVia().toString()).isEqualTo("SIP/2.0/UDP a.example.com;x=\"1, 2\";branch=z9hG4bK1");
    }

    @Test
    @DisplayName("topVia parses the first value only: a malformed second value breaks vias(), not topVia()")
    void topViaParsesFirstValueOnly() {
        String raw = raw("Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, garbage");
        SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.UTF_8));
        Via top = m.topVia();
        assertThat(top.host()).isEqualTo("a.example.com");
        assertThat(top.branch()).isEqualTo("z9hG4bK1");
        SipParseException e = catchThrowableOfType(SipParseException.class, m::vias);
        assertThat(e).as("vias() refuses the second value").isNotNull();
        // the sent-protocol of the second value ends after "garbage", where '/' was expected
        assertThat(e.offset()).isEqualTo(raw.indexOf("garbage") + "garbage".length());
    }

    @Test
    @DisplayName("a malformed second Via header does not break topVia()")
    void malformedSecondViaHeader() {
        SipMessage m = message("Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1", "Via: SIP/2.0/UDP");
        assertThat(m.topVia().host()).isEqualTo("a.example.com");
        assertThatThrownBy(m::vias).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("no Via: topVia() is null and vias() is empty")
    void noVia() {
        SipMessage m = message();
        assertThat(m.topVia()).isNull();
        assertThat(m.vias()).isEmpty();
    }

    @Test
    @DisplayName("error offsets count from the start of the message")
    void errorOffset() {
        String raw = raw("Via: SIP/2.0/UDP h.example.com;ttl=x1;branch=z9hG4bK1");
        SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.UTF_8));
        SipParseException e = catchThrowableOfType(SipParseException.class, m::topVia);
        assertThat(e.offset()).isEqualTo(raw.indexOf("x1"));
    }
}
