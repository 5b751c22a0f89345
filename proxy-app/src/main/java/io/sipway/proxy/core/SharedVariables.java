package io.sipway.proxy.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * pv's shared variables ({@code $shv}, modparam shvset): one value per name for the whole proxy,
 * every worker and event loop reading and writing the same holder.
 */
public final class SharedVariables {
    private final Map<String, java.util.concurrent.atomic.AtomicReference<Object>> shared = new ConcurrentHashMap<>();

    SharedVariables() {
    }

    /**
     * {@code $shv(name)}: one value shared by every worker, found once when the script is loaded
     * (the holder is bound into the pseudo-variable, nothing is looked up per message).
     */
    public io.sipway.cfg.Pv get(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("$shv needs a name: $shv(name)");
        }
        java.util.concurrent.atomic.AtomicReference<Object> holder =
                shared.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicReference<>());
        return new io.sipway.cfg.Pv() {
            @Override
            public Object get(io.sipway.cfg.ScriptContext ctx) {
                Object v = holder.get(); // Kamailio's shared variables start as the integer 0 (shvar.c), as $null sets them
                return v == null ? 0L : v;
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(io.sipway.cfg.ScriptContext ctx, Object value) {
                holder.set(value);
            }
        };
    }

    /**
     * modparam("pv", "shvset", "name=i:1") or "name=s:text": a shared variable's value at start.
     * Bad values are refused with what was expected.
     */
    public void init(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq + 2 >= spec.length() + 1 || spec.length() < eq + 3 || spec.charAt(eq + 2) != ':') {
            throw new IllegalArgumentException("shvset \"" + spec + "\": expected name=i:number or name=s:text");
        }
        String name = spec.substring(0, eq).trim();
        char type = spec.charAt(eq + 1);
        String value = spec.substring(eq + 3);
        Object v;
        if (type == 'i') {
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shvset \"" + spec + "\": i: needs a number");
            }
        } else if (type == 's') {
            v = value;
        } else {
            throw new IllegalArgumentException("shvset \"" + spec + "\": type is i or s, not " + type);
        }
        shared.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicReference<>()).set(v);
    }
}
