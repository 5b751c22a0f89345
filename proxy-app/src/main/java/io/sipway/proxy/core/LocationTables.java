package io.sipway.proxy.core;

import io.sipway.proxy.location.CaffeineLocationStore;
import io.sipway.proxy.location.LocationStore;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** usrloc's tables by name ("location"), each made on first use by the factory of its db_mode. */
final class LocationTables {
    private final Map<String, LocationStore> tables = new ConcurrentHashMap<>();
    private volatile Function<String, LocationStore> factory = k -> new CaffeineLocationStore();

    LocationStore table(String name) {
        return tables.computeIfAbsent(name, k -> factory.apply(k));
    }

    /** From now on tables are made by {@code f}; the ones made before are made again. */
    void factory(Function<String, LocationStore> f) {
        factory = f;
        tables.replaceAll((name, old) -> f.apply(name));
    }

    Map<String, LocationStore> all() {
        return Collections.unmodifiableMap(new TreeMap<>(tables));
    }
}
