package io.sipway.transport;

/**
 * One SRV record (RFC 2782) as the name server answered it: priority, weight, port and target (without
 * its final dot; the empty name for the root, "."). {@link SipResolver#srv} answers them, for the
 * script functions that read records themselves (ipops' srv_query).
 */
public record SrvRecord(int priority, int weight, int port, String target) {
}
