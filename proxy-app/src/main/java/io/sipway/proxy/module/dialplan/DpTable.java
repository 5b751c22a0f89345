package io.sipway.proxy.module.dialplan;

import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.DbException;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Where;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The dialplan rules as loaded (dp_db.c), immutable: a reload builds a new table and swaps it whole, so
 * a translation never sees half a reload. Per dialplan id, the rules are grouped by match_len in
 * Kamailio's order: the lengths ascending, then length 0 (any input) last; within a group in priority
 * order (the table read ordered by pr, lowest first).
 *
 * <p>A translation (dp_translate_helper) tries the group of the input's length, or the any-length one
 * when there is none, rule by rule; after a length group it tries the any-length group. The first rule
 * that matches is taken: its attributes are the answer's, and its output is computed (a failure there
 * fails the call, the later rules are not tried).
 */
final class DpTable {
    /** The columns, in the order of the load query. */
    record Columns(String dpid, String pr, String matchOp, String matchExp, String matchLen, String substExp, String replExp,
                   String attrs) {
        List<String> list() {
            return List.of(dpid, pr, matchOp, matchExp, matchLen, substExp, replExp, attrs);
        }
    }

    /** One group of rules of a dialplan id: match_len 0 takes any input. */
    record Index(int len, List<DpRule> rules) {
    }

    /** The answer of a match: the output (null when only matching) and the rule's attributes. */
    record Result(String output, String attrs) {
    }

    /** dp_repl.c's DP_MAX_ATTRS_LEN: longer attributes fail the call. */
    static final int MAX_ATTRS = 255;

    static final DpTable EMPTY = new DpTable(Map.of());

    private final Map<Integer, List<Index>> ids;

    private DpTable(Map<Integer, List<Index>> ids) {
        this.ids = ids;
    }

    boolean has(int dpid) {
        return ids.containsKey(dpid);
    }

    List<Index> indexes(int dpid) {
        return ids.getOrDefault(dpid, List.of());
    }

    /** Reads the table (dp_load_db); throws DbException or IllegalArgumentException (a row that does not compile). */
    static DpTable load(Database db, String table, Columns c, Function<String, ValueSource> pvs, boolean dynamic) throws DbException {
        DbResult r = db.query(table, c.list(), Where.ALL, c.pr());
        Map<Integer, List<Index>> ids = new LinkedHashMap<>();
        for (Object[] row : r.rows()) {
            DpRule rule = DpRule.build(num(row[0]), num(row[1]), num(row[2]), text(row[3]), num(row[4]), text(row[5]),
                    text(row[6]), text(row[7]), pvs, dynamic);
            add(ids.computeIfAbsent(rule.dpid(), k -> new ArrayList<>()), rule);
        }
        Map<Integer, List<Index>> frozen = new LinkedHashMap<>();
        ids.forEach((k, v) -> frozen.put(k, List.copyOf(v.stream().map(i -> new Index(i.len(), List.copyOf(i.rules()))).toList())));
        return new DpTable(Collections.unmodifiableMap(frozen));
    }

    /** add_rule2hash: into the group of its length, a new group placed before the first longer one (length 0 last). */
    private static void add(List<Index> indexes, DpRule rule) {
        int at = 0;
        for (; at < indexes.size(); at++) {
            Index i = indexes.get(at);
            if (i.len() == rule.matchLen()) {
                i.rules().add(rule);
                return;
            }
            if (rule.matchLen() != 0 && (i.len() == 0 || i.len() > rule.matchLen())) {
                break;
            }
        }
        List<DpRule> rules = new ArrayList<>();
        rules.add(rule);
        indexes.add(at, new Index(rule.matchLen(), rules));
    }

    private static int num(Object v) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v == null) {
            return 0;
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String text(Object v) {
        return v == null ? "" : v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(v);
    }

    /**
     * dp_translate_helper over the rules of {@code dpid} (which must exist): null when no rule matches, the
     * input is empty, or the matched rule's output fails; {@code wantOutput} false only matches.
     */
    Result translate(int dpid, String input, boolean wantOutput, ScriptContext ctx) {
        if (input == null || input.isEmpty()) {
            return null;
        }
        List<Index> indexes = indexes(dpid);
        int first = -1;
        for (int i = 0; i < indexes.size(); i++) {
            if (indexes.get(i).len() == 0 || indexes.get(i).len() == input.length()) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return null;
        }
        for (int i = first; i < indexes.size(); i++) {
            Index index = indexes.get(i);
            if (i > first && index.len() != 0) {
                continue; // after the length's group, only the any-length one
            }
            for (DpRule rule : index.rules()) {
                if (rule.matches(input, ctx)) {
                    if (rule.attrs().length() >= MAX_ATTRS) {
                        return null; // "out of memory for attributes"
                    }
                    if (!wantOutput) {
                        return new Result(null, rule.attrs());
                    }
                    String out = rule.translate(input, ctx);
                    return out == null ? null : new Result(out, rule.attrs());
                }
            }
            if (index.len() == 0) {
                break;
            }
        }
        return null;
    }
}
