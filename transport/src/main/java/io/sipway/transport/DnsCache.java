package io.sipway.transport;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.codec.dns.DnsRecordType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers by (name, type), kept for their TTL (held within {@code dns_cache_min_ttl} and
 * {@code dns_cache_max_ttl}), negative ones for {@code dns_cache_negative_ttl}. Bounded in entries.
 * Questions in flight are shared: a burst of requests for one domain sends one query. Failures
 * (timeouts, server errors) are shared by the requests that waited for them and then forgotten.
 */
final class DnsCache {
    record Key(String name, int type) {
    }

    /**
     * An answer or why there is none. Failures are values here, kept for no time, rather than
     * failed futures: Caffeine logs a warning with a stack trace for every failed load, and a
     * silent name server would fill the log.
     */
    private record Outcome(DnsAnswer answer, Throwable error) {
    }

    private final AsyncCache<Key, Outcome> cache;
    private final DnsQueries queries;

    DnsCache(DnsQueries queries, DnsSettings settings, long maxEntries, Ticker ticker) {
        this.queries = queries; // on the same ticker: answers are stamped with it
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                // bookkeeping runs on the thread that completes the query (the DNS event loop):
                // nothing here may wait, and the common pool is no place for it
                .executor(Runnable::run)
                .expireAfter(new Expiry<Key, Outcome>() {
                    @Override
                    public long expireAfterCreate(Key key, Outcome outcome, long now) {
                        DnsAnswer answer = outcome.answer();
                        if (answer == null) {
                            return 0; // a timeout or a server error: the next request asks again
                        }
                        long seconds = answer.negative() ? settings.negativeTtl() : settings.cachedSeconds(answer.ttlSeconds());
                        // from when the answer came, not from when Caffeine saw the future complete:
                        // its bookkeeping may run after the requester has already been served
                        return Math.max(0, answer.receivedNanos() + TimeUnit.SECONDS.toNanos(seconds) - now);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Outcome outcome, long now, long current) {
                        return expireAfterCreate(key, outcome, now);
                    }

                    @Override
                    public long expireAfterRead(Key key, Outcome outcome, long now, long current) {
                        return current;
                    }
                })
                .buildAsync();
    }

    CompletableFuture<DnsAnswer> get(String name, DnsRecordType type) {
        return cache.get(new Key(name, type.intValue()), (k, executor) -> queries.query(name, type).handle(Outcome::new))
                .thenCompose(o -> o.error() == null ? CompletableFuture.completedFuture(o.answer()) : CompletableFuture.failedFuture(o.error()));
    }

    void clear() {
        cache.synchronous().invalidateAll();
    }
}
