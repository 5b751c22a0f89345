package io.sipway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficStatsTest {

    @ParameterizedTest
    @CsvSource({
        "'INVITE sip:a@b SIP/2.0', INVITE",
        "'ACK sip:a@b SIP/2.0', ACK",
        "'REGISTER sip:b SIP/2.0', REGISTER",
        "'REFER sip:a@b SIP/2.0', REFER",
        "'INVITEX sip:a@b SIP/2.0', other",
        "'FOO sip:a@b SIP/2.0', other",
        "'SIP/2.0 100 Trying', 1xx",
        "'SIP/2.0 200 OK', 2xx",
        "'SIP/2.0 486 Busy Here', 4xx",
        "'SIP/2.0 603 Decline', 6xx",
        "'SIP/2.0 700 What', other",
        "'', other"
    })
    void theKindIsReadFromTheStartLine(String startLine, String kind) {
        byte[] m = (startLine + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(TrafficStats.KINDS[TrafficStats.kindOf(m)]).isEqualTo(kind);
    }

    @Test
    void countsAreKeptByProtocolAndKind() {
        TrafficStats t = new TrafficStats();
        t.received(Protocol.WSS, "BYE sip:x SIP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
        t.sent(Protocol.UDP, "SIP/2.0 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
        t.failed(TrafficStats.SendFailure.CONNECTION_NOT_FOUND);
        assertThat(t.received(Protocol.WSS, 2)).isEqualTo(1);
        assertThat(t.received(Protocol.WS, 2)).isZero();
        assertThat(t.sent(Protocol.UDP, TrafficStats.FIRST_REPLY + 1)).isEqualTo(1);
        assertThat(t.failures(TrafficStats.SendFailure.CONNECTION_NOT_FOUND)).isEqualTo(1);
        assertThat(t.failures(TrafficStats.SendFailure.NO_SOCKET)).isZero();
    }
}
