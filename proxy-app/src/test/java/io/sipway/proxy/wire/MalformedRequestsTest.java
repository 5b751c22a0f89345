package io.sipway.proxy.wire;

import static io.sipway.proxy.wire.WireProxy.request;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sipway.sip.SipMessage;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Requests RFC 3261 calls malformed, sent to Debian's default script: what Kamailio 5.6.3 did with the
 * same bytes, Sipway does. Its core takes bare LF line ends, a datagram without the empty line after
 * the headers, any CSeq number and a Content-Length that does not match the datagram, and the
 * script's sanity_check("17895", "7") answers them; it drops a Via other than SIP/2.0, a NUL in To
 * and a CSeq without a method, counting and logging each.
 */
@Timeout(30)
class MalformedRequestsTest {
    private static WireProxy proxy;
    private static UdpClient uac;
    private static String uri;

    @BeforeAll
    static void start() throws Exception {
        proxy = WireProxy.debianDefault();
        uac = new UdpClient(proxy.port);
        uri = "sip:nobody@127.0.0.1:" + proxy.port;
    }

    @AfterAll
    static void stop() {
        uac.close();
        proxy.close();
    }

    private static SipMessage answer(String text) {
        return answerFrom(uac, text);
    }

    private static String status(SipMessage m) {
        return m.statusCode() + " " + m.reasonPhrase();
    }

    @Test
    void bareLfLineEndsAreRoutedLikeCrlf() {
        assertThat(status(answer(request("OPTIONS", uri).replace("\r\n", "\n")))).isEqualTo("404 Not Found");
    }

    @Test
    void aDatagramWithoutTheEmptyLineAfterTheHeadersIsAnsweredBySanity() {
        String noEmptyLine = request("OPTIONS", uri).replaceFirst("\r\n\r\n$", "\r\n");
        SipMessage r = answer(noEmptyLine);
        assertThat(status(r)).isEqualTo("400 Content-Length Body Failure");
        assertThat(r.topVia().received()).isEqualTo("127.0.0.1");
    }

    @Test
    void cseqNumbersFromTwoToThe32AreReadAndSanityHasTheLastWord() {
        assertThat(status(answer(request("OPTIONS", uri, "CSeq: 4294967296 OPTIONS")))).as("sanity's str2valid_uint lets 2**32 pass")
                .isEqualTo("404 Not Found");
        assertThat(status(answer(request("OPTIONS", uri, "CSeq: 4294967297 OPTIONS")))).isEqualTo("400 CSeq number is illegal");
        assertThat(status(answer(request("OPTIONS", uri, "CSeq: 99999999999999999999 OPTIONS")))).isEqualTo("400 CSeq number is illegal");
        assertThat(status(answer(request("OPTIONS", uri, "CSeq: abc OPTIONS")))).isEqualTo("400 CSeq number is illegal");
    }

    @Test
    void aContentLengthOtherThanTheDatagramsBodyIsAMismatch() {
        String longer = request("MESSAGE", uri, "Content-Type: text/plain", "Content-Length: 10") + "hello";
        assertThat(status(answer(longer))).isEqualTo("400 Content-Length mis-match");
        String shorter = request("MESSAGE", uri, "Content-Type: text/plain", "Content-Length: 5") + "hello world";
        assertThat(status(answer(shorter))).isEqualTo("400 Content-Length mis-match");
    }

    @Test
    void whatKamailiosCoreCannotReadIsDroppedCountedAndLogged() throws Exception {
        Logger core = (Logger) LoggerFactory.getLogger("io.sipway.core");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        core.addAppender(lines);
        // a proxy of its own: its log of drops has written nothing yet, so the first drop is written at once
        try (WireProxy own = WireProxy.debianDefault(); UdpClient client = new UdpClient(own.port)) {
            String to = "sip:nobody@127.0.0.1:" + own.port;
            client.send(request("OPTIONS", to, "Via: SIP/3.0/UDP 127.0.0.1:{port};branch={branch};rport"));
            client.send(request("OPTIONS", to, "To: \"B\0b\" <sip:bob@127.0.0.1>"));
            client.send(request("OPTIONS", to, "CSeq: abc"));
            client.receivesNothing(700);
            assertThat(own.stat("sipway:malformed_dropped")).isEqualTo(3);
            assertThat(own.stat("core:drop_requests")).isEqualTo(3);
            assertThat(lines.list).as("the first at once at ERROR, in Kamailio's words; the others of that second left out")
                    .filteredOn(e -> e.getFormattedMessage().startsWith("core parsing of SIP message failed (127.0.0.1:" + client.port() + "/1): "))
                    .hasSize(1).allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("ERROR"));
            assertThat(status(answerFrom(client, request("OPTIONS", to)))).as("and the next good one is served").isEqualTo("404 Not Found");
        } finally {
            core.detachAppender(lines);
        }
    }

    private static SipMessage answerFrom(UdpClient client, String text) {
        client.send(text);
        return client.receive();
    }

    @Test
    void aBadFromIsLeftToSanityAsKamailioReadsFromOnlyWhenAsked() {
        assertThat(status(answer(request("OPTIONS", uri, "From: \"A\0a\" <sip:alice@127.0.0.1>;tag=1"))))
                .isEqualTo("400 Invalid From Header");
    }

    @Test
    void tRelayOfAMessageWithoutTheEmptyLineFailsAndSlReplyErrorAnswersAsKamailio() throws Exception {
        try (WireProxy relay = WireProxy.relay(Map.of()); UdpClient caller = new UdpClient(relay.port)) {
            caller.send(request("OPTIONS", "sip:bob@127.0.0.1:" + relay.port).replaceFirst("\r\n\r\n$", "\r\n"));
            SipMessage r = caller.receive();
            assertThat(status(r)).isEqualTo("500 I'm terribly sorry, server error occurred (1/SL)");
        }
    }
}
