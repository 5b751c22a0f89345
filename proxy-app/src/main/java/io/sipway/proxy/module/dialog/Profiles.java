package io.sipway.proxy.module.dialog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dialog profiles (dlg_profile.c): named sets of dialogs, declared by {@code profiles_no_value} and
 * {@code profiles_with_value} ("a;b"), that a dialog joins with set_dlg_profile() and leaves with
 * unset_dlg_profile() or when it is freed; get_profile_size() counts them, all of a profile or those
 * with one value. A dialog may be in a profile several times (with several values).
 */
final class Profiles {
    /** One profile: its name, whether it has values, and how many dialogs are in it (per value). */
    static final class Profile {
        final String name;
        final boolean hasValue;
        final AtomicLong size = new AtomicLong();
        final ConcurrentHashMap<String, AtomicLong> byValue = new ConcurrentHashMap<>();

        Profile(String name, boolean hasValue) {
            this.name = name;
            this.hasValue = hasValue;
        }
    }

    /** A profile named by a function's argument at load, resolved when the module starts. */
    static final class Ref {
        final String name;
        volatile Profile profile;

        Ref(String name) {
            this.name = name;
        }
    }

    private final Map<String, Profile> byName;

    private Profiles(Map<String, Profile> byName) {
        this.byName = byName;
    }

    static final Profiles NONE = new Profiles(Map.of());

    /** The profiles the modparam values declare (each value "a;b;c"; several modparam lines add up). */
    static Profiles of(List<String> noValue, List<String> withValue) {
        Map<String, Profile> m = new LinkedHashMap<>();
        for (String v : noValue) {
            for (String n : names(v)) {
                m.putIfAbsent(n, new Profile(n, false));
            }
        }
        for (String v : withValue) {
            for (String n : names(v)) {
                m.putIfAbsent(n, new Profile(n, true));
            }
        }
        return new Profiles(m);
    }

    /** add_profile_definitions: names separated by ';', blanks trimmed, empty ones skipped. */
    static List<String> names(String value) {
        List<String> out = new ArrayList<>();
        for (String n : value.split(";")) {
            String t = n.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    Profile get(String name) {
        return byName.get(name);
    }

    java.util.Collection<Profile> all() {
        return byName.values();
    }

    /** The dialog joins the profile (a valued profile with {@code value}); caller holds nothing. */
    static void link(Dialog d, Profile p, String value) {
        String v = p.hasValue ? (value == null ? "" : value) : null;
        synchronized (d) {
            if (d.freed) {
                return;
            }
            d.profiles.add(new Object[] {p, v});
        }
        p.size.incrementAndGet();
        if (v != null) {
            p.byValue.computeIfAbsent(v, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * unset_dlg_profile: the dialog leaves the profile (for a valued one, its link with that value);
     * false when it was not in it.
     */
    static boolean unlink(Dialog d, Profile p, String value) {
        Object[] found = null;
        synchronized (d) {
            for (Object[] l : d.profiles) {
                if (l[0] == p && (!p.hasValue || java.util.Objects.equals(l[1], value == null ? "" : value))) {
                    found = l;
                    break;
                }
            }
            if (found == null) {
                return false;
            }
            d.profiles.remove(found);
        }
        drop(p, (String) found[1]);
        return true;
    }

    /** Every link of a dialog that is freed. */
    static void unlinkAll(Dialog d) {
        List<Object[]> links;
        synchronized (d) {
            links = new ArrayList<>(d.profiles);
            d.profiles.clear();
        }
        for (Object[] l : links) {
            drop((Profile) l[0], (String) l[1]);
        }
    }

    private static void drop(Profile p, String v) {
        p.size.decrementAndGet();
        if (v != null) {
            AtomicLong n = p.byValue.get(v);
            if (n != null && n.decrementAndGet() <= 0) {
                p.byValue.remove(v, n);
            }
        }
    }

    /** is_dlg_in_profile: a valued profile matches a link with the value asked (none asked: no match). */
    static boolean contains(Dialog d, Profile p, String value) {
        synchronized (d) {
            for (Object[] l : d.profiles) {
                if (l[0] == p && (!p.hasValue || value != null && value.equals(l[1]))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** get_profile_size: every dialog of the profile, or those with the value (a valued profile). */
    static long size(Profile p, String value) {
        if (!p.hasValue || value == null) {
            return Math.max(0, p.size.get());
        }
        AtomicLong n = p.byValue.get(value);
        return n == null ? 0 : Math.max(0, n.get());
    }
}
