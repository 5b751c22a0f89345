package io.sipway.proxy.module.registrar;

import io.sipway.proxy.location.Binding;
import io.sipway.proxy.module.registrar.RegistrarModule.Settings;
import io.sipway.proxy.module.registrar.RegistrarReplies.Error;
import io.sipway.sip.Address;
import io.sipway.sip.SipMessage;
import java.util.List;

/** save()'s rules for the Contacts of a REGISTER: what is refused, how bindings are matched and ordered. */
final class ContactRules {
    private ContactRules() {
    }

    /**
     * registrar's check_contacts: a {@code *} first needs an Expires of 0 (none means default_expires,
     * so not 0) and nothing beside it; a {@code *} after other contacts is never allowed.
     */
    static Error starProblem(SipMessage msg, long expires) {
        List<String> values = msg.headers("Contact");
        if (values.isEmpty()) {
            return null;
        }
        if (values.get(0).trim().equals("*")) {
            return expires != 0 ? Error.STAR_EXPIRES : values.size() > 1 ? Error.STAR_MIXED : null;
        }
        for (String v : values) {
            if (v.trim().equals("*")) {
                return Error.STAR_MIXED;
            }
        }
        return null;
    }

    /**
     * usrloc (db_mode 0, desc_time_order 0) keeps an AoR's contacts by q, highest first, a contact
     * without q last; a new one goes after those of the same q.
     */
    static void insertByQ(List<Binding> bindings, Binding b) {
        int i = 0;
        while (i < bindings.size() && bindings.get(i).qThousandths() >= b.qThousandths()) {
            i++;
        }
        bindings.add(i, b);
    }

    /** The +sip.instance value without its quotes, or null. */
    static String instance(Address a) {
        String v = a.param("+sip.instance");
        if (v == null || v.isEmpty()) {
            return null;
        }
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** The reg-id, 0 when absent or not a number. */
    static int regId(Address a) {
        String v = a.param("reg-id");
        try {
            return v == null ? 0 : Math.max(0, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int flowIndex(List<Binding> bindings, String instance, int regId) {
        for (int i = 0; i < bindings.size(); i++) {
            if (instance.equals(bindings.get(i).instance()) && bindings.get(i).regId() == regId) {
                return i;
            }
        }
        return -1;
    }

    static int indexOf(List<Binding> bindings, String uri) {
        for (int i = 0; i < bindings.size(); i++) {
            if (bindings.get(i).contact().equals(uri)) {
                return i;
            }
        }
        return -1;
    }

    static boolean invalidQ(Address a) {
        return !a.isWildcard() && a.param("q") != null && a.q() < 0;
    }

    /**
     * registrar's test_max_contacts for an AoR with bindings, before anything changes: the bindings
     * that stay (not named with expires 0) plus the new contacts with expires other than 0.
     */
    static boolean tooMany(List<Binding> current, List<Address> contacts, long headerExpires, Settings s) {
        int n = current.size();
        for (Address a : contacts) {
            boolean known = indexOf(current, a.uriString()) >= 0;
            long expires = requested(a, headerExpires, s);
            if (known && expires == 0) {
                n--;
            } else if (!known && expires != 0) {
                n++;
            }
        }
        return n > s.maxContacts();
    }

    /** The expires a contact asks for: its own parameter, else the Expires header, else default_expires. */
    static long requested(Address a, long headerExpires, Settings s) {
        return a.expires() >= 0 ? a.expires() : headerExpires >= 0 ? headerExpires : s.defaultExpires();
    }
}
