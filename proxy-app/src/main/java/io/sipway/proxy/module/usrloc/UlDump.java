package io.sipway.proxy.module.usrloc;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.location.Binding;
import io.sipway.proxy.location.LocationStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** usrloc's ul.dump, shaped as Kamailio 5.6.3's (Domains, Domain, AoRs, Info, Contacts, Contact). */
final class UlDump {
    private static final String NOT_SET = "[not set]";

    private UlDump() {
    }

    /** usrloc's dump, shaped as Kamailio's (Domains, Domain, AoRs, Info, Contacts, Contact). */
    static Map<String, Object> dump(Core core) {
        List<Object> domains = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Map.Entry<String, LocationStore> t : core.locationTables().entrySet()) {
            List<Object> aors = new ArrayList<>();
            for (String aor : new java.util.TreeSet<>(t.getValue().aors())) {
                List<Binding> bindings = t.getValue().bindings(aor, now);
                if (bindings.isEmpty()) {
                    continue;
                }
                List<Object> contacts = new ArrayList<>();
                for (Binding b : bindings) {
                    contacts.add(Map.of("Contact", contact(b, now)));
                }
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("AoR", aor);
                info.put("HashID", aor.hashCode() & 0x7fffffffL);
                info.put("Contacts", contacts);
                aors.add(Map.of("Info", info));
            }
            Map<String, Object> domain = new LinkedHashMap<>();
            domain.put("Domain", t.getKey());
            domain.put("AoRs", aors);
            domain.put("Stats", Map.of("Records", aors.size()));
            domains.add(Map.of("Domain", domain));
        }
        return Map.of("Domains", domains);
    }

    private static Map<String, Object> contact(Binding b, long now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Address", b.contact());
        c.put("Expires", b.expiresAt() >= io.sipway.proxy.location.LocationRows.PERMANENT ? "permanent" : b.expiresIn(now));
        c.put("Q", b.q() < 0 ? -1 : (double) b.q());
        c.put("Call-ID", b.callId());
        c.put("CSeq", b.cseq());
        c.put("User-Agent", b.userAgent() == null ? NOT_SET : b.userAgent());
        c.put("Received", b.received() == null ? NOT_SET : b.received());
        c.put("Path", b.path() == null ? NOT_SET : b.path());
        c.put("State", "CS_NEW");
        c.put("Flags", b.flags());
        c.put("CFlags", b.branchFlags());
        c.put("Socket", b.socket() == null ? NOT_SET : b.socket().toString());
        c.put("Methods", 4294967295L);
        c.put("Ruid", b.ruid());
        c.put("Instance", b.instance() == null ? NOT_SET : b.instance());
        c.put("Reg-Id", b.regId());
        c.put("Server-Id", 0);
        c.put("Tcpconn-Id", b.connectionId() > 0 ? b.connectionId() : -1);
        c.put("Keepalive", 0);
        c.put("Last-Keepalive", b.lastModified() / 1000);
        c.put("KA-Roundtrip", 0);
        c.put("Last-Modified", b.lastModified() / 1000);
        return c;
    }
}
