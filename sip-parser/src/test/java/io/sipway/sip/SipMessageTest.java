package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Framing and the typed views of a message (RFC 3261 7, 8.1.1, 18.3, 20). */
class SipMessageTest {

    /** Text block to wire bytes: every LF becomes CRLF. */
    static byte[] sip(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] resource(String name) {
        try (InputStream in = SipMessageTest.class.getResourceAsStream("/unit/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource unit/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** RFC 3261 24.2-style OPTIONS, 11 header fields incl. one folded, no body. */
    private static final String OPTIONS = """
            OPTIONS sip:carol@chicago.example.com SIP/2.0
            Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877
            Max-Forwards: 70
            To: <sip:carol@chicago.example.com>
            From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
            Call-ID: a84b4c76e66710
            CSeq: 63104 OPTIONS
            Contact: <sip:alice@pc33.atlanta.example.com>
            Subject: I know you're there,
             pick up the phone
             and talk to me!
            X-Custom: one, two
            x-custom: three
            Content-Length: 0

            """;

    @Nested
    @DisplayName("start line (RFC 3261 7.1, 7.2)")
    class StartLine {
        @Test
        @DisplayName("RFC 3261 7.1 Request-Line: method, Request-URI as written, no status")
        void requestLine() {
            SipMessage m = SipParser.parse(resource("invite-sdp.sip"));
            assertThat(m.isRequest()).isTrue();
            assertThat(m.isResponse()).isFalse();
            assertThat(m.method()).isEqualTo(SipMethod.INVITE);
            assertThat(m.methodName()).isEqualTo("INVITE");
            assertThat(m.requestUriString()).isEqualTo("sip:bob@biloxi.example.com");
            assertThat(m.requestUri().user()).isEqualTo("bob");
            assertThat(m.statusCode()).isZero();
            assertThat(m.reasonPhrase()).isNull();
        }

        @ParameterizedTest(name = "RFC 3261 7.1: method {0} is known")
        @ValueSource(strings = {"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK", "SUBSCRIBE",
            "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"})
        void knownMethods(String method) {
            SipMessage m = SipParser.parse(sip(method + " sip:a@example.com SIP/2.0\nContent-Length: 0\n\n"));
            assertThat(m.method()).isEqualTo(SipMethod.valueOf(method));
            assertThat(m.methodName()).isEqualTo(method);
        }

        @Test
        @DisplayName("RFC 3261 7.1: extension methods and case-sensitive method names are OTHER, text kept")
        void extensionMethod() {
            SipMessage ext = SipParser.parse(sip("FOO.BAR sip:a@example.com SIP/2.0\nContent-Length: 0\n\n"));
            assertThat(ext.method()).isEqualTo(SipMethod.OTHER);
            assertThat(ext.methodName()).isEqualTo("FOO.BAR");
            SipMessage lower = SipParser.parse(sip("invite sip:a@example.com SIP/2.0\nContent-Length: 0\n\n"));
            assertThat(lower.method()).isEqualTo(SipMethod.OTHER);
            assertThat(lower.methodName()).isEqualTo("invite");
        }

        @Test
        @DisplayName("RFC 3261 7.2 Status-Line: code, reason, method from CSeq")
        void statusLine() {
            SipMessage m = SipParser.parse(resource("response-200.sip"));
            assertThat(m.isResponse()).isTrue();
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.reasonPhrase()).isEqualTo("OK");
            assertThat(m.method()).isEqualTo(SipMethod.INVITE);
            assertThat(m.methodName()).isEqualTo("INVITE");
            assertThat(m.requestUriString()).isNull();
            assertThat(m.requestUri()).isNull();
        }

        @Test
        @DisplayName("RFC 3261 25.1 Reason-Phrase = *(reserved / unreserved / escaped / UTF8 / SP / HT)")
        void reasonPhrases() {
            String rest = "\nCSeq: 1 BYE\nContent-Length: 0\n\n";
            assertThat(SipParser.parse(sip("SIP/2.0 486 Busy Here" + rest)).reasonPhrase()).isEqualTo("Busy Here");
            assertThat(SipParser.parse(sip("SIP/2.0 200 " + rest)).reasonPhrase()).isEmpty();
            assertThat(SipParser.parse(sip("SIP/2.0 180 Ça sonne" + rest)).reasonPhrase()).isEqualTo("Ça sonne");
            SipMessage ext = SipParser.parse(sip("SIP/2.0 699 Whatever" + rest));
            assertThat(ext.statusCode()).isEqualTo(699);
            assertThat(ext.method()).isEqualTo(SipMethod.BYE);
        }

        @Test
        @DisplayName("RFC 3261 8.1.1.5: a response without CSeq has no method; asking is not a NullPointerException")
        void responseWithoutCseq() {
            SipMessage m = SipParser.parse(sip("SIP/2.0 200 OK\nContent-Length: 0\n\n"));
            assertThat(m.statusCode()).isEqualTo(200);
            Throwable method = org.assertj.core.api.Assertions.catchThrowable(m::method);
            Throwable name = org.assertj.core.api.Assertions.catchThrowable(m::methodName);
            assertThat(method).as("method() without CSeq").satisfiesAnyOf(
                    t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(SipParseException.class));
            assertThat(name).as("methodName() without CSeq").satisfiesAnyOf(
                    t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(SipParseException.class));
            assertThatThrownBy(m::validate).isInstanceOf(SipParseException.class);
        }

        @ParameterizedTest(name = "RFC 3261 25.1: malformed start line refused: {0}")
        @ValueSource(strings = {"SIP/2.0 20 OK", "SIP/2.0 2000 OK", "SIP/2.0 099 Low", "SIP/2.0 abc OK",
            "SIP/1.0 200 OK", "INVITE sip:a@example.com SIP/3.0", "INVITE sip:a@example.com", "INVITE  sip:a@example.com SIP/2.0",
            "INVITE sip:a@example.com SIP/2.0 ", "INVITE sip:a@example.com  SIP/2.0", " INVITE sip:a@example.com SIP/2.0",
            "INVITE sip:a@example.com SIP/2.0x", "INV(ITE sip:a@example.com SIP/2.0", "SIP/2.0"})
        void malformedStartLines(String line) {
            assertThatThrownBy(() -> SipParser.parse(sip(line + "\nContent-Length: 0\n\n")))
                    .isInstanceOf(SipParseException.class);
        }
    }

    @Nested
    @DisplayName("header access (RFC 3261 7.3)")
    class Headers {
        @Test
        @DisplayName("RFC 3261 7.3.1 / 7.3.3: header(name) by long name, compact name, any case")
        void headerByAnyName() {
            SipMessage m = SipParser.parse(resource("invite-sdp.sip"));
            String callId = "3848276298220188511@atlanta.example.com";
            assertThat(m.header("Call-ID")).isEqualTo(callId);
            assertThat(m.header("call-id")).isEqualTo(callId);
            assertThat(m.header("CALL-ID")).isEqualTo(callId);
            assertThat(m.header("i")).isEqualTo(callId);
            assertThat(m.header("I")).isEqualTo(callId);
            assertThat(m.header(HeaderName.CALL_ID)).isEqualTo(callId);
            assertThat(m.header("v")).isEqualTo("SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9");
            assertThat(m.header("l")).isEqualTo("151");
            assertThat(m.header("Subject")).isNull();
            assertThat(m.hasHeader("k")).isTrue();
            assertThat(m.hasHeader("Require")).isFalse();
        }

        @Test
        @DisplayName("RFC 3261 7.3.3: compact headers read through the typed views")
        void compactFormsThroughTypedViews() {
            SipMessage m = SipParser.parse(resource("message-compact.sip"));
            assertThat(m.topVia().host()).isEqualTo("user1pc.domain.com");
            assertThat(m.topVia().branch()).isEqualTo("z9hG4bK776sgdkse");
            assertThat(m.from().uri().user()).isEqualTo("user1");
            assertThat(m.fromTag()).isEqualTo("49583");
            assertThat(m.to().uri().user()).isEqualTo("user2");
            assertThat(m.callId()).isEqualTo("asd88asd77a@1.2.3.4");
            assertThat(m.contentType()).isEqualTo("text/plain");
            assertThat(m.contentLength()).isEqualTo(18);
            assertThat(text(m.body())).isEqualTo("Watson, come here.");
            assertThat(m.header("Content-Type")).isEqualTo("text/plain");
            assertThat(m.header("Via")).startsWith("SIP/2.0/TCP");
            assertThat(m.headerName(0)).isEqualTo("v");
            assertThat(m.headerType(0)).isEqualTo(HeaderName.VIA);
            assertThat(m.validate()).isSameAs(m);
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: compact Contact, Supported, Subject, Content-Encoding typed")
        void moreCompactForms() {
            SipMessage m = SipParser.parse(sip("""
                    REGISTER sip:example.com SIP/2.0
                    v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK9
                    f: <sip:a@example.com>;tag=1
                    t: <sip:a@example.com>
                    i: reg1
                    CSeq: 1 REGISTER
                    m: <sip:a@192.0.2.1>;expires=30
                    k: path, outbound
                    s: hello
                    e: gzip
                    l: 0

                    """));
            assertThat(m.contacts()).hasSize(1);
            assertThat(m.contacts().get(0).expires()).isEqualTo(30);
            assertThat(m.supported()).containsExactly("path", "outbound");
            assertThat(m.header("Subject")).isEqualTo("hello");
            assertThat(m.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(m.count(HeaderName.SUPPORTED)).isEqualTo(1);
            assertThat(m.validate()).isSameAs(m);
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: headers(name) splits comma lists and keeps repeated headers in order")
        void headersSplitsAndKeepsOrder() {
            SipMessage m = SipParser.parse(sip("""
                    INVITE sip:bob@biloxi.com SIP/2.0
                    Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
                    Supported: 100rel, timer
                    k: path
                    Route: <sip:p3.example.com;lr>
                    supported: replaces
                    Content-Length: 0

                    """));
            assertThat(m.headers("Route"))
                    .containsExactly("<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>", "<sip:p3.example.com;lr>");
            assertThat(m.headers("Supported")).containsExactly("100rel", "timer", "path", "replaces");
            assertThat(m.headers("k")).containsExactly("100rel", "timer", "path", "replaces");
            assertThat(m.supported()).containsExactly("100rel", "timer", "path", "replaces");
            assertThat(m.headers("Require")).isEmpty();
            assertThat(m.count(HeaderName.ROUTE)).isEqualTo(2);
        }

        @Test
        @DisplayName("headerCount / headerName / headerValue / headerType index the fields as written")
        void indexedAccess() {
            SipMessage m = SipParser.parse(sip(OPTIONS));
            assertThat(m.headerCount()).isEqualTo(11);
            assertThat(m.headerName(0)).isEqualTo("Via");
            assertThat(m.headerValue(0)).isEqualTo("SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877");
            assertThat(m.headerName(1)).isEqualTo("Max-Forwards");
            assertThat(m.headerValue(1)).isEqualTo("70");
            assertThat(m.headerType(5)).isEqualTo(HeaderName.CSEQ);
            assertThat(m.headerName(8)).isEqualTo("X-Custom");
            assertThat(m.headerName(9)).isEqualTo("x-custom");
            assertThat(m.headerType(9)).isEqualTo(HeaderName.OTHER);
            assertThat(m.headerValue(10)).isEqualTo("0");
            assertThatThrownBy(() -> m.headerName(11)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.headerValue(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: unknown headers are found by name in any case, not split")
        void unknownHeaders() {
            SipMessage m = SipParser.parse(sip(OPTIONS));
            assertThat(m.header("X-Custom")).isEqualTo("one, two");
            assertThat(m.header("X-CUSTOM")).isEqualTo("one, two");
            assertThat(m.headers("x-custom")).containsExactly("one, two", "three");
            assertThat(m.hasHeader("X-Other")).isFalse();
            assertThat(m.header("Accept")).isNull();
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: a folded header is one field; the value keeps the fold as written")
        void folding() {
            SipMessage m = SipParser.parse(sip(OPTIONS));
            assertThat(m.header("Subject")).isEqualTo("I know you're there,\r\n pick up the phone\r\n and talk to me!");
            assertThat(m.headerName(7)).isEqualTo("Subject");
            assertThat(m.headerName(8)).isEqualTo("X-Custom");
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: typed views read across folded lines")
        void foldedTypedValues() {
            SipMessage m = SipParser.parse(sip("""
                    INVITE sip:bob@biloxi.com SIP/2.0
                    Via: SIP/2.0/UDP
                      pc33.atlanta.com;branch=z9hG4bK776asdhds
                    CSeq:
                     314159
                    \tINVITE
                    Max-Forwards:
                      70
                    Content-Length: 0

                    """));
            assertThat(m.cseq().number()).isEqualTo(314159);
            assertThat(m.cseq().method()).isEqualTo(SipMethod.INVITE);
            assertThat(m.maxForwards()).isEqualTo(70);
            assertThat(m.topVia().host()).isEqualTo("pc33.atlanta.com");
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: header name and colon may be separated by white space")
        void whiteSpaceBeforeColon() {
            SipMessage m = SipParser.parse(sip("OPTIONS sip:a@example.com SIP/2.0\nCall-ID  : abc@def\nSubject\t:x\n"
                    + "Content-Length: 0\n\n"));
            assertThat(m.callId()).isEqualTo("abc@def");
            assertThat(m.header("Subject")).isEqualTo("x");
        }

        @ParameterizedTest(name = "RFC 3261 7.3.1: malformed header line refused: {0}")
        @ValueSource(strings = {"Via", "Via SIP/2.0/UDP h", ": value", "Fr@m: x", "From x: y", "\u00e9: x"})
        void malformedHeaderLines(String line) {
            assertThatThrownBy(() -> SipParser.parse(sip("OPTIONS sip:a@example.com SIP/2.0\n" + line + "\n\n")))
                    .isInstanceOf(SipParseException.class);
        }
    }

    @Nested
    @DisplayName("typed single-value headers (RFC 3261 20)")
    class TypedValues {
        private final SipMessage m = SipParser.parse(sip("""
                INVITE sip:bob@biloxi.com SIP/2.0
                Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds
                Max-Forwards: 70
                To: Bob <sip:bob@biloxi.com>
                From: Alice <sip:alice@atlanta.com>;tag=1928301774
                Call-ID: a84b4c76e66710@pc33.atlanta.com
                CSeq: 314159 INVITE
                Expires: 7200
                Content-Type: application/sdp ; charset = utf-8
                Supported: 100rel
                Require: timer, 100rel
                Proxy-Require: sec-agree
                Content-Length: 0

                """));

        @Test
        @DisplayName("RFC 3261 20.8, 20.16, 20.22, 20.19, 20.15")
        void values() {
            assertThat(m.callId()).isEqualTo("a84b4c76e66710@pc33.atlanta.com");
            assertThat(m.cseq().number()).isEqualTo(314159L);
            assertThat(m.cseq().method()).isEqualTo(SipMethod.INVITE);
            assertThat(m.cseq().methodName()).isEqualTo("INVITE");
            assertThat(m.cseq().toString()).isEqualTo("314159 INVITE");
            assertThat(m.maxForwards()).isEqualTo(70);
            assertThat(m.expires()).isEqualTo(7200L);
            assertThat(m.contentType()).isEqualTo("application/sdp ; charset = utf-8");
            assertThat(m.supported()).containsExactly("100rel");
            assertThat(m.require()).containsExactly("timer", "100rel");
            assertThat(m.proxyRequire()).containsExactly("sec-agree");
            assertThat(m.validate()).isSameAs(m);
        }

        @Test
        @DisplayName("absent headers: null, -1 or empty")
        void absent() {
            SipMessage bare = SipParser.parse(sip("OPTIONS sip:a@example.com SIP/2.0\n\n"));
            assertThat(bare.callId()).isNull();
            assertThat(bare.cseq()).isNull();
            assertThat(bare.maxForwards()).isEqualTo(-1);
            assertThat(bare.expires()).isEqualTo(-1L);
            assertThat(bare.contentType()).isNull();
            assertThat(bare.contentLength()).isEqualTo(-1);
            assertThat(bare.supported()).isEmpty();
            assertThat(bare.require()).isEmpty();
            assertThat(bare.topVia()).isNull();
        }

        @Test
        @DisplayName("RFC 3261 20.22 / 20.16 / 20.19 / 25.1 limits: 0..255, < 2**31, < 2**32")
        void limits() {
            assertThat(with("Max-Forwards: 0").maxForwards()).isZero();
            assertThat(with("Max-Forwards: 255").maxForwards()).isEqualTo(255);
            assertThatThrownBy(() -> with("Max-Forwards: 256").maxForwards()).isInstanceOf(SipParseException.class);
            assertThatThrownBy(() -> with("Max-Forwards: -1").maxForwards()).isInstanceOf(SipParseException.class);
            assertThat(with("CSeq: 2147483647 OPTIONS").cseq().number()).isEqualTo(CSeq.MAX_NUMBER);
            assertThat(with("CSeq: 2147483648 OPTIONS").cseq().number()).as("read as Kamailio reads it").isEqualTo(1L << 31);
            assertThatThrownBy(() -> with("CSeq: 1OPTIONS").cseq()).isInstanceOf(SipParseException.class);
            assertThatThrownBy(() -> with("CSeq: OPTIONS").cseq()).isInstanceOf(SipParseException.class);
            assertThat(with("Expires: 4294967295").expires()).isEqualTo(4294967295L);
            assertThatThrownBy(() -> with("Expires: 4294967296").expires()).isInstanceOf(SipParseException.class);
            assertThatThrownBy(() -> with("Call-ID: has space").callId()).isInstanceOf(SipParseException.class);
            assertThatThrownBy(() -> with("Call-ID: ").callId()).isInstanceOf(SipParseException.class);
            assertThatThrownBy(() -> with("Content-Type: text").contentType()).isInstanceOf(SipParseException.class);
        }

        private SipMessage with(String line) {
            return SipParser.parse(sip("OPTIONS sip:a@example.com SIP/2.0\n" + line + "\nContent-Length: 0\n\n"));
        }

        @Test
        @DisplayName("RFC 3261 8.1.1.5: validate() refuses a CSeq method that is not the request method")
        void cseqMethodMismatch() {
            byte[] raw = sip("""
                    OPTIONS sip:a@example.com SIP/2.0
                    Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1
                    From: <sip:b@example.com>;tag=1
                    To: <sip:a@example.com>
                    Call-ID: x1
                    CSeq: 1 INVITE
                    Content-Length: 0

                    """);
            SipMessage wrong = SipParser.parse(raw);
            SipParseException e = catchThrowableOfType(SipParseException.class, wrong::validate);
            assertThat(e.offset()).isEqualTo(text(raw).indexOf("1 INVITE"));
        }
    }

    @Nested
    @DisplayName("Content-Length and datagrams (RFC 3261 18.3, 20.14)")
    class Body {
        private static final String HEAD = "MESSAGE sip:a@example.com SIP/2.0\r\nContent-Type: text/plain\r\n";

        @Test
        @DisplayName("RFC 3261 18.3: bytes beyond Content-Length in a datagram are discarded")
        void extraBytesDiscarded() {
            String msg = HEAD + "Content-Length: 5\r\n\r\nhello";
            byte[] datagram = (msg + ", and more").getBytes(StandardCharsets.US_ASCII);
            SipMessage m = SipParser.parse(datagram);
            assertThat(text(m.body())).isEqualTo("hello");
            assertThat(m.bodyLength()).isEqualTo(5);
            assertThat(m.contentLength()).isEqualTo(5);
            assertThat(text(m.toBytes())).isEqualTo(msg);
            assertThat(m.length()).isEqualTo(msg.length());
        }

        @Test
        @DisplayName("RFC 3261 18.3: a datagram that ends before Content-Length bytes is framed as it came (Kamailio's "
                + "core takes it, sanity answers 400) and refused by validate()")
        void shorterBodyKeptAndRefusedByValidate() {
            byte[] datagram = (HEAD + "Content-Length: 10\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII);
            SipMessage m = SipParser.parse(datagram);
            assertThat(text(m.body())).isEqualTo("hello");
            assertThat(m.contentLength()).isEqualTo(10);
            assertThat(m.bytesAfterHeaders()).isEqualTo(5);
            SipParseException e = catchThrowableOfType(SipParseException.class, m::validate);
            assertThat(e.reason()).contains("body shorter than Content-Length");
            assertThat(e.offset()).isEqualTo(datagram.length);
        }

        @Test
        @DisplayName("a datagram's bytes past Content-Length are counted in bytesAfterHeaders (sanity's check 128)")
        void bytesAfterHeadersCountsTheDiscardedTail() {
            SipMessage m = SipParser.parse((HEAD + "Content-Length: 5\r\n\r\nhello world").getBytes(StandardCharsets.US_ASCII));
            assertThat(m.bodyLength()).isEqualTo(5);
            assertThat(m.bytesAfterHeaders()).isEqualTo(11);
        }

        @Test
        @DisplayName("RFC 3261 18.3 / 20.14: without Content-Length the body is the rest of the datagram")
        void noContentLengthTakesRest() {
            byte[] datagram = (HEAD + "\r\nhello\r\nworld\r\n").getBytes(StandardCharsets.US_ASCII);
            SipMessage m = SipParser.parse(datagram);
            assertThat(m.contentLength()).isEqualTo(-1);
            assertThat(text(m.body())).isEqualTo("hello\r\nworld\r\n");
            assertThat(m.toBytes()).isEqualTo(datagram);
        }

        @Test
        @DisplayName("RFC 3261 20.14: Content-Length: 0 ignores whatever follows in the datagram")
        void zeroContentLength() {
            SipMessage m = SipParser.parse((HEAD + "l: 0\r\n\r\nignored").getBytes(StandardCharsets.US_ASCII));
            assertThat(m.bodyLength()).isZero();
            assertThat(m.body()).isEmpty();
        }

        @ParameterizedTest(name = "RFC 3261 20.14 Content-Length = 1*DIGIT: {0} refused")
        @ValueSource(strings = {"Content-Length: -1", "Content-Length: abc", "Content-Length: 5 5", "Content-Length: ",
            "Content-Length: 0\r\nl: 0", "Content-Length: 0\r\nContent-Length: 0", "Content-Length: 99999999999"})
        void badContentLength(String lines) {
            byte[] datagram = (HEAD + lines + "\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> SipParser.parse(datagram)).isInstanceOf(SipParseException.class);
        }

        @Test
        @DisplayName("RFC 3261 20.14: a second Content-Length is refused at its line")
        void duplicateContentLengthOffset() {
            String raw = HEAD + "Content-Length: 5\r\nl: 5\r\n\r\nhello";
            SipParseException e = catchThrowableOfType(SipParseException.class,
                    () -> SipParser.parse(raw.getBytes(StandardCharsets.US_ASCII)));
            assertThat(e.offset()).isEqualTo(raw.indexOf("l: 5"));
        }

        @Test
        @DisplayName("RFC 3261 7.5: CRLFs before the start line are skipped")
        void leadingCrlfsSkipped() {
            byte[] msg = resource("invite-sdp.sip");
            byte[] datagram = new byte[msg.length + 6];
            System.arraycopy("\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, datagram, 0, 6);
            System.arraycopy(msg, 0, datagram, 6, msg.length);
            SipMessage m = SipParser.parse(datagram);
            assertThat(m.method()).isEqualTo(SipMethod.INVITE);
            assertThat(m.toBytes()).isEqualTo(msg);
            assertThat(m.length()).isEqualTo(msg.length);
            assertThat(m.toString()).isEqualTo(text(msg));
        }

        @Test
        @DisplayName("a datagram of CRLFs only is refused")
        void onlyCrlfs() {
            assertThatThrownBy(() -> SipParser.parse("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(SipParseException.class);
            assertThatThrownBy(() -> SipParser.parse(new byte[0])).isInstanceOf(SipParseException.class);
        }

        @ParameterizedTest(name = "toBytes() returns the original bytes of {0}")
        @ValueSource(strings = {"invite-sdp.sip", "message-compact.sip", "notify-folded-cl.sip", "info-crlf-body.sip",
            "response-200.sip"})
        void toBytesEqualsOriginal(String name) {
            byte[] raw = resource(name);
            SipMessage m = SipParser.parse(raw);
            assertThat(m.toBytes()).isEqualTo(raw);
            assertThat(m.validate()).isSameAs(m);
            assertThat(SipParser.defaults().parseStream(raw, 0, raw.length).toBytes()).isEqualTo(raw);
        }

        @Test
        @DisplayName("the SDP body of the INVITE is exactly Content-Length bytes")
        void inviteBody() {
            SipMessage m = SipParser.parse(resource("invite-sdp.sip"));
            assertThat(m.contentLength()).isEqualTo(151);
            assertThat(text(m.body())).startsWith("v=0\r\n").endsWith("a=rtpmap:0 PCMU/8000\r\n");
            assertThat(m.contentType()).isEqualTo("application/sdp");
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: folded Content-Length")
        void foldedContentLength() {
            SipMessage m = SipParser.parse(resource("notify-folded-cl.sip"));
            assertThat(m.contentLength()).isEqualTo(12);
            assertThat(text(m.body())).isEqualTo("hello, world");
        }
    }

    @Nested
    @DisplayName("parser limits and stream mode (SipParserConfig)")
    class Limits {
        @Test
        @DisplayName("maxHeaders: N fields pass, N+1 are refused at the extra field")
        void maxHeaders() {
            byte[] raw = sip(OPTIONS);
            SipParser exact = new SipParser(SipParserConfig.defaults().withMaxHeaders(11));
            assertThat(exact.parseDatagram(raw, 0, raw.length).headerCount()).isEqualTo(11);
            SipParser tight = new SipParser(SipParserConfig.defaults().withMaxHeaders(10));
            SipParseException e = catchThrowableOfType(SipParseException.class, () -> tight.parseDatagram(raw, 0, raw.length));
            assertThat(e).isNotNull();
            assertThat(e.offset()).isEqualTo(text(raw).indexOf("Content-Length"));
        }

        @Test
        @DisplayName("maxMessageSize: a larger datagram is refused")
        void maxMessageSize() {
            byte[] raw = sip(OPTIONS);
            SipParser fits = new SipParser(SipParserConfig.defaults().withMaxMessageSize(raw.length));
            assertThat(fits.parseDatagram(raw, 0, raw.length).toBytes()).isEqualTo(raw);
            SipParser small = new SipParser(SipParserConfig.defaults().withMaxMessageSize(raw.length - 1));
            SipParseException e = catchThrowableOfType(SipParseException.class, () -> small.parseDatagram(raw, 0, raw.length));
            assertThat(e).isNotNull();
            assertThat(e.offset()).isEqualTo(raw.length - 1);
            assertThatThrownBy(() -> small.parseStream(raw, 0, raw.length)).isInstanceOf(SipParseException.class);
        }

        @Test
        @DisplayName("maxMessageSize: a Content-Length above the limit is refused at its value")
        void contentLengthAboveMax() {
            String raw = "MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 5000\r\n\r\nhi";
            SipParser p = new SipParser(SipParserConfig.defaults().withMaxMessageSize(1000));
            SipParseException e = catchThrowableOfType(SipParseException.class,
                    () -> p.parseDatagram(raw.getBytes(StandardCharsets.US_ASCII), 0, raw.length()));
            assertThat(e).isNotNull();
            assertThat(e.offset()).isEqualTo(raw.indexOf("5000"));
        }

        @Test
        @DisplayName("config bounds: maxMessageSize >= 64, maxHeaders >= 1")
        void configBounds() {
            assertThatThrownBy(() -> SipParserConfig.defaults().withMaxMessageSize(63)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SipParserConfig.defaults().withMaxHeaders(0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(SipParserConfig.defaults().withMaxMessageSize(SipParserConfig.MAX_MESSAGE_SIZE_LIMIT).maxMessageSize())
                    .isEqualTo(SipParserConfig.MAX_MESSAGE_SIZE_LIMIT);
            assertThatThrownBy(() -> SipParserConfig.defaults().withMaxMessageSize(SipParserConfig.MAX_MESSAGE_SIZE_LIMIT + 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(SipParserConfig.defaults().maxMessageSize()).isEqualTo(65_535);
            assertThat(SipParserConfig.defaults().maxHeaders()).isEqualTo(256);
            assertThat(SipParserConfig.defaults().acceptNoContentLength()).isFalse();
        }

        @Test
        @DisplayName("RFC 3261 18.3 / 20.14: a stream message must carry Content-Length")
        void streamNeedsContentLength() {
            byte[] raw = sip("OPTIONS sip:a@example.com SIP/2.0\nCall-ID: x\n\n");
            SipParseException e = catchThrowableOfType(SipParseException.class,
                    () -> SipParser.defaults().parseStream(raw, 0, raw.length));
            assertThat(e).isNotNull();
            assertThat(e.offset()).isEqualTo(raw.length - 2);
            SipParser lenient = new SipParser(SipParserConfig.defaults().withAcceptNoContentLength(true));
            SipMessage m = lenient.parseStream(raw, 0, raw.length);
            assertThat(m.bodyLength()).isZero();
            assertThat(m.contentLength()).isEqualTo(-1);
            assertThat(m.toBytes()).isEqualTo(raw);
            byte[] trailing = sip("OPTIONS sip:a@example.com SIP/2.0\nCall-ID: x\n\nxyz");
            assertThatThrownBy(() -> lenient.parseStream(trailing, 0, trailing.length)).isInstanceOf(SipParseException.class);
        }

        @Test
        @DisplayName("RFC 3261 18.3: a stream message ends exactly with its body")
        void streamRegionMustEndWithBody() {
            String msg = "MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";
            byte[] longer = (msg + "X").getBytes(StandardCharsets.US_ASCII);
            SipParseException e = catchThrowableOfType(SipParseException.class,
                    () -> SipParser.defaults().parseStream(longer, 0, longer.length));
            assertThat(e.offset()).isEqualTo(msg.length());
            byte[] shorter = msg.substring(0, msg.length() - 1).getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> SipParser.defaults().parseStream(shorter, 0, shorter.length))
                    .isInstanceOf(SipParseException.class);
            byte[] exact = msg.getBytes(StandardCharsets.US_ASCII);
            assertThat(text(SipParser.defaults().parseStream(exact, 0, exact.length).body())).isEqualTo("hello");
        }
    }

    @Nested
    @DisplayName("error offsets point at the fault")
    class Offsets {
        private int offsetOf(String raw) {
            byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
            SipParseException e = catchThrowableOfType(SipParseException.class, () -> SipParser.parse(b));
            assertThat(e).as("refused: %s", raw).isNotNull();
            return e.offset();
        }

        @Test
        @DisplayName("RFC 3261 7.1: two spaces after the method: the empty Request-URI at byte 7")
        void doubleSpace() {
            assertThat(offsetOf("INVITE  sip:bob@biloxi.com SIP/2.0\r\n\r\n")).isEqualTo(7);
        }

        @Test
        @DisplayName("RFC 3261 7.1: unsupported version at the version")
        void badVersion() {
            assertThat(offsetOf("INVITE sip:bob@biloxi.com SIP/3.0\r\n\r\n")).isEqualTo(26);
        }

        @Test
        @DisplayName("RFC 3261 7.2: a two-digit status code at the code")
        void badStatusCode() {
            assertThat(offsetOf("SIP/2.0 20 OK\r\n\r\n")).isEqualTo(8);
        }

        @Test
        @DisplayName("RFC 3261 7: a bare LF ends a line as in Kamailio; validate() refuses it at the LF")
        void bareLf() {
            String raw = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\nFrom: x\r\n\r\n";
            SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(m.header("Via")).isEqualTo("SIP/2.0/UDP h");
            assertThat(m.header("From")).isEqualTo("x");
            SipParseException e = catchThrowableOfType(SipParseException.class, m::validate);
            assertThat(e.offset()).isEqualTo(raw.indexOf('\n', raw.indexOf("Via")));
        }

        @Test
        @DisplayName("RFC 3261 7: a bare CR at the CR")
        void bareCr() {
            String raw = "OPTIONS sip:a@example.com SIP/2.0\r\nSubject: a\rb\r\n\r\n";
            assertThat(offsetOf(raw)).isEqualTo(raw.indexOf("\rb"));
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: a header name with a non-token character, at that character")
        void badHeaderName() {
            String raw = "OPTIONS sip:a@example.com SIP/2.0\r\nFr@m: x\r\n\r\n";
            assertThat(offsetOf(raw)).isEqualTo(raw.indexOf('@', raw.indexOf("Fr")));
        }

        @Test
        @DisplayName("RFC 3261 7.3.1: a continuation line right after the start line, at the white space")
        void continuationOfNothing() {
            String raw = "OPTIONS sip:a@example.com SIP/2.0\r\n Via: x\r\n\r\n";
            assertThat(offsetOf(raw)).isEqualTo(raw.indexOf(" Via"));
        }

        @Test
        @DisplayName("RFC 3261 7: control character in the start line, at the character")
        void controlCharacterInStartLine() {
            String raw = "OPTIONS sip:a@exa\u0001mple.com SIP/2.0\r\n\r\n";
            assertThat(offsetOf(raw)).isEqualTo(raw.indexOf('\u0001'));
        }

        @Test
        @DisplayName("RFC 3261 7: a datagram without the empty line is framed (as Kamailio takes it); validate() refuses it at its end")
        void missingEmptyLine() {
            String raw = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\n";
            SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(m.hasEndOfHeaders()).isFalse();
            assertThat(m.callId()).isEqualTo("x");
            assertThat(m.bodyLength()).isZero();
            assertThat(catchThrowableOfType(SipParseException.class, m::validate).offset()).isEqualTo(raw.length());
            byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
            SipParseException e = catchThrowableOfType(SipParseException.class, () -> SipParser.defaults().parseStream(b, 0, b.length));
            assertThat(e.offset()).as("a stream message must have it").isEqualTo(raw.length());
        }

        @Test
        @DisplayName("RFC 3261 7.5: leading CRLFs count in the offset (it is from the region start)")
        void leadingCrlfsCount() {
            assertThat(offsetOf("\r\n\r\nINVITE  sip:bob@biloxi.com SIP/2.0\r\n\r\n")).isEqualTo(11);
        }

        @Test
        @DisplayName("offsets count from the region handed to the parser, also for typed views")
        void regionOffsets() {
            String prefix = "ignored prefix\r\n";
            String msg = "OPTIONS sip:a@example.com SIP/2.0\r\nMax-Forwards: 256\r\nCSeq: x OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] buf = (prefix + msg + "tail").getBytes(StandardCharsets.US_ASCII);
            SipMessage m = SipParser.defaults().parseDatagram(buf, prefix.length(), msg.length());
            assertThat(m.toBytes()).isEqualTo(msg.getBytes(StandardCharsets.US_ASCII));
            SipParseException mf = catchThrowableOfType(SipParseException.class, m::maxForwards);
            assertThat(mf.offset()).isEqualTo(msg.indexOf("256"));
            assertThat(m.cseq().number()).as("a CSeq number that is no number, read as Kamailio reads it").isEqualTo(-1);
            assertThat(m.cseq().numberText()).isEqualTo("x");
            String bad = "INVITE  sip:bob@biloxi.com SIP/2.0\r\n\r\n";
            byte[] buf2 = (prefix + bad).getBytes(StandardCharsets.US_ASCII);
            SipParseException e = catchThrowableOfType(SipParseException.class,
                    () -> SipParser.defaults().parseDatagram(buf2, prefix.length(), bad.length()));
            assertThat(e.offset()).isEqualTo(7);
        }

        @Test
        @DisplayName("a region outside the array is an IndexOutOfBoundsException, not a parse error")
        void regionOutOfBounds() {
            byte[] raw = sip(OPTIONS);
            assertThatThrownBy(() -> SipParser.defaults().parseDatagram(raw, 1, raw.length))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }

        @Test
        @DisplayName("RFC 3261 19.1: a bad Request-URI is reported from requestUri() at the URI's fault")
        void requestUriOffset() {
            String raw = "OPTIONS sip:alice@256.1.1.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n";
            SipMessage m = SipParser.parse(raw.getBytes(StandardCharsets.US_ASCII));
            SipParseException e = catchThrowableOfType(SipParseException.class, m::requestUri);
            assertThat(e.offset()).isEqualTo(raw.indexOf("256"));
        }
    }

    @Test
    @DisplayName("the caller's array is not copied or changed by parsing")
    void arrayUntouched() {
        byte[] raw = resource("invite-sdp.sip");
        byte[] copy = Arrays.copyOf(raw, raw.length);
        SipParser.parse(raw).validate();
        assertThat(raw).isEqualTo(copy);
    }
}
