package io.sipway.proxy.module.dialog;

import io.sipway.proxy.module.RpcExport;
import io.sipway.transport.SendSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The module's RPC commands (dialog.c rpc_methods): {@code dlg.list} (internal_rpc_print_dlg's
 * fields), {@code dlg.terminate_dlg} (Call-ID, From tag, To tag) and {@code dlg.end_dlg} (hash
 * entry and id, extra headers), which send the BYEs a timeout would, and
 * {@code dlg.profile_get_size}.
 */
final class DialogRpc {
    private final Tracker tracker;

    DialogRpc(Tracker tracker) {
        this.tracker = tracker;
    }

    Object list(List<Object> params) {
        List<Object> out = new ArrayList<>();
        for (Dialog d : tracker.table.all()) {
            out.add(print(d));
        }
        return out;
    }

    private Map<String, Object> print(Dialog d) {
        Map<String, Object> m = new LinkedHashMap<>();
        synchronized (d) {
            m.put("h_entry", (long) d.hEntry);
            m.put("h_id", (long) d.hId);
            // Kamailio's reference count: the table's, the timer's, the transaction's
            m.put("ref", 1L + (d.timer != null ? 1 : 0) + (d.invite != null ? 1 : 0));
            m.put("call-id", d.callId);
            m.put("from_uri", d.fromUri);
            m.put("to_uri", d.toUri);
            m.put("state", (long) d.state);
            m.put("start_ts", d.startTs);
            m.put("init_ts", d.initTs);
            m.put("end_ts", d.endTs);
            long duration = d.endTs > 0 ? d.endTs - d.startTs : d.startTs > 0 ? tracker.now() - d.startTs : 0;
            m.put("duration", d.startTs > 0 ? duration : 0L);
            m.put("timeout", d.timeoutAt);
            m.put("lifetime", d.lifetime);
            m.put("dflags", (long) d.dflags);
            m.put("sflags", d.sflags);
            m.put("iflags", (long) d.iflags);
            m.put("caller", leg(d, Dialog.CALLER));
            m.put("callee", leg(d, Dialog.CALLEE));
            List<Object> profiles = new ArrayList<>();
            for (Object[] l : d.profiles) {
                Profiles.Profile p = (Profiles.Profile) l[0];
                profiles.add(p.hasValue ? Map.of(p.name, l[1]) : p.name);
            }
            m.put("profiles", profiles);
            List<Object> vars = new ArrayList<>();
            for (Map.Entry<String, String> e : d.vars.entrySet()) {
                vars.add(Map.of(e.getKey(), e.getValue()));
            }
            m.put("variables", vars);
        }
        return m;
    }

    private static Map<String, Object> leg(Dialog d, int leg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tag", nonNull(d.tag[leg]));
        m.put("contact", nonNull(d.contact[leg]));
        m.put("cseq", Long.toString(d.cseq[leg]));
        m.put("route_set", Dialog.routeText(d.routeSet[leg]));
        m.put("socket", d.socket[leg] == null ? "" : socketText(d.socket[leg]));
        return m;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** A listener as Kamailio names it: proto:ip:port. */
    static String socketText(SendSocket s) {
        return s.protocol().text() + ":" + s.local().getAddress().getHostAddress() + ":" + s.local().getPort();
    }

    Object terminate(List<Object> params) throws RpcExport.RpcException {
        if (params.size() < 3) {
            throw new RpcExport.RpcException(400, "Invalid Parameters");
        }
        int[] dir = new int[1];
        Dialog d = tracker.table.find(String.valueOf(params.get(0)), String.valueOf(params.get(1)), String.valueOf(params.get(2)), dir);
        if (d == null) {
            throw new RpcExport.RpcException(404, "Dialog not found");
        }
        if (tracker.byes.all(d, null) != 0) {
            throw new RpcExport.RpcException(500, "Failed to terminate dialog");
        }
        return null;
    }

    Object end(List<Object> params) throws RpcExport.RpcException {
        if (params.size() < 2) {
            throw new RpcExport.RpcException(400, "Invalid Parameters");
        }
        long entry = number(params.get(0));
        long id = number(params.get(1));
        Dialog d = tracker.table.lookup(entry, id);
        if (d == null) {
            throw new RpcExport.RpcException(404, "Requested Dialog not found");
        }
        String hdrs = params.size() > 2 ? String.valueOf(params.get(2)) : null;
        if (hdrs != null && !hdrs.isEmpty() && !hdrs.endsWith("\n")) {
            hdrs = hdrs + "\r\n";
        }
        if (tracker.byes.all(d, hdrs) != 0) {
            throw new RpcExport.RpcException(500, "Failed to end dialog");
        }
        return null;
    }

    Object profileSize(List<Object> params) throws RpcExport.RpcException {
        if (params.isEmpty()) {
            throw new RpcExport.RpcException(400, "Invalid Parameters");
        }
        String name = String.valueOf(params.get(0));
        Profiles.Profile p = tracker.profiles.get(name);
        if (p == null) {
            throw new RpcExport.RpcException(404, "Profile not found: " + name);
        }
        String value = params.size() > 1 ? String.valueOf(params.get(1)) : null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", name);
        m.put("value", value == null ? "" : value);
        m.put("count", Profiles.size(p, value));
        return m;
    }

    private static long number(Object o) throws RpcExport.RpcException {
        if (o instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            throw new RpcExport.RpcException(400, "Invalid Parameters");
        }
    }
}
