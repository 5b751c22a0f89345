package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request that reuses another's top Via branch (same sent-by) with its own Call-ID and CSeq is a
 * transaction of its own, as Kamailio's t_lookup.c finds it (src/test/resources/tm/fork3.cfg): it is
 * forwarded, not answered with the first request's reply.
 */
@DisplayName("a reused Via branch on the wire")
@Timeout(60) // the first proxy of a JVM takes seconds to start on a busy machine
class BranchReuseTest {
    private static final Duration WAIT = ForkedProxy.WAIT;
    @RegisterExtension
    final ForkedProxy fork = new ForkedProxy();

    private String message(String callId, int cseq) {
        return "MESSAGE sip:anyone@127.0.0.1:" + fork.proxy.moved("5250") + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + fork.caller.port + ";branch=z9hG4bK-reused;rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=f1\r\nTo: <sip:anyone@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " MESSAGE\r\nContent-Length: 0\r\n\r\n";
    }

    /** Each callee gets the request of {@code callId} and answers 404; the caller gets the 404 of that request. */
    private void forwardedAndAnswered(String callId) {
        for (SipPeer callee : fork.callees()) {
            SipMessage m = callee.nextRequest("MESSAGE", WAIT);
            assertThat(m.callId()).isEqualTo(callId);
            callee.answer(m, 404, "Not Found");
        }
        SipMessage up = fork.caller.nextFinal(WAIT);
        assertThat(up.statusCode()).isEqualTo(404);
        assertThat(up.callId()).isEqualTo(callId);
    }

    @Test
    @DisplayName("the second request, another Call-ID and CSeq on the same branch and sent-by, is forwarded and answered on its own")
    void reusedBranchIsANewTransaction() {
        fork.caller.send(message("first@reuse", 1));
        forwardedAndAnswered("first@reuse");
        fork.caller.send(message("second@reuse", 2));
        forwardedAndAnswered("second@reuse");
    }
}
