package io.sipway.proxy.core;

import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Kamailio's extended AVPs ({@code $xavp}): named lists whose items are an integer, a string, or a
 * list of named fields. The newest item of a name is index 0; a negative index counts from the
 * oldest (-1). They live with the request: tm keeps them for failure_route as it keeps {@code $avp}.
 *
 * <p>Writing, as the pv module does it: {@code $xavp(r)=v} adds a new item r on top;
 * {@code $xavp(r[i])=v} replaces the value of item i; {@code $xavp(r=>f)=v} adds a new item r whose
 * only field is f; {@code $xavp(r[i]=>f)=v} adds field f to the existing item i (nothing when it
 * does not exist) and {@code $xavp(r[i]=>f[j])=v} replaces that field's value. Assigning
 * {@code $null} removes the item (or field) named, the first one without an index, all with {@code [*]}.
 *
 * <p>Plain {@code $avp(name)} values are kept the same way (a stack per name, newest first).
 */
public final class Xavps {
    /**
     * One item: a name and an Integer/Long, a String, or a {@link Xavps} of fields; {@code inDb} is
     * Kamailio's AVP_IS_IN_DB (avpops: loaded from or stored to the database, so avp_db_store skips it).
     */
    public record Item(String name, Object value, boolean inDb) {
        Item(String name, Object value) {
            this(name, value, false);
        }
    }

    /** Newest first. */
    private final List<Item> items = new ArrayList<>();

    public Xavps copy() {
        Xavps c = new Xavps();
        for (Item i : items) {
            c.items.add(new Item(i.name, i.value instanceof Xavps x ? x.copy() : i.value, i.inDb));
        }
        return c;
    }

    private int count(String name) {
        int n = 0;
        for (Item i : items) {
            if (i.name.equals(name)) {
                n++;
            }
        }
        return n;
    }

    /** The position in {@link #items} of the idx-th item named {@code name} (negative: from the oldest), or -1. */
    private int position(String name, int idx) {
        int wanted = idx < 0 ? count(name) + idx : idx;
        if (wanted < 0) {
            return -1;
        }
        for (int p = 0, seen = 0; p < items.size(); p++) {
            if (items.get(p).name.equals(name) && seen++ == wanted) {
                return p;
            }
        }
        return -1;
    }

    /** The names held, each once, in the order of their newest items (for dumps: debugger's dbg_pv_dump). */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Item i : items) {
            if (!out.contains(i.name)) {
                out.add(i.name);
            }
        }
        return out;
    }

    /** Every value named {@code name}, newest first. */
    public List<Object> values(String name) {
        List<Object> out = new ArrayList<>();
        for (Item i : items) {
            if (i.name.equals(name)) {
                out.add(i.value);
            }
        }
        return out;
    }

    public Object get(String name, int idx) {
        int p = position(name, idx);
        return p < 0 ? null : items.get(p).value;
    }

    public void add(String name, Object value) {
        items.add(0, new Item(name, value));
    }

    /** The items, newest first, as they are now (avpops walks the plain AVPs whatever their names). */
    public List<Item> items() {
        return List.copyOf(items);
    }

    /** Adds an item on top marked as in the database (avp_db_load). */
    public void addInDb(String name, Object value) {
        items.add(0, new Item(name, value, true));
    }

    /** Removes that very item (one of {@link #items()}), wherever it is now; false when it is gone. */
    public boolean remove(Item item) {
        for (int p = 0; p < items.size(); p++) {
            if (items.get(p) == item) {
                items.remove(p);
                return true;
            }
        }
        return false;
    }

    /** Marks that very item as in the database (avp_db_store stored it). */
    public void markInDb(Item item) {
        for (int p = 0; p < items.size(); p++) {
            if (items.get(p) == item) {
                items.set(p, new Item(item.name, item.value, true));
                return;
            }
        }
    }

    public void set(String name, int idx, Object value) {
        int p = position(name, idx);
        if (p >= 0) {
            items.set(p, new Item(name, value));
        }
    }

    public void remove(String name, int idx, boolean all) {
        if (all) {
            items.removeIf(i -> i.name.equals(name));
            return;
        }
        int p = position(name, idx);
        if (p >= 0) {
            items.remove(p);
        }
    }

    // ---- the $xavp(...) name, parsed once at load ---------------------------------------------------

    /** {@code name}, {@code name[i]}, {@code name[*]}: index null when none was written. */
    public record Part(String name, Integer index, boolean all) {
        int at() {
            return index == null ? 0 : index;
        }

        static Part parse(String text) {
            String t = text.trim();
            int open = t.indexOf('[');
            if (open < 0) {
                check(t, text);
                return new Part(t, null, false);
            }
            if (!t.endsWith("]")) {
                throw new IllegalArgumentException("bad xavp name '" + text + "': index not closed with ]");
            }
            String name = t.substring(0, open).trim();
            check(name, text);
            String idx = t.substring(open + 1, t.length() - 1).trim();
            if (idx.equals("*")) {
                return new Part(name, null, true);
            }
            try {
                return new Part(name, Integer.parseInt(idx), false);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad xavp index '" + idx + "' in '" + text
                        + "': Sipway takes a number or * (not a pseudo-variable) as xavp index");
            }
        }

        private static void check(String name, String text) {
            if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-')) {
                throw new IllegalArgumentException("bad xavp name '" + text + "'");
            }
        }
    }

    /** {@code $xavp(root[i]=>field[j])} as a pseudo-variable over the message's xavps. */
    public static Pv pv(String inner, java.util.function.Function<ScriptContext, Xavps> of) {
        if (inner == null) {
            throw new IllegalArgumentException("$xavp needs a name: $xavp(name) or $xavp(name=>field)");
        }
        int arrow = inner.indexOf("=>");
        Part root = Part.parse(arrow < 0 ? inner : inner.substring(0, arrow));
        Part field = arrow < 0 ? null : Part.parse(inner.substring(arrow + 2));
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                Xavps list = of.apply(ctx);
                if (list == null) {
                    return null;
                }
                Object v = list.get(root.name, root.at());
                if (field == null) {
                    return v instanceof Xavps ? "<<xavp>>" : v;
                }
                return v instanceof Xavps fields ? shown(fields.get(field.name, field.at())) : null;
            }

            private Object shown(Object v) {
                return v instanceof Xavps ? "<<xavp>>" : v;
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                Xavps list = of.apply(ctx);
                if (value == null) {
                    remove(list);
                } else if (field == null) {
                    if (root.all) {
                        return; // Kamailio refuses to set every item at once
                    }
                    if (root.index == null) {
                        list.add(root.name, value);
                    } else {
                        list.set(root.name, root.index, value);
                    }
                } else if (root.index == null && !root.all) {
                    Xavps fields = new Xavps();
                    fields.add(field.name, value);
                    list.add(root.name, fields);
                } else if (!root.all && list.get(root.name, root.index) instanceof Xavps fields && !field.all) {
                    if (field.index == null) {
                        fields.add(field.name, value);
                    } else {
                        fields.set(field.name, field.index, value);
                    }
                }
            }

            private void remove(Xavps list) {
                if (field == null) {
                    list.remove(root.name, root.at(), root.all);
                    return;
                }
                List<Object> targets = new ArrayList<>();
                if (root.all) {
                    for (Item i : list.items) {
                        if (i.name.equals(root.name)) {
                            targets.add(i.value);
                        }
                    }
                } else {
                    targets.add(list.get(root.name, root.at()));
                }
                for (Object t : targets) {
                    if (t instanceof Xavps fields) {
                        fields.remove(field.name, field.at(), field.all);
                    }
                }
            }
        };
    }
}
