package io.sipway.proxy.module.debugger;

import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.core.Xavps;
import io.sipway.proxy.module.jsonrpcs.JsonText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What dbg_pv_dump() prints (debugger_json.c, dbg_dump_json): one JSON object of the script's
 * values, compact: {@code "$avp(name)"} with every value (newest first), {@code "$var(name)"} with
 * its value (0 when never set), {@code "$xavp(name)"} with each item's fields and their values.
 * The mask picks them as Kamailio's DBG_DP_* bits do: 2 avps, 4 script vars, 8 xavps (1, null
 * values, and 16, the other pseudo-variables, add nothing here: none is null, the others are not
 * kept).
 */
final class PvDump {
    private PvDump() {
    }

    static String json(MsgContext ctx, long mask, List<String> varNames) {
        Map<String, Object> out = new LinkedHashMap<>();
        if ((mask & 2) != 0) {
            Xavps avps = ctx.avps();
            for (String name : avps.names()) {
                out.put("$avp(" + name + ")", avps.values(name));
            }
        }
        if ((mask & 4) != 0) {
            for (int i = 0; i < varNames.size(); i++) {
                out.put("$var(" + varNames.get(i) + ")", ctx.var(i));
            }
        }
        if ((mask & 8) != 0) {
            Xavps xavps = ctx.xavps();
            for (String name : xavps.names()) {
                out.put("$xavp(" + name + ")", values(xavps.values(name)));
            }
        }
        return JsonText.write(out);
    }

    /** An xavp's items: each a map of its fields to their values, or the value itself. */
    private static List<Object> values(List<Object> items) {
        List<Object> out = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof Xavps fields) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (String f : fields.names()) {
                    m.put(f, values(fields.values(f)));
                }
                out.add(m);
            } else {
                out.add(item);
            }
        }
        return out;
    }
}
