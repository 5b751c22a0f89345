package io.sipway.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One question to the name server through Netty's {@link DnsNameResolver#query}: no search list,
 * no hosts file, no cache of Netty's (ours is {@link DnsCache}); the answer section is read here,
 * following CNAMEs, so the TTLs are known.
 */
final class DnsQueries {
    /** CNAME hops followed for one question, inside an answer and across new questions. */
    static final int MAX_CNAME_HOPS = 8;

    private final DnsNameResolver resolver;
    private final Ticker clock;

    DnsQueries(DnsNameResolver resolver, Ticker clock) {
        this.resolver = resolver;
        this.clock = clock;
    }

    /**
     * Asks {@code type} records of {@code name} (normalized). Completes on the resolver's event loop:
     * with the records, with no records for NXDOMAIN and NODATA,
     * or exceptionally ({@link UnknownHostException}) for a timeout or a server error, which are not
     * answers and are not cached.
     */
    CompletableFuture<DnsAnswer> query(String name, DnsRecordType type) {
        return query(name, type, 0, Long.MAX_VALUE);
    }

    private CompletableFuture<DnsAnswer> query(String name, DnsRecordType type, int hops, long ttl) {
        CompletableFuture<DnsAnswer> result = new CompletableFuture<>();
        resolver.query(new DefaultDnsQuestion(name + ".", type)).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(failure(name, type, "no answer", f.cause()));
                return;
            }
            @SuppressWarnings("unchecked")
            AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = (AddressedEnvelope<DnsResponse, InetSocketAddress>) f.getNow();
            try {
                read(name, type, hops, ttl, envelope.content(), result);
            } catch (Exception | Error e) {
                result.completeExceptionally(failure(name, type, "bad answer", e));
            } finally {
                envelope.release();
            }
        });
        return result;
    }

    private void read(String name, DnsRecordType type, int hops, long ttl, DnsResponse response,
                      CompletableFuture<DnsAnswer> result) throws UnknownHostException {
        DnsResponseCode code = response.code();
        if (code.equals(DnsResponseCode.NXDOMAIN)) {
            result.complete(DnsAnswer.negative(clock.read()));
            return;
        }
        if (!code.equals(DnsResponseCode.NOERROR)) {
            // SERVFAIL, REFUSED...: the server could not say; another try later may do better
            result.completeExceptionally(failure(name, type, "server answered " + code, null));
            return;
        }
        Map<String, DnsRawRecord> aliases = new HashMap<>();
        Map<String, List<DnsRawRecord>> byOwner = new HashMap<>();
        int count = response.count(DnsSection.ANSWER);
        for (int i = 0; i < count; i++) {
            DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
            if (!(r instanceof DnsRawRecord raw)) {
                continue;
            }
            String owner = DnsRdata.normalize(r.name());
            if (r.type().equals(DnsRecordType.CNAME)) {
                aliases.put(owner, raw);
            } else if (r.type().equals(type)) {
                byOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(raw);
            }
        }
        String current = name;
        int hop = hops;
        while (true) {
            List<DnsRawRecord> found = byOwner.get(current);
            if (found != null) {
                List<Object> values = new ArrayList<>(found.size());
                for (DnsRawRecord r : found) {
                    values.add(value(type, r));
                    ttl = Math.min(ttl, r.timeToLive());
                }
                result.complete(new DnsAnswer(List.copyOf(values), ttl, clock.read()));
                return;
            }
            DnsRawRecord alias = aliases.get(current);
            if (alias == null) {
                break;
            }
            if (++hop > MAX_CNAME_HOPS) {
                throw failure(name, type, "more than " + MAX_CNAME_HOPS + " CNAMEs", null);
            }
            ttl = Math.min(ttl, alias.timeToLive());
            current = DnsRdata.name(alias.content().duplicate());
        }
        if (current.equals(name)) {
            result.complete(DnsAnswer.negative(clock.read())); // NODATA: the name is there, without this type
            return;
        }
        // the alias points out of what the server answered for: ask for its target
        final long soFar = ttl;
        query(current, type, hop, soFar).whenComplete((a, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(a.negative() ? a : new DnsAnswer(a.records(), Math.min(a.ttlSeconds(), soFar), a.receivedNanos()));
            }
        });
    }

    private static Object value(DnsRecordType type, DnsRawRecord r) throws UnknownHostException {
        if (type.equals(DnsRecordType.SRV)) {
            return DnsRdata.srv(r);
        }
        if (type.equals(DnsRecordType.NAPTR)) {
            return DnsRdata.naptr(r);
        }
        if (type.equals(DnsRecordType.TXT)) {
            return DnsRdata.txt(r);
        }
        return DnsRdata.address(r);
    }

    static UnknownHostException failure(String name, DnsRecordType type, String why, Throwable cause) {
        UnknownHostException e = new UnknownHostException(name + " " + type.name() + ": " + why
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
