package io.sipway.proxy.tm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failure route starts from the transaction's copy of the request, $du included
 * (src/test/resources/tm/failure-du.cfg), as Kamailio 5.6.3's faked request does: a t_relay() there
 * that sets no new $du sends the request where it went before, with the Request-URI the route wrote.
 */
@DisplayName("failure_route keeps the request's $du")
@Timeout(20)
class FailureRouteDestinationTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private LoopbackProxy proxy;
    private SipPeer caller;
    private SipPeer gateway;

    @BeforeEach
    void start() throws Exception {
        proxy = LoopbackProxy.start("failure-du.cfg", 5240, 5241, 5242);
        caller = proxy.peer(5241);
        gateway = proxy.peer(5242);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    @DisplayName("t_relay() in failure_route without a new $du goes to the same next hop, with the new $ru")
    void theSecondTryGoesWhereTheFirstWent() {
        caller.send(caller.invite("again", "z9hG4bK-fdu-again"));
        SipMessage first = gateway.nextRequest("INVITE", WAIT);
        assertThat(first.headers("X-Du-In-Failure")).isEmpty();
        gateway.answer(first, 503, "Service Unavailable");
        gateway.nextRequest("ACK", WAIT);

        SipMessage second = gateway.nextRequest("INVITE", WAIT);
        assertThat(second.requestUriString()).isEqualTo("sip:second-try@example.com");
        assertThat(second.headers("X-Du-In-Failure")).containsExactly(proxy.moved("sip:127.0.0.1:5242"));
        gateway.answer(second, 486, "Busy Here");
        assertThat(caller.nextFinal(WAIT).statusCode()).isEqualTo(486);
    }
}
