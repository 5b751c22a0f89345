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
 * (timeouts, server errors) are not kept: Caffeine drops a future that completes exceptionally.
 */
final class DnsCache {
    record Key(String name, int type) {
    }

    private final AsyncCache<Key, DnsAnswer> cache;
    private final DnsQueries queries;

    DnsCache(DnsQueries queries, DnsSettings settings, long maxEntries, Ticker ticker) {
        this.queries = queries;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                // bookkeeping runs on the thread that completes the query (the DNS event loop):
                // nothing here may wait, and the common pool is no place for it
                .executor(Runnable::run)
                .expireAfter(new Expiry<Key, DnsAnswer>() {
                    @Override
                    public long expireAfterCreate(Key key, DnsAnswer answer, long now) {
                        long seconds = answer.negative() ? settings.negativeTtl() : settings.cachedSeconds(answer.ttlSeconds());
                        return TimeUnit.SECONDS.toNanos(seconds);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, DnsAnswer answer, long now, long current) {
                        return expireAfterCreate(key, answer, now);
                    }

                    @Override
                    public long expireAfterRead(Key key, DnsAnswer answer, long now, long current) {
                        return current;
                    }
                })
                .buildAsync();
    }

    CompletableFuture<DnsAnswer> get(String name, DnsRecordType type) {
        return cache.get(new Key(name, type.intValue()), (k, executor) -> queries.query(name, type));
    }

    void clear() {
        cache.synchronous().invalidateAll();
    }
}
