package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CANCELs a forked INVITE's losing branches get (src/test/resources/tm/fork3.cfg), byte for
 * byte as Kamailio 5.6.3 sends them for the same INVITE: the INVITE's lines in its order, CSeq
 * CANCEL, Content-Length 0, and the Reason last (RFC 3326).
 */
@DisplayName("the CANCELs of a forked INVITE, on the wire")
@Timeout(60) // the first proxy of a JVM takes seconds to start on a busy machine
class ForkCancelTest {
    private static final Duration WAIT = ForkedProxy.WAIT;
    @RegisterExtension
    final ForkedProxy fork = new ForkedProxy();

    /** The CANCEL Kamailio cuts from {@code invite} as the branch received it. */
    private static String cancelOf(SipMessage invite, String reason) {
        return "CANCEL " + invite.requestUriString() + " SIP/2.0\r\n"
                + "Via: " + invite.topVia() + "\r\n"
                + "Max-Forwards: " + invite.header("Max-Forwards") + "\r\n"
                + "From: " + invite.header("From") + "\r\n"
                + "To: " + invite.header("To") + "\r\n"
                + "Call-ID: " + invite.callId() + "\r\n"
                + "CSeq: 1 CANCEL\r\n"
                + "Content-Length: 0\r\n"
                + (reason == null ? "" : reason)
                + "\r\n";
    }

    /** Waits until the caller has had tm's 100 and these provisional replies (distinct codes: the peer skips repeats). */
    private void provisionalsUp(int... codes) {
        java.util.Set<Integer> left = new java.util.HashSet<>();
        for (int code : codes) {
            left.add(code);
        }
        while (!left.isEmpty()) {
            SipMessage m = fork.caller.next(WAIT);
            assertThat(m.statusCode()).isLessThan(200);
            left.remove(m.statusCode());
        }
    }

    private static String text(SipMessage m) {
        return new String(m.toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("one callee answers 200: the two ringing ones get Reason: SIP;cause=200;text=\"Call completed elsewhere\"")
    void answeredElsewhere() {
        SipMessage[] to = fork.call(fork.caller.invite("anyone", "z9hG4bK-cancel-200"));
        SipMessage toA = to[0];
        SipMessage toB = to[1];
        SipMessage toC = to[2];
        fork.a.answer(toA, 180, "Ringing");
        fork.b.answer(toB, 183, "Session Progress");
        provisionalsUp(180, 183); // both branches rang before the 200: their CANCELs leave at once
        fork.c.answer(toC, 200, "OK");
        assertThat(fork.caller.nextFinal(WAIT).statusCode()).isEqualTo(200);

        String reason = "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n";
        assertThat(text(fork.a.nextRequest("CANCEL", WAIT))).isEqualTo(cancelOf(toA, reason));
        assertThat(text(fork.b.nextRequest("CANCEL", WAIT))).isEqualTo(cancelOf(toB, reason));
        fork.c.silentFor(Duration.ofMillis(300));
    }

    @Test
    @DisplayName("the caller cancels: each ringing callee's CANCEL carries the caller's Reason headers")
    void callersReasonGoesOn() {
        String invite = fork.caller.invite("anyone", "z9hG4bK-cancel-e2e");
        SipMessage[] to = fork.call(invite);
        SipMessage toA = to[0];
        SipMessage toB = to[1];
        SipMessage toC = to[2];
        fork.a.answer(toA, 180, "Ringing");
        fork.b.answer(toB, 181, "Call Is Being Forwarded");
        fork.c.answer(toC, 183, "Session Progress");
        provisionalsUp(180, 181, 183);
        String reason = "Reason: Q.850;cause=16;text=\"Terminated\"\r\n";
        fork.caller.send(SipPeer.cancelOf(invite).replace("Content-Length: 0\r\n", reason + "Content-Length: 0\r\n"));
        SipMessage answer = fork.caller.next(WAIT);
        assertThat(answer.cseq().methodName()).isEqualTo("CANCEL");
        assertThat(answer.statusCode()).as("the CANCEL's own 200").isEqualTo(200);
        assertThat(text(fork.a.nextRequest("CANCEL", WAIT))).isEqualTo(cancelOf(toA, reason));
        assertThat(text(fork.b.nextRequest("CANCEL", WAIT))).isEqualTo(cancelOf(toB, reason));
        assertThat(text(fork.c.nextRequest("CANCEL", WAIT))).isEqualTo(cancelOf(toC, reason));
    }
}
