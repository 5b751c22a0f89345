package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SIP and SIPS URIs (RFC 3261 19.1, 25.1), IPv6 references (RFC 5118), tel URIs (RFC 3966), other schemes. */
class SipUriTest {

    @ParameterizedTest(name = "RFC 3261 19.1 / RFC 3966: scheme of {0} is {1}")
    @CsvSource({
        "sip:alice@atlanta.com, SIP, sip",
        "SIP:alice@atlanta.com, SIP, sip",
        "sips:alice@atlanta.com, SIPS, sips",
        "SiPs:alice@atlanta.com, SIPS, sips",
        "tel:+1-201-555-0123, TEL, tel",
        "mailto:alice@atlanta.com, OTHER, mailto",
        "urn:service:sos, OTHER, urn",
        "http://www.example.com/a/b, OTHER, http"
    })
    void schemes(String text, SipUri.Scheme scheme, String schemeName) {
        SipUri uri = SipUri.parse(text);
        assertThat(uri.scheme()).isEqualTo(scheme);
        assertThat(uri.schemeName()).isEqualTo(schemeName);
        assertThat(uri.isSip()).isEqualTo(scheme == SipUri.Scheme.SIP || scheme == SipUri.Scheme.SIPS);
        assertThat(uri.toString()).isEqualTo(text);
    }

    @Test
    @DisplayName("RFC 3966 3: tel URI keeps the number as its user part and has no host")
    void telUri() {
        SipUri uri = SipUri.parse("tel:7042;phone-context=example.com");
        assertThat(uri.user()).isEqualTo("7042");
        assertThat(uri.host()).isNull();
        assertThat(uri.port()).isEqualTo(-1);
        assertThat(uri.param("phone-context")).isEqualTo("example.com");
        assertThat(SipUri.parse("tel:+1-201-555-0123").user()).isEqualTo("+1-201-555-0123");
    }

    @Test
    @DisplayName("RFC 3986: another scheme is kept whole, without user or host")
    void otherSchemeKeptWhole() {
        SipUri uri = SipUri.parse("mailto:alice@atlanta.com");
        assertThat(uri.user()).isNull();
        assertThat(uri.host()).isNull();
        assertThat(uri.paramNames()).isEmpty();
        assertThat(uri.toString()).isEqualTo("mailto:alice@atlanta.com");
    }

    @ParameterizedTest(name = "RFC 3261 19.1.3 example {0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "sip:alice@atlanta.com                                | alice             | NULL       | atlanta.com | -1   | NAME",
        "sip:alice:secretword@atlanta.com;transport=tcp       | alice             | secretword | atlanta.com | -1   | NAME",
        "sips:alice@atlanta.com?subject=project%20x&priority=urgent | alice      | NULL       | atlanta.com | -1   | NAME",
        "sip:+1-212-555-1212:1234@gateway.com;user=phone      | +1-212-555-1212   | 1234       | gateway.com | -1   | NAME",
        "sips:1212@gateway.com                                | 1212              | NULL       | gateway.com | -1   | NAME",
        "sip:alice@192.0.2.4                                  | alice             | NULL       | 192.0.2.4   | -1   | IPV4",
        "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com | NULL            | NULL       | atlanta.com | -1   | NAME",
        "sip:alice;day=tuesday@atlanta.com                    | alice;day=tuesday | NULL       | atlanta.com | -1   | NAME",
        "sip:bob@biloxi.com:5061                              | bob               | NULL       | biloxi.com  | 5061 | NAME",
        "sip:alice@example.com.                               | alice             | NULL       | example.com.| -1   | NAME"
    })
    void rfc3261Examples(String text, String user, String password, String host, int port, SipUri.HostType type) {
        SipUri uri = SipUri.parse(text);
        assertThat(uri.user()).isEqualTo(user);
        assertThat(uri.password()).isEqualTo(password);
        assertThat(uri.host()).isEqualTo(host);
        assertThat(uri.port()).isEqualTo(port);
        assertThat(uri.hostType()).isEqualTo(type);
        assertThat(uri.toString()).isEqualTo(text);
    }

    @ParameterizedTest(name = "RFC 5118 / RFC 3261 25.1 IPv6reference: {0}")
    @CsvSource(delimiter = '|', value = {
        "sip:[2001:db8::10]                | [2001:db8::10]                | -1",
        "sip:alice@[2001:db8::10]:5070     | [2001:db8::10]                | 5070",
        "sips:[::1]:5061;transport=tcp     | [::1]                         | 5061",
        "sip:[::ffff:192.0.2.128]          | [::ffff:192.0.2.128]          | -1",
        "sip:[2001:db8:0:0:0:0:0:1]:5060   | [2001:db8:0:0:0:0:0:1]        | 5060",
        // RFC 5118 4.1: inside the brackets everything is address, never a port
        "sip:[2001:db8::10:5070]           | [2001:db8::10:5070]           | -1"
    })
    void ipv6References(String text, String host, int port) {
        SipUri uri = SipUri.parse(text);
        assertThat(uri.hostType()).isEqualTo(SipUri.HostType.IPV6);
        assertThat(uri.host()).isEqualTo(host);
        assertThat(uri.port()).isEqualTo(port);
    }

    @ParameterizedTest(name = "RFC 4291 2.2: malformed IPv6 reference {0} refused")
    @ValueSource(strings = {
        "sip:[2001:db8::1", "sip:[2001:db8:::1]", "sip:[1:2:3:4:5:6:7:8:9]", "sip:[1:2:3:4:5:6:7]",
        "sip:[2001:db8::1::2]", "sip:[12345::1]", "sip:[]", "sip:[g::1]"
    })
    void badIpv6Refused(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(SipParseException.class);
    }

    @ParameterizedTest(name = "RFC 3261 25.1 port = 1*DIGIT (0..65535): {0} -> {1}")
    @CsvSource({"sip:h.example.com:0, 0", "sip:h.example.com:65535, 65535", "sip:a@192.0.2.1:5060, 5060", "sip:a@h:1, 1"})
    void portBoundsAccepted(String text, int port) {
        assertThat(SipUri.parse(text).port()).isEqualTo(port);
    }

    @ParameterizedTest(name = "RFC 3261 25.1: port {0} refused")
    @ValueSource(strings = {"sip:h.example.com:65536", "sip:h.example.com:99999", "sip:h.example.com:",
        "sip:h.example.com:50a", "sip:h.example.com:-1", "sip:[::1]:65536"})
    void portOutOfRangeRefused(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 19.1.1: port 65536 is refused at the port's first digit")
    void portErrorOffset() {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> SipUri.parse("sip:h.example.com:65536"));
        assertThat(e.offset()).isEqualTo("sip:h.example.com:".length());
    }

    @Test
    @DisplayName("RFC 3261 19.1.1: well-known URI parameters")
    void knownParameters() {
        SipUri uri = SipUri.parse(
                "sip:+12125551212@gw.example.com;transport=TCP;user=phone;maddr=239.255.255.1;ttl=15;method=INVITE;lr;ob");
        assertThat(uri.transport()).isEqualTo("tcp");
        assertThat(uri.param("transport")).isEqualTo("TCP");
        assertThat(uri.param("user")).isEqualTo("phone");
        assertThat(uri.maddr()).isEqualTo("239.255.255.1");
        assertThat(uri.param("ttl")).isEqualTo("15");
        assertThat(uri.param("method")).isEqualTo("INVITE");
        assertThat(uri.isLooseRouter()).isTrue();
        assertThat(uri.hasParam("ob")).isTrue(); // RFC 5626 5.3
        assertThat(uri.paramNames()).containsExactly("transport", "user", "maddr", "ttl", "method", "lr", "ob");
    }

    @Test
    @DisplayName("RFC 3261 19.1.4: a flag parameter has the empty value, an absent one null")
    void flagVersusValue() {
        SipUri uri = SipUri.parse("sip:proxy.example.com;lr;foo=bar;baz");
        assertThat(uri.param("lr")).isEmpty();
        assertThat(uri.hasParam("lr")).isTrue();
        assertThat(uri.param("foo")).isEqualTo("bar");
        assertThat(uri.param("baz")).isEmpty();
        assertThat(uri.param("absent")).isNull();
        assertThat(uri.hasParam("absent")).isFalse();
        assertThat(SipUri.parse("sip:proxy.example.com").isLooseRouter()).isFalse();
        assertThat(SipUri.parse("sip:proxy.example.com").transport()).isNull();
    }

    @Test
    @DisplayName("RFC 3261 19.1.4: parameter names compare case-insensitively")
    void caseInsensitiveParamNames() {
        SipUri uri = SipUri.parse("sip:proxy.example.com;Transport=UDP;LR;MAddr=192.0.2.9;X-Unknown=Yes");
        assertThat(uri.transport()).isEqualTo("udp");
        assertThat(uri.isLooseRouter()).isTrue();
        assertThat(uri.maddr()).isEqualTo("192.0.2.9");
        assertThat(uri.param("x-unknown")).isEqualTo("Yes");
        assertThat(uri.param("X-UNKNOWN")).isEqualTo("Yes");
        assertThat(uri.hasParam("lr")).isTrue();
    }

    @Test
    @DisplayName("RFC 3261 19.1.1: headers component after '?' is kept as written")
    void headersComponent() {
        SipUri uri = SipUri.parse("sip:alice@atlanta.com;transport=tcp?subject=project%20x&priority=urgent");
        assertThat(uri.headers()).isEqualTo("subject=project%20x&priority=urgent");
        assertThat(uri.transport()).isEqualTo("tcp");
        assertThat(uri.host()).isEqualTo("atlanta.com");
        assertThat(SipUri.parse("sip:alice@atlanta.com").headers()).isNull();
    }

    @ParameterizedTest(name = "RFC 3261 19.1.1: malformed headers component {0} refused")
    @ValueSource(strings = {"sip:alice@atlanta.com?", "sip:alice@atlanta.com?subject", "sip:alice@atlanta.com?=x",
        "sip:alice@atlanta.com?a=b&"})
    void badHeadersRefused(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 19.1.2: escaped user part is kept as written and decoded on request")
    void escapedUser() {
        SipUri uri = SipUri.parse("sip:al%69ce%20smith@atlanta.com");
        assertThat(uri.user()).isEqualTo("al%69ce%20smith");
        assertThat(uri.userUnescaped()).isEqualTo("alice smith");
        assertThat(SipUri.parse("sip:%C3%A9t%C3%A9@example.com").userUnescaped()).isEqualTo("\u00e9t\u00e9");
        assertThat(SipUri.parse("sip:bob@example.com").userUnescaped()).isEqualTo("bob");
        assertThat(SipUri.parse("sip:example.com").userUnescaped()).isNull();
    }

    @ParameterizedTest(name = "RFC 3261 25.1 escaped = \"%\" HEXDIG HEXDIG: {0} refused at the '%'")
    @ValueSource(strings = {
        "sip:al%zzice@atlanta.com", "sip:alice%4@atlanta.com", "sip:alice%@atlanta.com",
        "sip:alice:pw%x1@atlanta.com", "sip:alice@atlanta.com;p=%G0", "sip:alice@atlanta.com;p=%4",
        "sip:alice@atlanta.com?subject=a%2"
    })
    void invalidEscapeRefusedWithOffset(String text) {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> SipUri.parse(text));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.offset()).isEqualTo(text.indexOf('%'));
    }

    @ParameterizedTest(name = "RFC 3261 25.1 hostport: missing host {0} refused")
    @ValueSource(strings = {"sip:", "sip:alice@", "sip:alice@;transport=udp", "sips:alice@:5060", "sip:;lr"})
    void emptyHostRefused(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 25.1 userinfo: an empty user before '@' is refused")
    void emptyUserRefused() {
        assertThatThrownBy(() -> SipUri.parse("sip:@atlanta.com")).isInstanceOf(SipParseException.class);
    }

    @ParameterizedTest(name = "RFC 3261 25.1 IPv4address / hostname: {0} refused")
    @ValueSource(strings = {"sip:256.1.1.1", "sip:alice@999.0.0.1:5060", "sip:1.2.3", "sip:1.2.3.4.5",
        "sip:1.2.3.4.", "sip:example.123", "sip:-bad.example.com", "sip:bad-.example.com", "sip:a..b.com"})
    void badHostRefused(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 25.1 IPv4address: 256.1.1.1 is refused at the host")
    void badIpv4Offset() {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> SipUri.parse("sip:alice@256.1.1.1"));
        assertThat(e.offset()).isEqualTo("sip:alice@".length());
    }

    @ParameterizedTest(name = "RFC 3261 25.1 host kinds: {0} is {1}")
    @CsvSource({"sip:example.com, NAME", "sip:a1.example-2.com, NAME", "sip:255.255.255.255, IPV4",
        "sip:0.0.0.0:5060, IPV4", "sip:[fe80::1], IPV6", "sip:host, NAME"})
    void hostTypes(String text, SipUri.HostType type) {
        assertThat(SipUri.parse(text).hostType()).isEqualTo(type);
    }

    @ParameterizedTest(name = "toString returns exactly the text parsed: {0}")
    @ValueSource(strings = {
        "sip:alice@atlanta.com", "SIP:Alice@Atlanta.COM:5060;Transport=TCP;lr",
        "sips:alice:pw@[2001:db8::1]:5061;maddr=[2001:db8::2]?subject=x&priority=urgent",
        "sip:%61lice@example.com;a=%41", "tel:+1-201-555-0123;ext=1", "urn:service:sos"
    })
    void toStringRoundTrip(String text) {
        assertThat(SipUri.parse(text).toString()).isEqualTo(text);
    }

    @Test
    @DisplayName("a URI inside a message: toString covers only the URI bytes")
    void requestUriRoundTripInsideMessage() {
        String raw = "OPTIONS sip:carol@chicago.example.com;transport=udp SIP/2.0\r\nContent-Length: 0\r\n\r\n";
        SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.US_ASCII));
        assertThat(m.requestUri().toString()).isEqualTo("sip:carol@chicago.example.com;transport=udp");
        assertThat(m.requestUri().transport()).isEqualTo("udp");
    }

    @ParameterizedTest(name = "RFC 3261 25.1: stray character in {0} refused")
    @ValueSource(strings = {"sip:alice@atlanta.com extra", "sip:alice@atl anta.com", "sip:al ice@atlanta.com",
        "sip:alice@atlanta.com;", "sip:alice@atlanta.com;=x", "alice@atlanta.com", "1sip:alice@h", "", "tel:",
        "tel:12x4"})
    void strayCharactersRefused(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(SipParseException.class);
    }
}
