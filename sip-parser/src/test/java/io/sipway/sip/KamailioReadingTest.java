package io.sipway.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Messages RFC 3261 refuses that Kamailio 5.6.3 takes (its script runs, sanity_check answers them),
 * and two it drops that the grammar alone would let through; each checked against Kamailio with the
 * same bytes. What Kamailio takes, the accessors read; {@link SipMessage#validate()} still holds the
 * message to RFC 3261.
 */
class KamailioReadingTest {
    private static SipMessage parse(String text) {
        return SipParser.parse(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String options(String eol, String cseq, String to) {
        return String.join(eol, "OPTIONS sip:bob@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKa",
                "From: <sip:alice@127.0.0.1>;tag=f1", "To: " + to, "Call-ID: c1@t", "CSeq: " + cseq, "Content-Type: text/plain",
                "Content-Length: 5", "", "hello");
    }

    @Test
    @DisplayName("lines ending in a bare LF: every header and the body read as with CRLF")
    void bareLfLines() {
        SipMessage m = parse(options("\n", "1 OPTIONS", "<sip:bob@127.0.0.1>"));
        assertThat(m.methodName()).isEqualTo("OPTIONS");
        assertThat(m.topVia().branch()).isEqualTo("z9hG4bKa");
        assertThat(m.from().tag()).isEqualTo("f1");
        assertThat(m.to().uri().toString()).isEqualTo("sip:bob@127.0.0.1");
        assertThat(m.cseq().number()).isEqualTo(1);
        assertThat(new String(m.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(m.edit().toBytes()).as("lines copied as they came").contains("Call-ID: c1@t\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(m::validate).isInstanceOf(SipParseException.class).hasMessageContaining("LF without CR");
    }

    @Test
    @DisplayName("a CSeq number of 2**32 or more, or no number at all, is read (sanity answers \"CSeq number is illegal\")")
    void cseqNumbersAsKamailioReadsThem() {
        CSeq big = parse(options("\r\n", "4294967296 OPTIONS", "<sip:bob@127.0.0.1>")).cseq();
        assertThat(big.number()).isEqualTo(4294967296L);
        assertThat(big.methodName()).isEqualTo("OPTIONS");
        CSeq word = parse(options("\r\n", "abc OPTIONS", "<sip:bob@127.0.0.1>")).cseq();
        assertThat(word.number()).isEqualTo(-1);
        assertThat(word.numberText()).isEqualTo("abc");
        assertThat(word.toString()).isEqualTo("abc OPTIONS");
        assertThat(parse(options("\r\n", "99999999999999999999 OPTIONS", "<sip:bob@127.0.0.1>")).cseq().number()).isEqualTo(-1);
        assertThatThrownBy(() -> parse(options("\r\n", "4294967296 OPTIONS", "<sip:bob@127.0.0.1>")).validate())
                .isInstanceOf(SipParseException.class).hasMessageContaining("2**31");
        assertThatThrownBy(() -> parse(options("\r\n", "abc OPTIONS", "<sip:bob@127.0.0.1>")).validate())
                .isInstanceOf(SipParseException.class).hasMessageContaining("decimal digits");
        assertThatThrownBy(() -> parse(options("\r\n", "abc", "<sip:bob@127.0.0.1>")).cseq())
                .as("Kamailio drops a CSeq without a method").isInstanceOf(SipParseException.class);
    }

    @Test
    @DisplayName("a Via other than SIP/2.0 is malformed (Kamailio's parse_via drops the message)")
    void viaVersion() {
        String ok = options("\r\n", "1 OPTIONS", "<sip:bob@127.0.0.1>");
        assertThatThrownBy(() -> parse(ok.replace("SIP/2.0/UDP", "SIP/3.0/UDP")).topVia())
                .isInstanceOf(SipParseException.class).hasMessageContaining("SIP/2.0");
        assertThatThrownBy(() -> parse(ok.replace("SIP/2.0/UDP", "XIP/2.0/UDP")).topVia()).isInstanceOf(SipParseException.class);
        assertThat(parse(ok.replace("SIP/2.0/UDP", "sip/2.0/udp")).topVia().transport()).isEqualTo("UDP");
    }

    @Test
    @DisplayName("a NUL in a quoted display name is malformed unless escaped (RFC 3261 qdtext / quoted-pair; Kamailio drops such a To)")
    void nulInQuotedString() {
        assertThatThrownBy(() -> parse(options("\r\n", "1 OPTIONS", "\"B\0b\" <sip:bob@127.0.0.1>")).to())
                .isInstanceOf(SipParseException.class).hasMessageContaining("NUL");
        assertThat(parse(options("\r\n", "1 OPTIONS", "\"B\\\0b\" <sip:bob@127.0.0.1>")).to().uri().toString())
                .as("RFC 4475 3.1.1.2 escapes one").isEqualTo("sip:bob@127.0.0.1");
        assertThatThrownBy(() -> parse(options("\r\n", "1 OPTIONS", "<sip:bob@127.0.0.1>;tag=a\0b")).to())
                .isInstanceOf(SipParseException.class);
    }
}
