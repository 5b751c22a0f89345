package io.sipway.proxy.module.dispatcher;

import io.sipway.proxy.module.RpcExport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** dispatcher's RPC commands as Kamailio 5.6 answers them (dispatcher.c: dispatcher_rpc_*). */
final class DispatcherRpc {
    private DispatcherRpc() {
    }

    /**
     * dispatcher.list [short|full]: {NRSETS, RECORDS: [{SET: {ID, TARGETS: [{DEST: {URI, FLAGS,
     * PRIORITY, ATTRS...}}]}}]}, the sets in Kamailio's walk order.
     */
    static Object list(Dispatcher ds, List<Object> params) throws RpcExport.RpcException {
        String mode = params.isEmpty() ? "" : String.valueOf(params.get(0));
        boolean shortForm = mode.equalsIgnoreCase("short");
        boolean full = mode.equalsIgnoreCase("full");
        DsLists lists = ds.lists();
        if (lists.count() <= 0) {
            throw new RpcExport.RpcException(500, "No Destination Sets");
        }
        List<Object> records = new ArrayList<>();
        for (DsSet set : lists.sets()) {
            List<Object> targets = new ArrayList<>();
            for (int j = 0; j < set.dests.length; j++) {
                Destination d = set.dests[j];
                int flags = set.flags(j);
                Map<String, Object> dest = new LinkedHashMap<>();
                dest.put("URI", d.uri);
                dest.put("FLAGS", flagLetters(flags));
                dest.put("PRIORITY", (long) d.priority);
                if (full) {
                    dest.put("HOST", d.host);
                    dest.put("IPADDR", d.address == null ? "" : d.address.getHostAddress());
                    dest.put("PORT", (long) d.port);
                    dest.put("PROTOID", (long) d.proto);
                    dest.put("DNSTIME_SEC", 0L);
                    dest.put("DNSTIME_USEC", 0L);
                }
                if ((!shortForm && d.attrs.body() != null) || full) {
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    attrs.put("BODY", text(d.attrs.body()));
                    attrs.put("DUID", text(d.attrs.duid()));
                    attrs.put("MAXLOAD", (long) d.attrs.maxload());
                    attrs.put("WEIGHT", (long) d.attrs.weight());
                    attrs.put("RWEIGHT", (long) d.attrs.rweight());
                    attrs.put("SOCKET", text(d.attrs.socket()));
                    attrs.put("SOCKNAME", text(d.attrs.sockname()));
                    attrs.put("OBPROXY", text(d.attrs.obproxy()));
                    dest.put("ATTRS", attrs);
                }
                CallLoad load = ds.callLoad();
                if (load != null) {
                    dest.put("RUNTIME", Map.of("DLGLOAD", (long) load.load(set.id, d.attrs.duid())));
                }
                targets.add(Map.of("DEST", dest));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ID", (long) set.id);
            body.put("TARGETS", targets);
            records.add(Map.of("SET", body));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("NRSETS", (long) lists.count());
        out.put("RECORDS", records);
        return out;
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    /** The first letter is the first of I (inactive), D (disabled), T (trying), else A; the second P (probing), N (no ping) or X. */
    static String flagLetters(int flags) {
        char state = (flags & Destination.INACTIVE) != 0 ? 'I' : (flags & Destination.DISABLED) != 0 ? 'D'
                : (flags & Destination.TRYING) != 0 ? 'T' : 'A';
        char probing = (flags & Destination.PROBING) != 0 ? 'P' : (flags & Destination.NO_PING) != 0 ? 'N' : 'X';
        return "" + state + probing;
    }

    /**
     * dispatcher.reload: the list file or the table read again. It reads files, DNS and the database,
     * which must not happen on an event loop (jsonrpc_dispatch() in event_route[xhttp:request] runs
     * there): it always runs on the module's reload thread; an event loop does not wait for it.
     */
    static Object reload(Dispatcher ds, ExecutorService reloads) throws RpcExport.RpcException {
        Future<Object> f = reloads.submit(() -> {
            try {
                ds.reload();
            } catch (Dispatcher.ReloadRefused e) {
                throw new RpcExport.RpcException(500, "Ongoing reload");
            } catch (DsLoader.LoadException e) {
                org.slf4j.LoggerFactory.getLogger("io.sipway.dispatcher").error("reload failed: {}", e.getMessage());
                throw new RpcExport.RpcException(500, "Reload Failed");
            }
            return "Ok. Dispatcher successfully reloaded.";
        });
        return RpcExport.awaitUnlessOnLoop(f, "Reload Failed");
    }

    /**
     * dispatcher.set_state state group address: state 0/i (inactive), 1/a (active), 2/d (disabled),
     * 3/t (trying), the first three with a second letter p for probing; address "all" for every
     * destination of the set. No event route runs (Kamailio's ds_reinit_state).
     */
    static Object setState(Dispatcher ds, List<Object> params) throws RpcExport.RpcException {
        if (params.size() < 3) {
            throw new RpcExport.RpcException(500, "Invalid Parameters");
        }
        String state = String.valueOf(params.get(0));
        int group;
        try {
            group = Integer.parseInt(String.valueOf(params.get(1)).trim());
        } catch (NumberFormatException e) {
            throw new RpcExport.RpcException(500, "Invalid Parameters");
        }
        String dest = String.valueOf(params.get(2));
        if (state.isEmpty()) {
            throw new RpcExport.RpcException(500, "Invalid State Parameter");
        }
        boolean probing = state.length() > 1 && (state.charAt(1) == 'P' || state.charAt(1) == 'p');
        int value = switch (state.charAt(0)) {
            case '0', 'I', 'i' -> Destination.INACTIVE | (probing ? Destination.PROBING : 0);
            case '1', 'A', 'a' -> probing ? Destination.PROBING : 0;
            case '2', 'D', 'd' -> Destination.DISABLED;
            case '3', 'T', 't' -> Destination.TRYING | (probing ? Destination.PROBING : 0);
            default -> throw new RpcExport.RpcException(500, "Unknown State Value");
        };
        DsSet set = ds.lists().set(group);
        if (dest.equals("all")) {
            if (set != null) {
                for (Destination d : set.dests) {
                    Dispatcher.reinitState(set, d, value);
                }
            }
        } else {
            int i = set == null ? -1 : Dispatcher.indexOf(set, dest);
            if (i < 0) {
                throw new RpcExport.RpcException(500, "State Update Failed");
            }
            Dispatcher.reinitState(set, set.dests[i], value);
        }
        return "Ok. Dispatcher state updated.";
    }
}
