package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * name-addr / addr-spec values (RFC 3261 20.10, 20.20, 20.39, 20.30, 20.34, 25.1; RFC 3327 Path),
 * read through the typed views of parsed messages.
 */
class AddressTest {

    /** A request carrying the given header lines (each without CRLF) after a Via. */
    private static String raw(String... lines) {
        StringBuilder b = new StringBuilder("REGISTER sip:registrar.biloxi.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\r\n");
        for (String line : lines) {
            b.append(line).append("\r\n");
        }
        return b.append("Call-ID: 843817637684230@998sdasdh09\r\nCSeq: 1826 REGISTER\r\nContent-Length: 0\r\n\r\n")
                .toString();
    }

    private static SipMessage message(String... lines) {
        return SipParser.parse(raw(lines).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("RFC 3261 20.20: name-addr with quoted display name and tag")
    void quotedDisplayName() {
        SipMessage m = message("From: \"Bob Smith, Jr.\" <sips:bob@biloxi.com>;tag=a73kszlfl");
        Address from = m.from();
        assertThat(from.displayName()).isEqualTo("\"Bob Smith, Jr.\"");
        assertThat(from.isNameAddr()).isTrue();
        assertThat(from.uri().toString()).isEqualTo("sips:bob@biloxi.com");
        assertThat(from.uri().scheme()).isEqualTo(SipUri.Scheme.SIPS);
        assertThat(from.tag()).isEqualTo("a73kszlfl");
        assertThat(m.fromTag()).isEqualTo("a73kszlfl");
    }

    @Test
    @DisplayName("RFC 3261 25.1 quoted-string with quoted-pair in the display name")
    void quotedPairInDisplayName() {
        Address a = message("To: \"The \\\"Boss\\\"\" <sip:boss@example.com>").to();
        assertThat(a.displayName()).isEqualTo("\"The \\\"Boss\\\"\"");
        assertThat(a.uri().user()).isEqualTo("boss");
    }

    @Test
    @DisplayName("RFC 3261 25.1 display-name = *(token LWS): token display name")
    void tokenDisplayName() {
        SipMessage m = message("To: The Operator <sip:operator@cs.columbia.edu>;tag=287447");
        assertThat(m.to().displayName()).isEqualTo("The Operator");
        assertThat(m.to().uri().toString()).isEqualTo("sip:operator@cs.columbia.edu");
        assertThat(m.toTag()).isEqualTo("287447");
    }

    @Test
    @DisplayName("RFC 3261 20.10: name-addr without display name")
    void noDisplayName() {
        Address a = message("From: <sip:alice@atlanta.com;transport=tcp>;tag=88sja8x").from();
        assertThat(a.displayName()).isNull();
        assertThat(a.isNameAddr()).isTrue();
        assertThat(a.uri().transport()).isEqualTo("tcp"); // inside <> the ;transport belongs to the URI
        assertThat(a.tag()).isEqualTo("88sja8x");
        assertThat(a.param("transport")).isNull();
    }

    @Test
    @DisplayName("RFC 3261 20.10: without <> the parameters belong to the header, not the URI")
    void addrSpecParamsBelongToHeader() {
        SipMessage m = message("f: sip:+12125551212@server.phone2net.com;tag=887s", "t: sip:bob@biloxi.com;user=phone");
        Address from = m.from();
        assertThat(from.isNameAddr()).isFalse();
        assertThat(from.displayName()).isNull();
        assertThat(from.uri().toString()).isEqualTo("sip:+12125551212@server.phone2net.com");
        assertThat(from.uri().hasParam("tag")).isFalse();
        assertThat(from.tag()).isEqualTo("887s");
        Address to = m.to();
        assertThat(to.uri().param("user")).isNull();
        assertThat(to.param("user")).isEqualTo("phone");
        assertThat(to.tag()).isNull();
    }

    @Test
    @DisplayName("RFC 3261 20.10: Contact addr-spec with expires as a header parameter")
    void contactAddrSpecExpires() {
        Address c = message("m: sip:alice@192.0.2.4;expires=60").contacts().get(0);
        assertThat(c.uri().toString()).isEqualTo("sip:alice@192.0.2.4");
        assertThat(c.expires()).isEqualTo(60);
        assertThat(c.uri().hasParam("expires")).isFalse();
    }

    @Test
    @DisplayName("RFC 3261 10.2.2: Contact * is the wildcard")
    void contactWildcard() {
        SipMessage m = message("Contact: *", "Expires: 0");
        assertThat(m.isContactWildcard()).isTrue();
        assertThat(m.contacts()).hasSize(1);
        assertThat(m.contacts().get(0).isWildcard()).isTrue();
        assertThat(m.contacts().get(0).uri()).isNull();
        assertThat(m.expires()).isEqualTo(0);
    }

    @Test
    @DisplayName("RFC 3261 20.10: Contact list with q and expires")
    void contactListWithQAndExpires() {
        SipMessage m = message("Contact: \"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600,"
                + " \"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1");
        List<Address> contacts = m.contacts();
        assertThat(contacts).hasSize(2);
        assertThat(m.isContactWildcard()).isFalse();
        assertThat(contacts.get(0).q()).isEqualTo(0.7f);
        assertThat(contacts.get(0).expires()).isEqualTo(3600);
        assertThat(contacts.get(0).uri().host()).isEqualTo("worcester.bell-telephone.com");
        assertThat(contacts.get(1).q()).isEqualTo(0.1f);
        assertThat(contacts.get(1).expires()).isEqualTo(-1);
        assertThat(contacts.get(1).uri().scheme()).isEqualTo(SipUri.Scheme.OTHER);
        assertThat(contacts.get(1).displayName()).isEqualTo("\"Mr. Watson\"");
    }

    @ParameterizedTest(name = "RFC 3261 25.1 qvalue: q={0} reads as {1}")
    @org.junit.jupiter.params.provider.CsvSource({"0, 0.0", "0., 0.0", "0.5, 0.5", "0.123, 0.123", "1, 1.0", "1., 1.0",
        "1.000, 1.0"})
    void validQValues(String q, float expected) {
        assertThat(message("Contact: <sip:a@192.0.2.1>;q=" + q).contacts().get(0).q()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "RFC 3261 25.1 qvalue = (\"0\" [\".\" 0*3DIGIT]) / (\"1\" [\".\" 0*3(\"0\")]): q={0} is malformed (-1)")
    @ValueSource(strings = {"1.001", "1.5", "2", "0.1234", ".5", "0.5f", "1e0", "1d", "0x1p-1", "00.5"})
    void malformedQValues(String q) {
        assertThat(message("Contact: <sip:a@192.0.2.1>;q=" + q).contacts().get(0).q()).isEqualTo(-1.0f);
    }

    @Test
    @DisplayName("RFC 3261 20.10: Contact values over several header lines, in order")
    void contactsOverSeveralLines() {
        SipMessage m = message("Contact: <sip:a@192.0.2.1>;q=1", "m: <sip:b@192.0.2.2>;q=0.5, <sip:c@192.0.2.3>");
        assertThat(m.contacts()).extracting(a -> a.uri().user()).containsExactly("a", "b", "c");
        assertThat(m.contacts()).extracting(Address::q).containsExactly(1.0f, 0.5f, -1.0f);
    }

    @ParameterizedTest(name = "RFC 3261 20.10: Contact STAR mixed with other contacts refused: {0}")
    @ValueSource(strings = {"Contact: *, <sip:a@192.0.2.1>", "Contact: <sip:a@192.0.2.1>, *"})
    void wildcardMixedRefused(String line) {
        SipMessage m = message(line);
        assertThatThrownBy(m::contacts).isInstanceOf(SipParseException.class);
        // asking again must not hand out the list the first call refused
        assertThatThrownBy(m::isContactWildcard).isInstanceOf(SipParseException.class);
        assertThatThrownBy(m::contacts).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 20.10: validate() refuses STAR mixed with contacts even after contacts() was asked first")
    void wildcardMixedRefusedByValidateAfterContacts() {
        SipMessage m = message("From: <sip:bob@biloxi.com>;tag=1", "To: <sip:bob@biloxi.com>",
                "Contact: *, <sip:a@192.0.2.1>");
        assertThatThrownBy(m::contacts).isInstanceOf(SipParseException.class);
        assertThatThrownBy(m::validate).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 20.20 / 20.39: From and To hold one address; an unquoted comma is refused")
    void fromAndToAreSingleValued() {
        assertThatThrownBy(() -> message("From: <sip:a@atlanta.com>;tag=1, <sip:b@atlanta.com>").from())
                .isInstanceOf(SipParseException.class);
        assertThatThrownBy(() -> message("To: sip:a@atlanta.com, sip:b@atlanta.com").to())
                .isInstanceOf(SipParseException.class);
        assertThat(message("To: \"a, b\" <sip:a@atlanta.com;x=1>;p=\"c, d\"").to().param("p")).isEqualTo("\"c, d\"");
    }

    @Test
    @DisplayName("RFC 3261 7.3.1: list elements with quoted commas in parameters and addr-specs without <>")
    void listElementsWithQuotedCommas() {
        SipMessage m = message("Record-Route: <sip:rr1.example.com;lr>;x=\"a,b\" , <sip:rr2.example.com;lr>",
                "Contact: sip:a@192.0.2.1;expires=10, sip:b@192.0.2.2 , \"c\" <sip:c@192.0.2.3>");
        assertThat(m.recordRoutes()).hasSize(2);
        assertThat(m.recordRoutes().get(0).param("x")).isEqualTo("\"a,b\"");
        assertThat(m.recordRoutes().get(1).uri().host()).isEqualTo("rr2.example.com");
        assertThat(m.contacts()).extracting(Address::uriString)
                .containsExactly("sip:a@192.0.2.1", "sip:b@192.0.2.2", "sip:c@192.0.2.3");
        assertThat(m.contacts().get(0).expires()).isEqualTo(10);
        assertThat(m.contacts().get(1).toString()).isEqualTo("sip:b@192.0.2.2");
    }

    @Test
    @DisplayName("RFC 3261 20.10: Contact STAR in one header and a contact in another refused")
    void wildcardMixedAcrossHeadersRefused() {
        SipMessage m = message("Contact: *", "Contact: <sip:a@192.0.2.1>");
        assertThatThrownBy(m::contacts).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 7.3.1: commas inside quoted strings and inside <> do not split")
    void commasInsideQuotesAndBrackets() {
        SipMessage m = message("Contact: \"Doe, John\" <sip:john@192.0.2.1>;q=0.5, <sip:a,b@192.0.2.2>,"
                + "\"x\" <sip:c@192.0.2.3>");
        List<Address> contacts = m.contacts();
        assertThat(contacts).hasSize(3);
        assertThat(contacts.get(0).displayName()).isEqualTo("\"Doe, John\"");
        assertThat(contacts.get(0).q()).isEqualTo(0.5f);
        assertThat(contacts.get(1).uri().user()).isEqualTo("a,b");
        assertThat(contacts.get(2).uri().user()).isEqualTo("c");
        assertThat(m.headers("Contact")).containsExactly(
                "\"Doe, John\" <sip:john@192.0.2.1>;q=0.5", "<sip:a,b@192.0.2.2>", "\"x\" <sip:c@192.0.2.3>");
    }

    @Test
    @DisplayName("RFC 3261 20.34 / 20.30 / RFC 3327: Route, Record-Route and Path lists")
    void routeRecordRoutePath() {
        SipMessage m = message(
                "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>",
                "Route: <sip:p3.example.com;lr>",
                "Record-Route: <sip:rr1.example.com;lr;ftag=abc>;x=1, <sip:[2001:db8::1]:5070;lr>",
                "Path: <sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>",
                "From: <sip:bob@biloxi.com>;tag=1", "To: <sip:bob@biloxi.com>");
        assertThat(m.routes()).extracting(a -> a.uri().host())
                .containsExactly("p1.example.com", "p2.example.com", "p3.example.com");
        assertThat(m.routes()).allMatch(a -> a.uri().isLooseRouter());
        List<Address> rr = m.recordRoutes();
        assertThat(rr).hasSize(2);
        assertThat(rr.get(0).uri().param("ftag")).isEqualTo("abc");
        assertThat(rr.get(0).param("x")).isEqualTo("1");
        assertThat(rr.get(1).uri().hostType()).isEqualTo(SipUri.HostType.IPV6);
        assertThat(rr.get(1).uri().port()).isEqualTo(5070);
        assertThat(m.paths()).extracting(a -> a.uri().host())
                .containsExactly("P3.EXAMPLEHOME.COM", "P1.EXAMPLEVISITED.COM");
        assertThat(m.validate()).isSameAs(m);
    }

    @Test
    @DisplayName("absent Route, Record-Route, Path, Contact: empty lists; absent From/To: null")
    void absentAddresses() {
        SipMessage m = message();
        assertThat(m.routes()).isEmpty();
        assertThat(m.recordRoutes()).isEmpty();
        assertThat(m.paths()).isEmpty();
        assertThat(m.contacts()).isEmpty();
        assertThat(m.isContactWildcard()).isFalse();
        assertThat(m.from()).isNull();
        assertThat(m.to()).isNull();
        assertThat(m.fromTag()).isNull();
    }

    @Test
    @DisplayName("RFC 3261 25.1 name-addr = [ display-name ] LAQUOT addr-spec RAQUOT: missing '>' refused")
    void missingClosingBracketRefused() {
        String raw = raw("From: \"Alice\" <sip:alice@atlanta.com;tag=1");
        SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.UTF_8));
        SipParseException e = catchThrowableOfType(SipParseException.class, m::from);
        assertThat(e).isNotNull();
        assertThat(e.offset()).isEqualTo(raw.indexOf('<'));
        assertThatThrownBy(() -> message("Route: <sip:p1.example.com;lr").routes()).isInstanceOf(SipParseException.class);
        assertThatThrownBy(() -> message("Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2").contacts())
                .isInstanceOf(SipParseException.class);
    }

    @ParameterizedTest(name = "RFC 3261 25.1: malformed address refused: {0}")
    @ValueSource(strings = {
        "To: \"unterminated <sip:a@b.com>", "To: \"Alice\" sip:alice@atlanta.com", "To: <>", "To:",
        "To: <sip:alice@atlanta.com> junk", "To: <sip:alice@atlanta.com>;", "To: sip:alice@atlanta.com?x=y",
        "To: Alice <1sip:alice@atlanta.com>"
    })
    void malformedRefused(String line) {
        assertThatThrownBy(() -> message(line).to()).isInstanceOf(SipParseException.class);
    }

    @ParameterizedTest(name = "RFC 3261 19.1 / 25.1: malformed URI inside the address refused by uri(): {0}")
    @ValueSource(strings = {"To: Alice <sip:alice@256.0.0.1>", "To: <sip:alice@>", "To: sip:al%zzice@atlanta.com",
        "To: <sip:alice@atlanta.com:65536>", "To: <sip:[2001:db8::1>"})
    void malformedUriRefused(String line) {
        Address to = message(line).to();
        assertThatThrownBy(to::uri).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("a URI fault inside an address is reported at its byte in the message")
    void uriErrorOffset() {
        String raw = raw("To: Alice <sip:alice@256.0.0.1>;tag=1");
        Address to = SipParser.parse(raw.getBytes(StandardCharsets.UTF_8)).to();
        assertThat(to.tag()).isEqualTo("1");
        assertThat(to.uriString()).isEqualTo("sip:alice@256.0.0.1");
        SipParseException e = catchThrowableOfType(SipParseException.class, to::uri);
        assertThat(e.offset()).isEqualTo(raw.indexOf("256"));
    }

    @ParameterizedTest(name = "validate() parses From, To, Contact, Route, Record-Route, Path: bad URI in {0} refused")
    @ValueSource(strings = {"To: <sip:bob@256.0.0.1>", "From: <sip:alice@256.0.0.1>;tag=1",
        "Contact: <sip:bob@256.0.0.1>", "Route: <sip:p1.example.com;lr>, <sip:[::1>",
        "Record-Route: <sip:rr.example.com:99999;lr>", "Path: <sip:%zz@p.example.com;lr>"})
    void validateRefusesBadUriInAddress(String line) {
        List<String> lines = new java.util.ArrayList<>(List.of("From: <sip:alice@atlanta.com>;tag=1", "To: <sip:bob@biloxi.com>"));
        lines.removeIf(l -> l.regionMatches(0, line, 0, 4));
        lines.add(line);
        SipMessage m = message(lines.toArray(new String[0]));
        assertThatThrownBy(m::validate).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 16.4: topRoute() reads the first Route value only")
    void topRoute() {
        SipMessage m = message("Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>", "Route: garbage<");
        assertThat(m.topRoute().uri().host()).isEqualTo("p1.example.com");
        assertThat(message().topRoute()).isNull();
        assertThatThrownBy(m::routes).isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("RFC 3261 20.10 / 20.43: toString is the value as written")
    void toStringAsWritten() {
        Address a = message("From:   Alice <sip:alice@atlanta.com> ; tag = 1928301774  ").from();
        assertThat(a.toString()).isEqualTo("Alice <sip:alice@atlanta.com> ; tag = 1928301774");
        assertThat(a.tag()).isEqualTo("1928301774");
    }
}
