package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Inputs where a lenient reading would let a proxy route wrongly or write a broken message. */
class ProxyEdgeCasesTest {

    /** An INVITE with {@code extra} header lines before Content-Length. */
    private static SipMessage invite(String extra) {
        String raw = "INVITE sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: Bob <sip:bob@example.com>\r\n"
                + "From: Alice <sip:alice@example.com>;tag=1928\r\n"
                + "Call-ID: a84b4c76e66710\r\n"
                + "CSeq: 314159 INVITE\r\n"
                + extra
                + "Content-Length: 0\r\n\r\n";
        return SipParser.parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("RFC 3261 25.1 gen-value host: a bracketed value must be an IPv6 address, so it cannot hide a second Route")
    void bracketedParameterValueCannotSmuggleARoute() {
        SipMessage m = invite("Route: <sip:p1.example.com;lr>;x=[, <sip:evil.example.com;lr>;z=[::1]\r\n");
        assertThatThrownBy(m::routes).isInstanceOf(SipParseException.class).hasMessageContaining("IPv6");
        assertThatThrownBy(m::validate).isInstanceOf(SipParseException.class);
        assertThat(invite("Route: <sip:p1.example.com;lr>;maddr=[2001:db8::1]\r\n").routes()).hasSize(1);
    }

    @Test
    @DisplayName("RFC 3261 16.4: removing the first Route twice removes two values of one line")
    void removeTwoRoutesFromOneLine() {
        SipMessage m = invite("Route: <sip:p1.com;lr>, <sip:p2.com;lr>, <sip:n.com>\r\n");
        MessageEditor e = m.edit();
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        SipMessage out = SipParser.parse(e.toBytes()).validate();
        assertThat(out.routes()).extracting(Address::uriString).containsExactly("sip:n.com");
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isTrue();
        assertThat(SipParser.parse(e.toBytes()).routes()).isEmpty();
        assertThat(e.removeFirstValue(HeaderName.ROUTE)).isFalse();
    }

    @Test
    @DisplayName("RFC 3261 25.1 credentials: a header that is not a list loses the whole field, never half a value")
    void removeFirstValueOfANonListHeaderRemovesTheField() {
        SipMessage m = invite("Proxy-Authorization: Digest username=\"a\", realm=\"b\", nonce=\"n\"\r\n");
        MessageEditor e = m.edit();
        assertThat(e.removeFirstValue(HeaderName.PROXY_AUTHORIZATION)).isTrue();
        assertThat(text(e.toBytes())).doesNotContain("Proxy-Authorization").doesNotContain("realm=");
    }

    @Test
    @DisplayName("RFC 3261 19.1.1: the editor refuses a SIP Request-URI with headers, as validate() does")
    void requestUriWithHeadersRefused() {
        MessageEditor e = invite("").edit();
        assertThatThrownBy(() -> e.setRequestUri("sip:a@b.com?Route=%3Csip:x%3E")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("RFC 3261 25.1 route-param = name-addr: an unbracketed Route is refused (its ;lr would be misread)")
    void routeMustBeNameAddr() {
        SipMessage m = invite("Route: sip:p.example.com;lr\r\n");
        assertThatThrownBy(m::topRoute).isInstanceOf(SipParseException.class).hasMessageContaining("angle brackets");
        assertThatThrownBy(m::validate).isInstanceOf(SipParseException.class);
        assertThatThrownBy(invite("Record-Route: sip:p.example.com;lr\r\n")::recordRoutes).isInstanceOf(SipParseException.class);
        assertThatThrownBy(invite("Path: sip:p.example.com;lr\r\n")::paths).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 17.2.3: a Via with two branch parameters is refused, so matching has one answer")
    void duplicateBranchRefused() {
        String raw = "OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bKa;branch=z9hG4bKb\r\n"
                + "To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
        SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(m::topVia).isInstanceOf(SipParseException.class).hasMessageContaining("more than one branch");
    }

    @Test
    @DisplayName("RFC 3261 25.1 SLASH = SWS \"/\" SWS: Content-Type may have spaces around the slash")
    void contentTypeWithSpacesAroundSlash() {
        SipMessage m = invite("Content-Type: application / sdp\r\n");
        assertThat(m.contentType()).isEqualTo("application / sdp");
        m.validate();
    }

    @Test
    @DisplayName("RFC 3261 20.10: '*' followed by an address is a display name, not the wildcard")
    void starAsDisplayName() {
        SipMessage m = invite("Contact: * <sip:a@b.com>\r\n");
        assertThat(m.isContactWildcard()).isFalse();
        assertThat(m.contacts()).singleElement().satisfies(a -> {
            assertThat(a.displayName()).isEqualTo("*");
            assertThat(a.uri().host()).isEqualTo("b.com");
        });
        assertThat(invite("Contact: *\r\n").isContactWildcard()).isTrue();
        assertThat(invite("Contact: * ;x=1\r\n").isContactWildcard()).isTrue();
    }
}
