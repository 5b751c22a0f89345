package io.sipway.proxy.tm;

import io.sipway.proxy.ProxyStartException;
import io.sipway.sip.SipMessage;
import java.time.Duration;

/**
 * The proxy of src/test/resources/tm/fork3.cfg on loopback with its caller and the three callees
 * every request to it forks to: the setup the fork tests share.
 */
final class ForkedProxy implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(3);
    final LoopbackProxy proxy;
    final SipPeer caller;
    final SipPeer a;
    final SipPeer b;
    final SipPeer c;

    ForkedProxy() throws ProxyStartException {
        proxy = LoopbackProxy.start("fork3.cfg", 5250, 5251, 5252, 5253, 5254);
        caller = proxy.peer(5251);
        a = proxy.peer(5252);
        b = proxy.peer(5253);
        c = proxy.peer(5254);
    }

    SipPeer[] callees() {
        return new SipPeer[] {a, b, c};
    }

    /** The caller sends {@code invite}; what a, b and c received of it, in that order. */
    SipMessage[] call(String invite) {
        caller.send(invite);
        return new SipMessage[] {a.nextRequest("INVITE", WAIT), b.nextRequest("INVITE", WAIT), c.nextRequest("INVITE", WAIT)};
    }

    @Override
    public void close() {
        proxy.close();
    }
}
