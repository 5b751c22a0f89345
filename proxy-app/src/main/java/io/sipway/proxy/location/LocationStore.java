package io.sipway.proxy.location;

import java.util.List;
import java.util.Set;

/**
 * Where registrations live (usrloc's table, "location" by default): the bindings of each address
 * of record. The in-memory store is {@link CaffeineLocationStore}; a shared store can take its place.
 */
public interface LocationStore {
    /** The bindings of {@code aor} that have not expired at {@code now}; empty when none. */
    List<Binding> bindings(String aor, long now);

    /** Replaces the bindings of {@code aor} (an empty list removes the AoR). */
    void put(String aor, List<Binding> bindings);

    /** The AoRs with bindings now (for a dump). */
    Set<String> aors();
}
