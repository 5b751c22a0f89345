package io.sipway.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One place to try for a SIP URI, as RFC 3263 orders them: a transport protocol and a resolved
 * address and port. {@link SipResolver} hands back a list of these, best first.
 */
public record SipTarget(Protocol protocol, InetSocketAddress address) {
    public SipTarget {
        Objects.requireNonNull(protocol, "protocol");
        if (address == null || address.isUnresolved()) {
            throw new IllegalArgumentException("a target needs a resolved address: " + address);
        }
    }

    /** The destination to send to. */
    public Destination destination() {
        return Destination.to(protocol, address);
    }

    @Override
    public String toString() {
        return destination().toString();
    }
}
