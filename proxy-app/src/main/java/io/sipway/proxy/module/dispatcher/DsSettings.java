package io.sipway.proxy.module.dispatcher;

import io.sipway.cfg.Arg;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** dispatcher's modparams as the running script sets them, read once at start (Kamailio's mod_init). */
record DsSettings(Path listFile, String dbUrl, String table, String setidCol, String destinationCol, String flagsCol,
                  String priorityCol, String attrsCol, boolean forceDst, int flags, boolean useDefault, String xavpDst,
                  int xavpDstMode, String xavpCtx, int xavpCtxMode, Format hashPvar, Pv setidPv, Pv attrsPv,
                  int probingThreshold, int inactiveThreshold, int probingMode, boolean attrsNone,
                  List<String[]> dbExtraAttrs, int loadMode, int reloadDelta, int dnsMode, String defaultSocket,
                  int pingInterval, String pingMethod, String pingFrom, String outboundProxy, Prober.ReplyCodes pingReplyCodes) {

    static final String M = "dispatcher";
    /** flags bit 2: the selected destination and the others are kept in the XAVPs for ds_next_dst(). */
    static final int FAILOVER_ON = 2;
    static final int XAVP_DST_SKIP_ATTRS = 1;
    static final int XAVP_DST_ADD_SOCKSTR = 2;
    static final int XAVP_DST_ADD_SOCKNAME = 4;
    static final int XAVP_CTX_SKIP_CNT = 1;
    static final int DNS_MODE_INIT = 1;

    boolean failover() {
        return (flags & FAILOVER_ON) != 0;
    }

    /** The settings; {@code pvs} compiles a pseudo-variable of the loaded modules written as text. */
    static DsSettings of(Core core, Function<String, ValueSource> pvs) {
        Path cfg = core.configFile();
        Path dir = cfg == null ? Path.of("") : cfg.toAbsolutePath().getParent();
        String list = core.modparam(M, "list_file", "");
        // Kamailio's default is dispatcher.list in its configuration directory: here, beside the script
        Path listFile = list.isEmpty() ? dir.resolve("dispatcher.list") : dir.resolve(list);
        String hash = core.modparam(M, "hash_pvar", "");
        Format hashPvar = null;
        if (!hash.isEmpty()) {
            hashPvar = Format.of(Arg.constant(hash, "\"" + hash + "\"").withPvCompiler(pvs));
        }
        String dbUrl = core.modparam(M, "db_url", "");
        return new DsSettings(listFile, dbUrl.isEmpty() ? null : dbUrl, core.modparam(M, "table_name", "dispatcher"),
                core.modparam(M, "setid_col", "setid"), core.modparam(M, "destination_col", "destination"),
                core.modparam(M, "flags_col", "flags"), core.modparam(M, "priority_col", "priority"),
                core.modparam(M, "attrs_col", "attrs"), num(core, "force_dst", 1) != 0, num(core, "flags", 0),
                num(core, "use_default", 0) != 0, core.modparam(M, "xavp_dst", "_dsdst_"), num(core, "xavp_dst_mode", 0),
                core.modparam(M, "xavp_ctx", "_dsctx_"), num(core, "xavp_ctx_mode", 0), hashPvar,
                writablePv(core, "setid_pvname", pvs), writablePv(core, "attrs_pvname", pvs),
                num(core, "ds_probing_threshold", 1), num(core, "ds_inactive_threshold", 1), num(core, "ds_probing_mode", 0),
                num(core, "ds_attrs_none", 0) != 0, extraAttrs(core.modparam(M, "ds_db_extra_attrs", "")),
                num(core, "ds_load_mode", 0), num(core, "reload_delta", 5), num(core, "ds_dns_mode", DNS_MODE_INIT),
                core.modparam(M, "ds_default_socket", ""), num(core, "ds_ping_interval", 0),
                core.modparam(M, "ds_ping_method", "OPTIONS"), core.modparam(M, "ds_ping_from", "sip:dispatcher@localhost"),
                core.modparam(M, "outbound_proxy", ""), Prober.ReplyCodes.parse(core.modparam(M, "ds_ping_reply_codes", "")));
    }

    private static Pv writablePv(Core core, String param, Function<String, ValueSource> pvs) {
        String name = core.modparam(M, param, "");
        if (name.isEmpty()) {
            return null;
        }
        if (!(pvs.apply(name) instanceof Pv p) || !p.writable()) {
            throw new IllegalArgumentException("modparam(\"dispatcher\", \"" + param + "\"): [" + name + "]- invalid " + param);
        }
        return p;
    }

    /** ds_db_extra_attrs: "name=column;..." pairs, each {name, column}. */
    private static List<String[]> extraAttrs(String text) {
        List<String[]> out = new ArrayList<>();
        String t = text.trim();
        if (t.length() <= 2) {
            return out;
        }
        if (t.endsWith(";")) {
            t = t.substring(0, t.length() - 1);
        }
        for (String pair : t.split(";")) {
            int eq = pair.indexOf('=');
            String column = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (column.isEmpty()) {
                throw new IllegalArgumentException("modparam(\"dispatcher\", \"ds_db_extra_attrs\"): invalid db extra attrs parameter");
            }
            out.add(new String[] {pair.substring(0, eq).trim(), column});
        }
        return out;
    }

    private static int num(Core core, String name, int def) {
        String v = core.modparam(M, name, Integer.toString(def)).trim();
        return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
    }
}
