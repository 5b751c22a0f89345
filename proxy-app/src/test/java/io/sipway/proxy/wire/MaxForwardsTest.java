package io.sipway.proxy.wire;

import static io.sipway.proxy.wire.WireProxy.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mf_process_maxfwd_header as Kamailio 5.6.3's maxfwd runs it: the value read as str2s reads it (up
 * to five digits; "abc", "-1" or eleven digits are errors the default script answers 483), capped at
 * modparam max_limit (70), written back in place padded to the old width, added on top when missing.
 * Expected values: what Kamailio sent on and answered for the same bytes.
 */
@Timeout(30)
class MaxForwardsTest {

    @ParameterizedTest(name = "Max-Forwards: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "256         | 404 Not Found",
        "300         | 404 Not Found",
        "255         | 404 Not Found",
        "99999       | 404 Not Found",
        "abc         | 483 Too Many Hops",
        "-1          | 483 Too Many Hops",
        "99999999999 | 483 Too Many Hops",
        "0           | 483 Too Many Hops",
    })
    void debiansDefaultScriptRoutesOrAnswers483(String value, String expected) throws Exception {
        try (WireProxy p = WireProxy.debianDefault(); UdpClient uac = new UdpClient(p.port)) {
            uac.send(request("OPTIONS", "sip:nobody@127.0.0.1:" + p.port, "Max-Forwards: " + value));
            SipMessage r = uac.receive();
            assertThat(r.statusCode() + " " + r.reasonPhrase()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "Max-Forwards: {0} leaves as [{1}]")
    @CsvSource(delimiter = '|', value = {
        "255   | ' 70'",
        "256   | ' 70'",
        "99999 | '   70'",
        "070   | ' 69'",
        "70    | '69'",
        "1     | '0'",
    })
    void theValueGoesOnCappedAtMaxLimitInPlace(String value, String relayed) throws Exception {
        try (WireProxy p = WireProxy.relay(Map.of()); UdpClient uac = new UdpClient(p.port); UdpClient uas = new UdpClient(p.port, p.nextHop)) {
            uac.send(request("OPTIONS", "sip:bob@127.0.0.1:" + p.port, "Max-Forwards: " + value));
            assertThat(uas.receiveRaw()).contains("\r\nMax-Forwards: " + relayed + "\r\n");
        }
    }

    @Test
    void aMissingHeaderIsAddedOnTopWithTheFunctionsLimit() throws Exception {
        try (WireProxy p = WireProxy.relay(Map.of()); UdpClient uac = new UdpClient(p.port); UdpClient uas = new UdpClient(p.port, p.nextHop)) {
            uac.send(request("OPTIONS", "sip:bob@127.0.0.1:" + p.port, "Max-Forwards: null"));
            assertThat(uas.receiveRaw()).startsWith("OPTIONS sip:bob@127.0.0.1:" + p.port + " SIP/2.0\r\nMax-Forwards: 10\r\nVia: ");
        }
    }

    @Test
    void maxLimitIsTheModparams() throws Exception {
        try (WireProxy p = WireProxy.relay(Map.of("MAX_LIMIT", "20")); UdpClient uac = new UdpClient(p.port);
                UdpClient uas = new UdpClient(p.port, p.nextHop)) {
            uac.send(request("OPTIONS", "sip:bob@127.0.0.1:" + p.port, "Max-Forwards: 70"));
            assertThat(uas.receiveRaw()).contains("\r\nMax-Forwards: 20\r\n");
            String second = uac.send(request("OPTIONS", "sip:bob@127.0.0.1:" + p.port, "Max-Forwards: 15"));
            assertThat(uas.receiveFor(second).header("Max-Forwards")).isEqualTo("14");
        }
    }
}
