package io.sipway.transport;

import java.util.List;

/**
 * What one DNS question got: the records of the asked type (addresses, {@link DnsRdata.Srv},
 * {@link DnsRdata.Naptr}), the smallest TTL met on the way (CNAMEs included), and when it came (the
 * cache's clock): the TTL runs from there. No records is a negative answer (NXDOMAIN, or the name
 * has none of that type), cached for {@code dns_cache_negative_ttl}.
 */
record DnsAnswer(List<?> records, long ttlSeconds, long receivedNanos) {
    static DnsAnswer negative(long receivedNanos) {
        return new DnsAnswer(List.of(), 0, receivedNanos);
    }

    boolean negative() {
        return records.isEmpty();
    }

    @SuppressWarnings("unchecked")
    <T> List<T> as(Class<T> type) {
        return (List<T>) records;
    }
}
