package io.sipway.proxy.tm;

import io.sipway.sip.SipMessage;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The proxy of src/test/resources/tm/fork3.cfg on loopback with its caller and the three callees
 * every request to it forks to: the setup the fork tests share, started before each test and
 * closed after it ({@code @RegisterExtension final ForkedProxy fork = new ForkedProxy();}).
 */
final class ForkedProxy implements BeforeEachCallback, AfterEachCallback {
    static final Duration WAIT = Duration.ofSeconds(3);
    LoopbackProxy proxy;
    SipPeer caller;
    SipPeer a;
    SipPeer b;
    SipPeer c;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        proxy = LoopbackProxy.start("fork3.cfg", 5250, 5251, 5252, 5253, 5254);
        caller = proxy.peer(5251);
        a = proxy.peer(5252);
        b = proxy.peer(5253);
        c = proxy.peer(5254);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        proxy.close();
    }

    SipPeer[] callees() {
        return new SipPeer[] {a, b, c};
    }

    /** The caller sends {@code invite}; what a, b and c received of it, in that order. */
    SipMessage[] call(String invite) {
        caller.send(invite);
        return new SipMessage[] {a.nextRequest("INVITE", WAIT), b.nextRequest("INVITE", WAIT), c.nextRequest("INVITE", WAIT)};
    }
}
