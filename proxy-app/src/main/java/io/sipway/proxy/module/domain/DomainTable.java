package io.sipway.proxy.module.domain;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One load of the {@code domain} and {@code domain_attrs} tables (Kamailio's domain.c reload_tables
 * and hash.c): each domain, matched without case, with its did (a NULL did is the domain itself),
 * and each did's attributes. Never changed once built; a reload swaps in a new one.
 */
record DomainTable(Map<String, String> didOf, Map<String, List<Attr>> attrsOf) {
    /** One attribute: type 0 is an integer, 2 a string (Kamailio's domain_attrs types). */
    record Attr(String name, int type, String value) {
    }

    static final DomainTable EMPTY = new DomainTable(Map.of(), Map.of());

    /** Column names from the modparams. */
    record Columns(String domainTable, String attrsTable, String didCol, String domainCol, String nameCol, String typeCol,
                   String valueCol) {
    }

    static DomainTable load(Database db, Columns c) throws DbException {
        DbResult d = db.query(c.domainTable(), List.of(c.didCol(), c.domainCol()), Where.ALL, null);
        Map<String, String> didOf = new LinkedHashMap<>();
        for (int i = 0; i < d.size(); i++) {
            String domain = d.text(i, c.domainCol());
            if (domain == null) {
                continue;
            }
            String did = d.text(i, c.didCol());
            didOf.put(domain.toLowerCase(Locale.ROOT), did == null ? domain : did);
        }
        DbResult a = db.query(c.attrsTable(), List.of(c.didCol(), c.nameCol(), c.typeCol(), c.valueCol()), Where.ALL, null);
        Map<String, List<Attr>> attrs = new HashMap<>();
        for (int i = 0; i < a.size(); i++) {
            String did = a.text(i, c.didCol());
            String name = a.text(i, c.nameCol());
            if (did == null || name == null) {
                continue;
            }
            attrs.computeIfAbsent(did, k -> new ArrayList<>()).add(new Attr(name, (int) a.number(i, c.typeCol(), 2), a.text(i, c.valueCol())));
        }
        Map<String, List<Attr>> frozen = new HashMap<>();
        attrs.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new DomainTable(Map.copyOf(didOf), Map.copyOf(frozen));
    }

    /** The did of a local domain (case-insensitive), or null. */
    String did(String domain) {
        return domain == null ? null : didOf.get(domain.toLowerCase(Locale.ROOT));
    }
}
