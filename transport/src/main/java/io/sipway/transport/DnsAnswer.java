package io.sipway.transport;

import java.util.List;

/**
 * What one DNS question got: the records of the asked type (addresses, {@link DnsRdata.Srv},
 * {@link DnsRdata.Naptr}) and the smallest TTL met on the way (CNAMEs included). No records is a
 * negative answer (NXDOMAIN, or the name has none of that type), cached for {@code dns_cache_negative_ttl}.
 */
record DnsAnswer(List<?> records, long ttlSeconds) {
    static final DnsAnswer NEGATIVE = new DnsAnswer(List.of(), 0);

    boolean negative() {
        return records.isEmpty();
    }

    @SuppressWarnings("unchecked")
    <T> List<T> as(Class<T> type) {
        return (List<T>) records;
    }
}
