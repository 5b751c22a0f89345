package io.sipway.proxy.module.htable;

import io.sipway.proxy.db.DbException;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport.RpcException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** htable's RPC commands (htable.c: htable_rpc_*), with Kamailio's names, fields and faults. */
final class HtableRpc {
    private HtableRpc() {
    }

    static void register(ModuleExports.Builder b, HtableModule m) {
        b.rpc("htable.get", "one item of a table: htable.get table key", p -> {
            HashTable t = table(m, p, 2);
            HashTable.Cell c = t.cell(str(p, 1));
            if (c == null) {
                throw new RpcException(500, "Key name doesn't exist in htable.");
            }
            return Map.of("item", item(str(p, 1), c));
        });
        b.rpc("htable.delete", "deletes one item: htable.delete table key", p -> {
            table(m, p, 2).delete(str(p, 1));
            return null;
        });
        b.rpc("htable.sets", "sets an item to a string: htable.sets table key value", p -> {
            table(m, p, 3).set(str(p, 1), str(p, 2));
            return null;
        });
        b.rpc("htable.seti", "sets an item to an integer: htable.seti table key value", p -> {
            HashTable t = table(m, p, 3);
            Object v = p.get(2);
            long n;
            if (v instanceof Number num) {
                n = num.longValue();
            } else {
                try {
                    n = Long.parseLong(String.valueOf(v).trim());
                } catch (NumberFormatException e) {
                    throw new RpcException(500, "Invalid integer value");
                }
            }
            t.set(str(p, 1), n);
            return null;
        });
        b.rpc("htable.dump", "every item of a table, by slot: htable.dump table", p -> {
            HashTable t = table(m, p, 1);
            List<Object> out = new ArrayList<>();
            t.bySlot().forEach((slot, items) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("entry", slot);
                e.put("size", items.size());
                List<Object> slotItems = new ArrayList<>();
                items.forEach(i -> slotItems.add(Map.of("item", item(i.getKey(), i.getValue()))));
                e.put("slot", slotItems);
                out.add(e);
            });
            return out;
        });
        b.rpc("htable.reset", "deletes every item of a table: htable.reset table", p -> {
            table(m, p, 1).reset();
            return null;
        });
        b.rpc("htable.reload", "reloads a table from its dbtable: htable.reload table", p -> {
            HashTable t = table(m, p, 1);
            if (t.spec.dbtable() == null) {
                throw new RpcException(500, "No database table defined for htable");
            }
            try {
                m.reload(t);
            } catch (DbException | RuntimeException e) {
                throw new RpcException(500, "Htable reload failed");
            }
            return null;
        });
        b.rpc("htable.listTables", "the tables and their attributes", p -> {
            List<Object> out = new ArrayList<>();
            for (HashTable t : m.tables.values()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", t.name());
                e.put("dbtable", t.spec.dbtable() == null ? "" : t.spec.dbtable());
                e.put("dbmode", t.spec.dbmode());
                e.put("expire", t.spec.autoexpire());
                e.put("updateexpire", t.spec.updateExpire() ? 1 : 0);
                e.put("dmqreplicate", 0);
                out.add(e);
            }
            return out;
        });
        b.rpc("htable.stats", "per table: slots, items, most and fewest items in a slot", p -> {
            List<Object> out = new ArrayList<>();
            for (HashTable t : m.tables.values()) {
                Map<Long, List<Map.Entry<String, HashTable.Cell>>> slots = t.bySlot();
                int max = 0;
                int min = slots.size() < t.spec.slots() ? 0 : Integer.MAX_VALUE;
                for (List<Map.Entry<String, HashTable.Cell>> items : slots.values()) {
                    max = Math.max(max, items.size());
                    min = Math.min(min, items.size());
                }
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", t.name());
                e.put("slots", t.spec.slots());
                e.put("all", t.size());
                e.put("min", min == Integer.MAX_VALUE ? 0 : min);
                e.put("max", max);
                out.add(e);
            }
            return out;
        });
    }

    private static Map<String, Object> item(String name, HashTable.Cell c) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("name", name);
        i.put("value", c.value());
        return i;
    }

    private static HashTable table(HtableModule m, List<Object> p, int needed) throws RpcException {
        if (p.size() < needed) {
            throw new RpcException(500, "Not enough parameters (htable name" + (needed > 1 ? ", key name" : "")
                    + (needed > 2 ? " and value" : "") + ")");
        }
        HashTable t = m.tables.get(str(p, 0));
        if (t == null) {
            throw new RpcException(500, "No such htable");
        }
        return t;
    }

    private static String str(List<Object> p, int i) {
        return String.valueOf(p.get(i));
    }
}
