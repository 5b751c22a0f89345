package io.sipway.proxy.module.htable;

import static io.sipway.proxy.module.Routes.ANY;
import static io.sipway.proxy.module.Routes.B;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.O;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptFunction;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * htable's script functions (htable.c): deleting items by name, value or pattern, matching, the slot
 * locks, the iterators. Return codes are Kamailio's: 1, or -1 for a table that does not exist, a bad
 * operator or regular expression, no match.
 */
final class HtableFunctions {
    private static final Logger LOG = LoggerFactory.getLogger("htable");

    private HtableFunctions() {
    }

    static void register(ModuleExports.Builder b, HtableModule m) {
        b.fn("sht_print", 0, 0, R | F | O | B, args -> ctx -> {
            m.tables.values().forEach(t -> t.bySlot().forEach((slot, items) -> items.forEach(e ->
                    LOG.error("htable[{}] slot {}: {} = {}", t.name(), slot, e.getKey(), e.getValue().value()))));
            return 1;
        }).summary("logs every item of every table at ERROR (for debugging)");
        b.fn("sht_rm", 2, 2, ANY, args -> {
            Format table = Format.of(args.get(0));
            Format key = Format.of(args.get(1));
            return ctx -> {
                HashTable t = m.tables.get(table.apply(ctx));
                if (t == null) {
                    return -1;
                }
                t.delete(key.apply(ctx));
                return 1;
            };
        }).x().summary("deletes one item, as $sht(t=>k) = $null");
        b.fn("sht_rm_name_re", 1, 1, R | F | O | B, args -> removeRe(m, args.get(0), false))
                .summary("deletes the items whose name matches the regular expression: \"t=>re\"");
        b.fn("sht_rm_value_re", 1, 1, R | F | O | B, args -> removeRe(m, args.get(0), true))
                .summary("deletes the items whose string value matches the regular expression: \"t=>re\"");
        b.fn("sht_rm_name", 3, 3, ANY, args -> removeOp(m, args, false)).x()
                .summary("deletes the items whose name matches: op re (regular expression) or sw (starts with)");
        b.fn("sht_rm_value", 3, 3, ANY, args -> removeOp(m, args, true)).x()
                .summary("deletes the items whose string value matches: op re or sw");
        b.fn("sht_has_name", 3, 3, ANY, args -> has(m, args, false)).x()
                .summary("true when an item's name matches: op eq, ne, re or sw");
        b.fn("sht_has_str_value", 3, 3, ANY, args -> has(m, args, true)).x()
                .summary("true when an item's string value matches: op eq, ne, re or sw");
        b.fn("sht_match_name", 3, 3, ANY, args -> has(m, args, false)).x()
                .summary("sht_has_name by its other name");
        b.fn("sht_match_str_value", 3, 3, ANY, args -> has(m, args, true)).x()
                .summary("sht_has_str_value by its other name");
        b.fn("sht_reset", 1, 1, ANY, args -> {
            Format table = Format.of(args.get(0));
            return ctx -> {
                HashTable t = m.tables.get(table.apply(ctx));
                if (t == null) {
                    return -1;
                }
                t.reset();
                return 1;
            };
        }).x().summary("deletes every item of a table");
        b.fn("sht_lock", 1, 1, ANY, args -> lockFn(m, args.get(0), true))
                .summary("takes the lock of the item's slot (\"t=>k\"), reentrant, until sht_unlock in the same route");
        b.fn("sht_unlock", 1, 1, ANY, args -> lockFn(m, args.get(0), false))
                .summary("releases the lock sht_lock took");
        b.fn("sht_iterator_start", 2, 2, ANY, args -> {
            Format it = Format.of(args.get(0));
            Format table = Format.of(args.get(1));
            return ctx -> {
                HashTable t = m.tables.get(table.apply(ctx));
                return t != null && m.iterators.start(it.apply(ctx), t) ? 1 : -1;
            };
        }).x().summary("starts iterator 1 (up to 4 per worker) over the items of table 2");
        b.fn("sht_iterator_next", 1, 1, ANY, args -> {
            Format it = Format.of(args.get(0));
            return ctx -> m.iterators.next(it.apply(ctx)) ? 1 : -1;
        }).x().summary("moves the iterator to the next item: false when there is none");
        b.fn("sht_iterator_end", 1, 1, ANY, args -> {
            Format it = Format.of(args.get(0));
            return ctx -> m.iterators.end(it.apply(ctx)) ? 1 : -1;
        }).x().summary("closes the iterator");
        b.pv("shtitkey", PvExport.Inner.REQUIRED, false, n -> ctx -> {
            Map.Entry<String, HashTable.Cell> e = m.iterators.current(n.inner());
            return e == null ? null : e.getKey();
        });
        b.pv("shtitval", PvExport.Inner.REQUIRED, false, n -> ctx -> {
            Map.Entry<String, HashTable.Cell> e = m.iterators.current(n.inner());
            return e == null ? null : e.getValue().value();
        });
    }

    private static ScriptFunction removeRe(HtableModule m, Arg arg, boolean values) {
        HtableModule.Ref r = m.ref(constant(arg), "the argument", arg.compilesPseudoVariables() ? arg::pseudoVariable : null);
        return ctx -> {
            HashTable t = m.tables.get(r.table());
            java.util.regex.Pattern p = Matches.regex(r.key().apply(ctx));
            if (t == null || p == null) {
                return -1;
            }
            t.removeIf((k, c) -> values ? c.value() instanceof String s && p.matcher(s).find() : p.matcher(k).find());
            return 1;
        };
    }

    private static ScriptFunction removeOp(HtableModule m, List<Arg> args, boolean values) {
        Format table = Format.of(args.get(0));
        Format op = Format.of(args.get(1));
        Format val = Format.of(args.get(2));
        return ctx -> {
            HashTable t = m.tables.get(table.apply(ctx));
            String o = op.apply(ctx);
            Predicate<String> test = o.equals("re") || o.equals("sw") ? Matches.op(o, val.apply(ctx)) : null;
            if (t == null || test == null) {
                return -1;
            }
            t.removeIf((k, c) -> values ? c.value() instanceof String s && test.test(s) : test.test(k));
            return 1;
        };
    }

    private static ScriptFunction has(HtableModule m, List<Arg> args, boolean values) {
        Format table = Format.of(args.get(0));
        Format op = Format.of(args.get(1));
        Format val = Format.of(args.get(2));
        return ctx -> {
            HashTable t = m.tables.get(table.apply(ctx));
            Predicate<String> test = Matches.op(op.apply(ctx), val.apply(ctx));
            if (t == null || test == null) {
                return -1;
            }
            for (Map.Entry<String, HashTable.Cell> e : t.items()) {
                if (values ? e.getValue().value() instanceof String s && test.test(s) : test.test(e.getKey())) {
                    return 1;
                }
            }
            return -1;
        };
    }

    private static ScriptFunction lockFn(HtableModule m, Arg arg, boolean lock) {
        HtableModule.Ref r = m.ref(constant(arg), "the argument", arg.compilesPseudoVariables() ? arg::pseudoVariable : null);
        return ctx -> {
            HashTable t = m.tables.get(r.table());
            if (t == null) {
                return -1;
            }
            if (lock) {
                t.lock(r.key().apply(ctx));
            } else if (!t.unlock(r.key().apply(ctx))) {
                LOG.error("sht_unlock(\"{}=>...\"): the lock is not held by this route", r.table());
            }
            return 1;
        };
    }

    private static String constant(Arg a) {
        if (!a.isConstant()) {
            throw new io.sipway.cfg.FunctionSpec.BadArgument(a, "needs \"table=>key\" written as a string");
        }
        return a.constantString();
    }
}
