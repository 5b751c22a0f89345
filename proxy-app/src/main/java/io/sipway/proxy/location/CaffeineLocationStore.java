package io.sipway.proxy.location;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Bindings in memory, in a Caffeine cache keyed by AoR whose entries expire with their last binding
 * (Caffeine's variable expiry); a binding that expired before its AoR's others is left out when
 * read (so the AoR's entry goes when its last binding does, and no sweeper thread is needed).
 */
public final class CaffeineLocationStore implements LocationStore {
    private final Cache<String, List<Binding>> table;

    public CaffeineLocationStore() {
        this.table = Caffeine.newBuilder()
                .expireAfter(new Expiry<String, List<Binding>>() {
                    @Override
                    public long expireAfterCreate(String aor, List<Binding> bindings, long now) {
                        return untilLast(bindings);
                    }

                    @Override
                    public long expireAfterUpdate(String aor, List<Binding> bindings, long now, long current) {
                        return untilLast(bindings);
                    }

                    @Override
                    public long expireAfterRead(String aor, List<Binding> bindings, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    private long untilLast(List<Binding> bindings) {
        long last = 0;
        for (Binding b : bindings) {
            last = Math.max(last, b.expiresAt());
        }
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, last - System.currentTimeMillis()));
    }

    @Override
    public List<Binding> bindings(String aor, long now) {
        List<Binding> all = table.getIfPresent(aor);
        if (all == null) {
            return List.of();
        }
        List<Binding> live = new ArrayList<>(all.size());
        for (Binding b : all) {
            if (b.expiresAt() > now) {
                live.add(b);
            }
        }
        return live;
    }

    @Override
    public void put(String aor, List<Binding> bindings) {
        if (bindings.isEmpty()) {
            table.invalidate(aor);
        } else {
            table.put(aor, List.copyOf(bindings));
        }
    }

    @Override
    public Set<String> aors() {
        table.cleanUp();
        return Set.copyOf(table.asMap().keySet());
    }
}
