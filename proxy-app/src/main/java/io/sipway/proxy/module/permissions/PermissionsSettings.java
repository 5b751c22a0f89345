package io.sipway.proxy.module.permissions;

import io.sipway.cfg.Pv;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import java.util.function.Function;

/** permissions' modparams as the running script sets them, read once at start. */
record PermissionsSettings(String dbUrl, int dbMode, String addressTable, String grpCol, String ipAddrCol, String maskCol,
                           String portCol, String trustedTable, String sourceCol, String protoCol, String fromCol,
                           String ruriCol, String tagCol, String priorityCol, Pv peerTagAvp, int peerTagMode, int maxSubnets,
                           int loadBackends, int reloadDeltaSeconds) {

    static final String M = "permissions";

    boolean loadAddress() {
        return (loadBackends & 1) != 0;
    }

    boolean loadTrusted() {
        return (loadBackends & 2) != 0;
    }

    static PermissionsSettings of(Core core, Function<String, ValueSource> pvs) {
        String tagAvp = core.modparam(M, "peer_tag_avp", "");
        Pv tag = null;
        if (!tagAvp.isEmpty()) {
            ValueSource v = tagAvp.startsWith("$avp(") ? pvs.apply(tagAvp) : null;
            if (!(v instanceof Pv p) || !p.writable()) {
                throw new IllegalArgumentException("modparam(\"permissions\", \"peer_tag_avp\"): malformed or non AVP " + tagAvp
                        + " peer_tag_avp definition");
            }
            tag = p;
        }
        String url = core.modparam(M, "db_url", "");
        return new PermissionsSettings(url.isEmpty() ? null : url, num(core, "db_mode", 0), core.modparam(M, "address_table", "address"),
                core.modparam(M, "grp_col", "grp"), core.modparam(M, "ip_addr_col", "ip_addr"), core.modparam(M, "mask_col", "mask"),
                core.modparam(M, "port_col", "port"), core.modparam(M, "trusted_table", "trusted"),
                core.modparam(M, "source_col", "src_ip"), core.modparam(M, "proto_col", "proto"),
                core.modparam(M, "from_col", "from_pattern"), core.modparam(M, "ruri_col", "ruri_pattern"),
                core.modparam(M, "tag_col", "tag"), core.modparam(M, "priority_col", "priority"), tag,
                num(core, "peer_tag_mode", 0), num(core, "max_subnets", 512), num(core, "load_backends", 0xffff),
                num(core, "reload_delta", 5));
    }

    private static int num(Core core, String name, int def) {
        String v = core.modparam(M, name, Integer.toString(def)).trim();
        return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
    }
}
