package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sipway's own messages: {@code cases/valid/*.sip} must be accepted with the fields each test below
 * names, and {@code cases/invalid/*.sip} must be refused with the reason written next to them in
 * {@code cases/invalid/EXPECTED.tsv}. Every file is CRLF-terminated bytes, exactly as on the wire.
 */
class OwnCasesTest {

    /** Every valid case, each checked field by field by a test of this class. */
    static final List<String> VALID_CASES = List.of(
            "body-with-blank-lines.sip",
            "case-sensitive-method.sip",
            "compact-forms.sip",
            "contact-list-q-expires.sip",
            "contact-password-uri-headers.sip",
            "contact-wildcard.sip",
            "escaped-request-uri.sip",
            "extension-method.sip",
            "folded-headers.sip",
            "leading-crlf.sip",
            "mixed-case-header-names.sip",
            "multiple-via.sip",
            "option-tags.sip",
            "path-register.sip",
            "response-180-ringing.sip",
            "response-empty-reason.sip",
            "route-lists.sip",
            "tab-separators.sip",
            "tel-and-sips-uris.sip",
            "utf8-display-names.sip",
            "via-ipv6-params.sip");

    record InvalidCase(String file, String expectedReason, String rule) {
        @Override
        public String toString() {
            return file + " (" + rule + ")";
        }
    }

    // ---- all cases ------------------------------------------------------------------------------

    @Test
    void everyValidCaseFileIsListedAndEveryListedFileExists() {
        assertThat(filesIn("valid")).isEqualTo(new TreeSet<>(VALID_CASES));
    }

    @Test
    void everyInvalidCaseFileHasAnExpectedReason() {
        Set<String> listed = invalidCases().map(InvalidCase::file).collect(Collectors.toCollection(TreeSet::new));
        assertThat(filesIn("invalid")).isEqualTo(listed);
    }

    /** An edit without changes writes the same bytes: every header is copied as received. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validCaseNames")
    void validCaseIsAcceptedAndAnEmptyEditWritesItBack(String name) {
        SipMessage m = valid(name);
        byte[] rewritten = m.edit().toBytes();
        assertThat(rewritten).isEqualTo(m.toBytes());
        assertThat(SipParser.parse(rewritten).validate().headerCount()).isEqualTo(m.headerCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCases")
    void invalidCaseIsRefusedWithItsReason(InvalidCase c) {
        byte[] bytes = bytes("invalid/" + c.file());
        Throwable thrown = catchThrowable(() -> SipParser.parse(bytes).validate());
        assertThat(thrown).as("%s must be refused with SipParseException", c.file()).isInstanceOf(SipParseException.class);
        SipParseException e = (SipParseException) thrown;
        assertThat(e.reason()).contains(c.expectedReason());
        assertThat(e.offset()).as("offset").isBetween(0, bytes.length);
    }

    // ---- valid cases, one by one ----------------------------------------------------------------

    /** RFC 3261 7.3.3 and the IANA compact forms: each letter is its long header. */
    @Test
    void compactFormOfEveryLetterIsItsLongHeader() {
        SipMessage m = valid("compact-forms.sip");
        Map<String, HeaderName> compact = new LinkedHashMap<>();
        compact.put("i", HeaderName.CALL_ID);
        compact.put("m", HeaderName.CONTACT);
        compact.put("e", HeaderName.CONTENT_ENCODING);
        compact.put("l", HeaderName.CONTENT_LENGTH);
        compact.put("c", HeaderName.CONTENT_TYPE);
        compact.put("f", HeaderName.FROM);
        compact.put("s", HeaderName.SUBJECT);
        compact.put("k", HeaderName.SUPPORTED);
        compact.put("t", HeaderName.TO);
        compact.put("v", HeaderName.VIA);
        compact.put("o", HeaderName.EVENT);
        compact.put("u", HeaderName.ALLOW_EVENTS);
        compact.put("r", HeaderName.REFER_TO);
        compact.put("b", HeaderName.REFERRED_BY);
        compact.put("x", HeaderName.SESSION_EXPIRES);
        compact.put("a", HeaderName.ACCEPT_CONTACT);
        compact.put("j", HeaderName.REJECT_CONTACT);
        compact.put("d", HeaderName.REQUEST_DISPOSITION);
        compact.put("y", HeaderName.IDENTITY);
        compact.put("n", HeaderName.IDENTITY_INFO);

        for (Map.Entry<String, HeaderName> e : compact.entrySet()) {
            int i = indexOfName(m, e.getKey());
            assertThat(m.headerType(i)).as("type of '%s'", e.getKey()).isEqualTo(e.getValue());
            assertThat(m.count(e.getValue())).as("count of %s", e.getValue()).isEqualTo(1);
            assertThat(m.header(e.getValue().canonicalName())).as("%s by its long name", e.getKey())
                    .isEqualTo(m.headerValue(i));
        }
        assertThat(m.header("Subject")).isEqualTo("Lunch");
        assertThat(m.header("Event")).isEqualTo("presence");
        assertThat(m.headers("Allow-Events")).containsExactly("presence", "dialog");
        assertThat(m.header("Session-Expires")).isEqualTo("1800;refresher=uac");
        assertThat(m.header("Identity-Info")).isEqualTo("<https://atlanta.example.com/cert.pem>;alg=rsa-sha256");
        assertThat(m.topVia().branch()).isEqualTo("z9hG4bKnashds8");
        assertThat(m.fromTag()).isEqualTo("1928301774");
        assertThat(m.to().uri().user()).isEqualTo("bob");
        assertThat(m.callId()).isEqualTo("a84b4c76e66710@pc33.atlanta.example.com");
        assertThat(m.contacts()).singleElement().satisfies(c -> assertThat(c.uri().host()).isEqualTo("pc33.atlanta.example.com"));
        assertThat(m.supported()).containsExactly("100rel", "timer");
        assertThat(m.contentType()).isEqualTo("application/sdp");
        assertThat(m.contentLength()).isEqualTo(127).isEqualTo(m.bodyLength());
        assertThat(new String(m.body(), StandardCharsets.US_ASCII)).startsWith("v=0\r\n").endsWith("RTP/AVP 0\r\n");
    }

    /** RFC 3261 7.3.1: a line starting with SP or HT continues the header above it. */
    @Test
    void foldedHeadersAreOneHeaderEach() {
        SipMessage m = valid("folded-headers.sip");
        assertThat(m.headerCount()).isEqualTo(10);
        Via via = m.topVia();
        assertThat(via.transport()).isEqualTo("TCP");
        assertThat(via.host()).isEqualTo("pc33.atlanta.example.com");
        assertThat(via.port()).isEqualTo(5060);
        assertThat(via.branch()).isEqualTo("z9hG4bKfold1");
        assertThat(m.to().displayName()).isEqualTo("\"Carol\"");
        assertThat(m.to().uri().toString()).isEqualTo("sip:carol@chicago.example.com");
        assertThat(m.fromTag()).isEqualTo("88sja8x");
        assertThat(m.cseq().number()).isEqualTo(63104);
        assertThat(m.cseq().methodName()).isEqualTo("OPTIONS");
        assertThat(m.header("Subject")).isEqualTo("a subject\r\n folded over\r\n\tthree lines");
        assertThat(m.header("Accept")).isEqualTo("application/sdp,\r\n text/plain");
        assertThat(m.contentLength()).isZero();
    }

    /** RFC 3261 20.42 and 18.2.1, RFC 3581 (rport), RFC 5923 (alias), RFC 5118 (IPv6). */
    @Test
    void viaWithIpv6SentByAndEveryKnownParameter() {
        SipMessage m = valid("via-ipv6-params.sip");
        assertThat(m.requestUri().host()).isEqualTo("[2001:db8::10]");
        assertThat(m.requestUri().hostType()).isEqualTo(SipUri.HostType.IPV6);
        assertThat(m.vias()).hasSize(2);

        Via v6 = m.vias().get(0);
        assertThat(v6.protocolName()).isEqualTo("SIP");
        assertThat(v6.protocolVersion()).isEqualTo("2.0");
        assertThat(v6.transport()).isEqualTo("UDP");
        assertThat(v6.host()).isEqualTo("[2001:db8::9:1]");
        assertThat(v6.hostType()).isEqualTo(SipUri.HostType.IPV6);
        assertThat(v6.port()).isEqualTo(5070);
        assertThat(v6.branch()).isEqualTo("z9hG4bKv6reg");
        assertThat(v6.received()).isEqualTo("2001:db8::9:255");
        assertThat(v6.hasRport()).isTrue();
        assertThat(v6.rport()).isEqualTo(5071);
        assertThat(v6.maddr()).isEqualTo("[ff0e::101]");
        assertThat(v6.ttl()).isEqualTo(16);
        assertThat(v6.hasAlias()).isTrue();
        assertThat(v6.paramNames()).containsExactly("branch", "received", "rport", "maddr", "ttl", "alias");

        Via v4 = m.vias().get(1);
        assertThat(v4.transport()).isEqualTo("TCP");
        assertThat(v4.host()).isEqualTo("192.0.2.4");
        assertThat(v4.hostType()).isEqualTo(SipUri.HostType.IPV4);
        assertThat(v4.port()).isEqualTo(5060);
        assertThat(v4.received()).isEqualTo("192.0.2.99");
        assertThat(v4.hasRport()).as("rport flag").isTrue();
        assertThat(v4.rport()).as("rport without a value").isEqualTo(-1);
        assertThat(v4.maddr()).isNull();
        assertThat(v4.ttl()).isEqualTo(-1);
        assertThat(v4.hasAlias()).isFalse();

        assertThat(m.callId()).isEqualTo("v6reg.1@[2001:db8::9:1]");
        Address contact = m.contacts().get(0);
        assertThat(contact.uri().host()).isEqualTo("[2001:db8::9:1]");
        assertThat(contact.uri().port()).isEqualTo(5070);
        assertThat(contact.expires()).isEqualTo(600);
    }

    /** RFC 3261 10.2.2: Contact '*' with Expires 0 removes every binding. */
    @Test
    void contactWildcard() {
        SipMessage m = valid("contact-wildcard.sip");
        assertThat(m.isContactWildcard()).isTrue();
        assertThat(m.contacts()).singleElement().satisfies(c -> {
            assertThat(c.isWildcard()).isTrue();
            assertThat(c.uri()).isNull();
        });
        assertThat(m.expires()).isZero();
        assertThat(m.method()).isEqualTo(SipMethod.REGISTER);
    }

    /** RFC 3261 20.10: Contact values over several lines, with q and expires header parameters. */
    @Test
    void contactListWithQAndExpires() {
        SipMessage m = valid("contact-list-q-expires.sip");
        List<Address> contacts = m.contacts();
        assertThat(contacts).hasSize(3);

        assertThat(contacts.get(0).isNameAddr()).isTrue();
        assertThat(contacts.get(0).uri().host()).isEqualTo("192.0.2.4");
        assertThat(contacts.get(0).q()).isEqualTo(0.7f);
        assertThat(contacts.get(0).expires()).isEqualTo(3600);

        assertThat(contacts.get(1).displayName()).isEqualTo("\"Mr. Watson\"");
        assertThat(contacts.get(1).uri().scheme()).isEqualTo(SipUri.Scheme.OTHER);
        assertThat(contacts.get(1).uri().toString()).isEqualTo("mailto:watson@bell-telephone.com");
        assertThat(contacts.get(1).q()).isEqualTo(0.1f);
        assertThat(contacts.get(1).expires()).isEqualTo(-1);

        // An addr-spec Contact: the parameters after it belong to the header, not the URI.
        assertThat(contacts.get(2).isNameAddr()).isFalse();
        assertThat(contacts.get(2).uri().port()).isEqualTo(5060);
        assertThat(contacts.get(2).uri().hasParam("expires")).isFalse();
        assertThat(contacts.get(2).expires()).isEqualTo(60);
        assertThat(contacts.get(2).q()).isEqualTo(-1f);

        assertThat(m.expires()).isEqualTo(7200);
        assertThat(m.headers("Contact")).hasSize(3);
        assertThat(m.count(HeaderName.CONTACT)).isEqualTo(2);
    }

    /** RFC 3261 20.34 and 20.30: Route and Record-Route lists over several lines keep their order. */
    @Test
    void routeAndRecordRouteLists() {
        SipMessage m = valid("route-lists.sip");
        assertThat(m.routes()).extracting(a -> a.uri().host())
                .containsExactly("p2.domain.example.com", "p3.middle.example.com", "p4.domain.example.com");
        assertThat(m.routes()).allMatch(a -> a.uri().isLooseRouter());
        assertThat(m.routes().get(2).uri().transport()).isEqualTo("tcp");

        assertThat(m.recordRoutes()).extracting(a -> a.uri().host())
                .containsExactly("p1.example.com", "[2001:db8::5]", "p0.example.com");
        assertThat(m.recordRoutes().get(1).uri().hostType()).isEqualTo(SipUri.HostType.IPV6);
        assertThat(m.recordRoutes().get(2).uri().scheme()).isEqualTo(SipUri.Scheme.SIPS);
        assertThat(m.recordRoutes().get(2).uri().port()).isEqualTo(5061);

        assertThat(m.vias()).extracting(Via::branch).containsExactly("z9hG4bKroute1", "z9hG4bKroute0");
        assertThat(m.maxForwards()).isEqualTo(69);
    }

    /** RFC 3327: Path values over several lines, top first. */
    @Test
    void pathList() {
        SipMessage m = valid("path-register.sip");
        assertThat(m.paths()).extracting(a -> a.uri().host())
                .containsExactly("P3.EXAMPLEHOME.COM", "P1.EXAMPLEVISITED.COM", "[2001:db8::1]");
        assertThat(m.paths().get(2).uri().port()).isEqualTo(5070);
        assertThat(m.paths().get(2).uri().hasParam("ob")).isTrue();
        assertThat(m.paths()).allMatch(a -> a.uri().isLooseRouter());
        assertThat(m.supported()).containsExactly("path");
        assertThat(m.vias()).hasSize(3);
    }

    /** RFC 3966 tel: URIs and RFC 3261 19.1 sips: URIs. */
    @Test
    void telAndSipsUris() {
        SipMessage m = valid("tel-and-sips-uris.sip");
        SipUri ruri = m.requestUri();
        assertThat(ruri.scheme()).isEqualTo(SipUri.Scheme.TEL);
        assertThat(ruri.isSip()).isFalse();
        assertThat(ruri.user()).isEqualTo("+1-201-555-0123");
        assertThat(ruri.host()).isNull();

        SipUri to = m.to().uri();
        assertThat(to.scheme()).isEqualTo(SipUri.Scheme.TEL);
        assertThat(to.user()).isEqualTo("7042");
        assertThat(to.param("phone-context")).isEqualTo("example.com");

        SipUri from = m.from().uri();
        assertThat(from.scheme()).isEqualTo(SipUri.Scheme.SIPS);
        assertThat(from.schemeName()).isEqualTo("sips");
        assertThat(from.isSip()).isTrue();
        assertThat(m.from().displayName()).isEqualTo("\"Alice\"");

        assertThat(m.contacts().get(0).uri().scheme()).isEqualTo(SipUri.Scheme.SIPS);
        assertThat(m.contacts().get(0).uri().port()).isEqualTo(5061);
        assertThat(m.topVia().transport()).isEqualTo("TLS");
    }

    /** RFC 3261 19.1.1: userinfo with a password, uri-parameters, and headers after '?', inside <>. */
    @Test
    void contactUriWithPasswordAndHeaders() {
        SipMessage m = valid("contact-password-uri-headers.sip");
        Address contact = m.contacts().get(0);
        assertThat(contact.displayName()).isEqualTo("\"Alice\"");
        assertThat(contact.expires()).isEqualTo(30);
        SipUri uri = contact.uri();
        assertThat(uri.user()).isEqualTo("alice");
        assertThat(uri.password()).isEqualTo("secret%21");
        assertThat(uri.host()).isEqualTo("pc33.atlanta.example.com");
        assertThat(uri.transport()).isEqualTo("tcp");
        assertThat(uri.headers()).isEqualTo("Subject=lunch&Priority=urgent");
    }

    /** RFC 3261 7.3.1 / 20.42: Via values on several lines and several values on one line, top first. */
    @Test
    void multipleViaHeadersAndValues() {
        SipMessage m = valid("multiple-via.sip");
        assertThat(m.count(HeaderName.VIA)).isEqualTo(3);
        assertThat(m.headers("Via")).hasSize(4);
        assertThat(m.vias()).extracting(Via::branch).containsExactly(
                "z9hG4bK4b43c2ff8.1", "z9hG4bK77ef4c2312983.1", "z9hG4bK776asdhds", "z9hG4bKedge");
        assertThat(m.vias()).extracting(Via::received).containsExactly("192.0.2.3", "192.0.2.2", "192.0.2.1", null);
        assertThat(m.vias().get(3).transport()).isEqualTo("TCP");
        assertThat(m.topVia().branch()).isEqualTo("z9hG4bK4b43c2ff8.1");
        assertThat(m.isResponse()).isTrue();
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.reasonPhrase()).isEqualTo("OK");
        assertThat(m.methodName()).as("a response's method is its CSeq's").isEqualTo("INVITE");
    }

    /** RFC 3261 7.2 / RFC 4475 3.1.1.13: Reason-Phrase may be empty; the SP before it stays. */
    @Test
    void responseWithEmptyReasonPhrase() {
        SipMessage m = valid("response-empty-reason.sip");
        assertThat(m.isResponse()).isTrue();
        assertThat(m.statusCode()).isEqualTo(183);
        assertThat(m.reasonPhrase()).isEmpty();
        assertThat(m.requestUri()).isNull();
        assertThat(m.requestUriString()).isNull();
        assertThat(m.toTag()).isEqualTo("314159");
    }

    /** RFC 3261 25.1: quoted-string may hold UTF8-NONASCII. */
    @Test
    void utf8DisplayNamesAndBody() {
        SipMessage m = valid("utf8-display-names.sip");
        assertThat(m.from().displayName()).isEqualTo("\"Jürgen Müller\"");
        assertThat(m.to().displayName()).isEqualTo("\"山田太郎\"");
        assertThat(m.contacts().get(0).displayName()).isEqualTo("\"Ελένη\"");
        assertThat(m.header("Subject")).isEqualTo("Grüße");
        assertThat(m.contentType()).isEqualTo("text/plain;charset=UTF-8");
        assertThat(m.contentLength()).isEqualTo(17);
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("こんにちは\r\n");
    }

    /** RFC 3261 7.1 / 8.2.1: an unknown method is still a request; the element answers 501. */
    @Test
    void extensionMethod() {
        SipMessage m = valid("extension-method.sip");
        assertThat(m.method()).isEqualTo(SipMethod.OTHER);
        assertThat(m.methodName()).isEqualTo("FOOBAR");
        assertThat(m.cseq().method()).isEqualTo(SipMethod.OTHER);
        assertThat(m.cseq().methodName()).isEqualTo("FOOBAR");
        assertThat(m.cseq().number()).isEqualTo(77);
    }

    /** RFC 3261 7.1: method names are case-sensitive, so "invite" is not INVITE. */
    @Test
    void lowerCaseInviteIsAnExtensionMethod() {
        SipMessage m = valid("case-sensitive-method.sip");
        assertThat(m.method()).isEqualTo(SipMethod.OTHER);
        assertThat(m.methodName()).isEqualTo("invite");
        assertThat(m.cseq().method()).isEqualTo(SipMethod.OTHER);
    }

    /** RFC 3261 7.5: CRLFs before the start line are ignored. */
    @Test
    void crlfBeforeTheStartLineIsIgnored() {
        byte[] bytes = bytes("valid/leading-crlf.sip");
        assertThat(bytes).startsWith('\r', '\n', '\r', '\n', 'O');
        SipMessage m = valid("leading-crlf.sip");
        assertThat(m.methodName()).isEqualTo("OPTIONS");
        assertThat(m.length()).isEqualTo(bytes.length - 4);
        assertThat(m.toBytes()).startsWith('O', 'P', 'T');
    }

    /** RFC 3261 7.3.1: header names and parameter names are case-insensitive; LWS may precede ':'. */
    @Test
    void headerAndParameterNamesInAnyCase() {
        SipMessage m = valid("mixed-case-header-names.sip");
        assertThat(m.headerName(0)).isEqualTo("VIA");
        assertThat(m.headerType(0)).isEqualTo(HeaderName.VIA);
        assertThat(m.topVia().branch()).as("BRANCH=").isEqualTo("z9hG4bKcase1");
        assertThat(m.topVia().transport()).isEqualTo("UDP");
        assertThat(m.fromTag()).as("TAG=").isEqualTo("abc");
        assertThat(m.callId()).as("'call-id  :'").isEqualTo("case.1@atlanta.example.com");
        assertThat(m.cseq().number()).as("'CSEQ:5'").isEqualTo(5);
        assertThat(m.maxForwards()).isEqualTo(10);
        assertThat(m.hasHeader("Content-Length")).isTrue();
        assertThat(m.contentLength()).isZero();
    }

    /** RFC 3261 21.1.2 with RFC 3262: a reliable provisional response carrying Record-Route. */
    @Test
    void ringingResponseWithRecordRouteAndRequire() {
        SipMessage m = valid("response-180-ringing.sip");
        assertThat(m.statusCode()).isEqualTo(180);
        assertThat(m.reasonPhrase()).isEqualTo("Ringing");
        assertThat(m.recordRoutes()).extracting(a -> a.uri().host())
                .containsExactly("ss2.biloxi.example.com", "ss1.atlanta.example.com");
        assertThat(m.require()).containsExactly("100rel");
        assertThat(m.header("RSeq")).isEqualTo("813520");
        assertThat(m.topVia().received()).isEqualTo("192.0.2.101");
        assertThat(m.toTag()).isEqualTo("8321234356");
        assertThat(m.contacts().get(0).uri().transport()).isEqualTo("tcp");
    }

    /** RFC 3261 20.37, 20.32, 20.29: option tags from every Supported (and k), Require, Proxy-Require. */
    @Test
    void optionTags() {
        SipMessage m = valid("option-tags.sip");
        assertThat(m.supported()).containsExactly("timer", "100rel", "path");
        assertThat(m.require()).containsExactly("sec-agree");
        assertThat(m.proxyRequire()).containsExactly("sec-agree", "foo");
    }

    /** RFC 3261 19.1.4 / 19.1.1: escapes in the user part, and uri-parameters of the Request-URI. */
    @Test
    void escapedUserAndUriParametersInTheRequestUri() {
        SipMessage m = valid("escaped-request-uri.sip");
        SipUri uri = m.requestUri();
        assertThat(m.requestUriString())
                .isEqualTo("sip:%61l%69ce@atlanta.example.com:5080;transport=UDP;maddr=239.255.255.1;ttl=15");
        assertThat(uri.user()).isEqualTo("%61l%69ce");
        assertThat(uri.userUnescaped()).isEqualTo("alice");
        assertThat(uri.host()).isEqualTo("atlanta.example.com");
        assertThat(uri.port()).isEqualTo(5080);
        assertThat(uri.transport()).isEqualTo("udp");
        assertThat(uri.param("TRANSPORT")).isEqualTo("UDP");
        assertThat(uri.maddr()).isEqualTo("239.255.255.1");
        assertThat(uri.param("ttl")).isEqualTo("15");
        assertThat(uri.paramNames()).containsExactly("transport", "maddr", "ttl");
    }

    /** RFC 3261 25.1: LWS is SP or HT, around ':' ';' '=' and between tokens. */
    @Test
    void horizontalTabsAsSeparators() {
        SipMessage m = valid("tab-separators.sip");
        assertThat(m.topVia().host()).isEqualTo("pc33.atlanta.example.com");
        assertThat(m.topVia().branch()).isEqualTo("z9hG4bKtab");
        assertThat(m.to().displayName()).isEqualTo("Bob");
        assertThat(m.fromTag()).isEqualTo("tab1");
        assertThat(m.cseq().number()).isEqualTo(7);
        assertThat(m.cseq().methodName()).isEqualTo("INVITE");
        assertThat(m.maxForwards()).isEqualTo(70);
        assertThat(m.contentLength()).isZero();
    }

    /** RFC 3261 7.4 / 18.3: Content-Length frames the body, even when the body has empty lines. */
    @Test
    void bodyWithEmptyLinesIsFramedByContentLength() {
        SipMessage m = valid("body-with-blank-lines.sip");
        assertThat(m.headerCount()).isEqualTo(8);
        assertThat(m.contentType()).isEqualTo("text/plain");
        assertThat(m.contentLength()).isEqualTo(26).isEqualTo(m.bodyLength());
        assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("line one\r\n\r\nline three\r\n\r\n");
    }

    // ---- helpers --------------------------------------------------------------------------------

    static SipMessage valid(String name) {
        byte[] bytes = bytes("valid/" + name);
        return assertDoesNotThrow(() -> SipParser.parse(bytes).validate(), () -> name + " must be accepted");
    }

    private static int indexOfName(SipMessage m, String name) {
        for (int i = 0; i < m.headerCount(); i++) {
            if (m.headerName(i).equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no header named '" + name + "'");
    }

    static Stream<String> validCaseNames() {
        return VALID_CASES.stream();
    }

    static Stream<InvalidCase> invalidCases() {
        String tsv = new String(bytes("invalid/EXPECTED.tsv"), StandardCharsets.UTF_8);
        List<String> lines = tsv.lines().filter(l -> !l.isEmpty()).toList();
        assertThat(lines.get(0)).isEqualTo("file\texpected_reason\trule");
        return lines.stream().skip(1).map(line -> {
            String[] c = line.split("\t", -1);
            assertThat(c).as("columns of %s", c[0]).hasSize(3);
            return new InvalidCase(c[0], c[1], c[2]);
        });
    }

    static byte[] bytes(String path) {
        return TortureTest.resource("/cases/" + path);
    }

    private static Set<String> filesIn(String sub) {
        try (Stream<Path> files = Files.list(TortureTest.classpathDir("/cases/" + sub))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sip"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
