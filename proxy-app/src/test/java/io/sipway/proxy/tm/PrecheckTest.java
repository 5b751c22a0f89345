package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** t_precheck_trans() and set_forward_no_connect() (src/test/resources/tm/precheck.cfg). */
@Timeout(20)
class PrecheckTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer callee;

    @BeforeEach
    void start() throws Exception {
        proxy = LoopbackProxy.start("precheck.cfg", 5259, 5260, 5261);
        caller = proxy.peer(5260);
        callee = proxy.peer(5261);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void aRetransmissionFindsItsTransactionWithTPrecheckTrans() {
        String invite = caller.invite("bob", "z9hG4bK-precheck1");
        caller.send(invite);
        callee.nextRequest("INVITE", WAIT);
        assertThat(caller.next(WAIT).statusCode()).isEqualTo(100);

        caller.send(invite); // the same INVITE again: its transaction exists now
        SipMessage r = caller.nextFinal(WAIT);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.reasonPhrase()).isEqualTo("Prechecked");
        callee.silentFor(Duration.ofMillis(300)); // and it was not relayed a second time
    }

    @Test
    void setForwardNoConnectFailsTheBranchInsteadOfDialling() {
        caller.send(caller.invite("noconnect", "z9hG4bK-precheck2"));
        SipMessage r = caller.nextFinal(WAIT);
        // no connection to tcp:127.0.0.1:5262 exists and none may be opened: the branch fails at once
        assertThat(r.statusCode()).isEqualTo(477);
    }
}
