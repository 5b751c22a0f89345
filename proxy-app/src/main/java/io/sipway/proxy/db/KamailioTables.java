package io.sipway.proxy.db;

import static io.sipway.proxy.db.SchemaTable.Type.INT;
import static io.sipway.proxy.db.SchemaTable.Type.MEDIUMTEXT;
import static io.sipway.proxy.db.SchemaTable.Type.SMALLINT;
import static io.sipway.proxy.db.SchemaTable.Type.TEXT;
import static io.sipway.proxy.db.SchemaTable.Type.UINT;
import static io.sipway.proxy.db.SchemaTable.Type.USMALLINT;
import static io.sipway.proxy.db.SchemaTable.Type.UTINYINT;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kamailio 5.6's tables, module by module, as {@code kamdbctl create} makes them: the "standard"
 * group (utils/kamctl/kamdbctl.base STANDARD_MODULES) and the extra groups Sipway's modules read
 * (htable, uac, rtpengine, siptrace, secfilter). Checked column by column against the scripts Kamailio 5.6.3
 * installs (/usr/share/kamailio/{mysql,postgres}/*-create.sql, Debian's kamailio package); the
 * versions are those the modules check at start.
 */
final class KamailioTables {
    static final String DATETIME = "2000-01-01 00:00:01";
    static final String EXPIRES = "2030-05-28 21:32:15";

    /** Module (kamdbctl's group) to its tables, in creation order. */
    static final Map<String, List<SchemaTable>> BY_MODULE = new LinkedHashMap<>();

    private KamailioTables() {}

    private static SchemaTable.Builder t(String name, int version) {
        return new SchemaTable.Builder(name, version);
    }

    private static void module(String module, SchemaTable.Builder... tables) {
        List<SchemaTable> l = new ArrayList<>();
        for (SchemaTable.Builder b : tables) {
            l.add(b.build());
        }
        BY_MODULE.put(module, List.copyOf(l));
    }

    /** acc and missed_calls have the same columns. */
    private static SchemaTable.Builder accLike(String name, int version) {
        return t(name, version).str("method", 16, "").str("from_tag", 128, "").str("to_tag", 128, "")
                .str("callid", 255, "").str("sip_code", 3, "").str("sip_reason", 128, "").datetime("time", null)
                .index("callid_idx", "callid");
    }

    /** location and aliases (registrar's alias table) have the same columns, but for two sizes. */
    private static SchemaTable.Builder locationLike(String name, int version, int contact, int received) {
        return t(name, version).str("ruid", 64, "").str("username", 64, "").strNull("domain", 64)
                .str("contact", contact, "").strNull("received", received).strNull("path", 512)
                .datetime("expires", EXPIRES).floating("q", "10,2", "1.0").str("callid", 255, "Default-Call-ID")
                .num("cseq", INT, 1).datetime("last_modified", DATETIME).num("flags", INT, 0).num("cflags", INT, 0)
                .str("user_agent", 255, "").strNull("socket", 64).numNull("methods", INT).strNull("instance", 255)
                .num("reg_id", INT, 0).num("server_id", INT, 0).num("connection_id", INT, 0)
                .num("keepalive", INT, 0).num("partition", INT, 0)
                .unique("ruid_idx", "ruid").index("account_contact_idx", "username", "domain", "contact")
                .index("expires_idx", "expires");
    }

    static {
        module("standard", t("version", 1).str("table_name", 32, null).num("table_version", UINT, 0)
                .unique("table_name_idx", "table_name"));
        module("acc", accLike("acc", 5),
                t("acc_cdrs", 2).datetime("start_time", "2000-01-01 00:00:00").datetime("end_time", "2000-01-01 00:00:00")
                        .floating("duration", "10,3", "0").index("start_time_idx", "start_time"),
                accLike("missed_calls", 4));
        module("lcr",
                t("lcr_gw", 3).num("lcr_id", USMALLINT, null).strNull("gw_name", 128).strNull("ip_addr", 50)
                        .strNull("hostname", 64).numNull("port", USMALLINT).strNull("params", 64)
                        .numNull("uri_scheme", UTINYINT).numNull("transport", UTINYINT).numNull("strip", UTINYINT)
                        .strNull("prefix", 16).strNull("tag", 64).num("flags", UINT, 0).numNull("defunct", UINT)
                        .index("lcr_id_idx", "lcr_id"),
                t("lcr_rule_target", 1).num("lcr_id", USMALLINT, null).num("rule_id", UINT, null)
                        .num("gw_id", UINT, null).num("priority", UTINYINT, null).num("weight", UINT, 1)
                        .unique("rule_id_gw_id_idx", "rule_id", "gw_id").index("lcr_id_idx", "lcr_id"),
                t("lcr_rule", 3).num("lcr_id", USMALLINT, null).strNull("prefix", 16).strNull("from_uri", 64)
                        .strNull("request_uri", 64).strNull("mt_tvalue", 128).num("stopper", UINT, 0)
                        .num("enabled", UINT, 1).unique("lcr_id_prefix_from_uri_idx", "lcr_id", "prefix", "from_uri"));
        module("domain",
                t("domain", 2).str("domain", 64, null).strNull("did", 64).datetime("last_modified", DATETIME)
                        .unique("domain_idx", "domain"),
                t("domain_attrs", 1).str("did", 64, null).str("name", 32, null).num("type", UINT, null)
                        .str("value", 255, null).datetime("last_modified", DATETIME)
                        .index("domain_attrs_idx", "did", "name"));
        module("group",
                t("grp", 2).str("username", 64, "").str("domain", 64, "").str("grp", 64, "")
                        .datetime("last_modified", DATETIME).unique("account_group_idx", "username", "domain", "grp"),
                t("re_grp", 1).str("reg_exp", 128, "").num("group_id", INT, 0).index("group_idx", "group_id"));
        module("permissions",
                t("trusted", 6).str("src_ip", 50, null).str("proto", 4, null).strNull("from_pattern", 64)
                        .strNull("ruri_pattern", 64).strNull("tag", 64).num("priority", INT, 0)
                        .index("peer_idx", "src_ip"),
                t("address", 6).num("grp", UINT, 11, 1).str("ip_addr", 50, null).num("mask", INT, 32)
                        .num("port", USMALLINT, 0).strNull("tag", 64));
        module("registrar", locationLike("aliases", 8, 255, 255));
        module("usrloc",
                locationLike("location", 9, 512, 128).index("tcpcon_idx", "connection_id").index("connection_idx", "server_id", "connection_id"),
                t("location_attrs", 1).str("ruid", 64, "").str("username", 64, "").strNull("domain", 64)
                        .str("aname", 64, "").num("atype", INT, 0).str("avalue", 512, "")
                        .datetime("last_modified", DATETIME)
                        .index("account_record_idx", "username", "domain", "ruid")
                        .index("last_modified_idx", "last_modified"));
        module("msilo", t("silo", 8).str("src_addr", 255, "").str("dst_addr", 255, "").str("username", 64, "")
                .str("domain", 64, "").num("inc_time", INT, 0).num("exp_time", INT, 0).num("snd_time", INT, 0)
                .str("ctype", 32, "text/plain").large("body", SchemaTable.Type.BLOB).large("extra_hdrs", TEXT)
                .str("callid", 128, "").num("status", INT, 0).index("account_idx", "username", "domain"));
        module("alias_db", t("dbaliases", 1).str("alias_username", 64, "").str("alias_domain", 64, "")
                .str("username", 64, "").str("domain", 64, "").index("alias_user_idx", "alias_username")
                .index("alias_idx", "alias_username", "alias_domain").index("target_idx", "username", "domain"));
        module("uri_db", t("uri", 1).str("username", 64, "").str("domain", 64, "").str("uri_user", 64, "")
                .datetime("last_modified", DATETIME).unique("account_idx", "username", "domain", "uri_user"));
        module("speeddial", t("speed_dial", 2).str("username", 64, "").str("domain", 64, "")
                .str("sd_username", 64, "").str("sd_domain", 64, "").str("new_uri", 255, "").str("fname", 64, "")
                .str("lname", 64, "").str("description", 64, "")
                .unique("speed_dial_idx", "username", "domain", "sd_domain", "sd_username"));
        module("avpops", t("usr_preferences", 2).str("uuid", 64, "").str("username", 255, "0")
                .str("domain", 64, "").str("attribute", 32, "").num("type", INT, 0).str("value", 128, "")
                .datetime("last_modified", DATETIME).index("ua_idx", "uuid", "attribute")
                .index("uda_idx", "username", "domain", "attribute"));
        module("auth_db", t("subscriber", 7).str("username", 64, "").str("domain", 64, "").str("password", 64, "")
                .str("ha1", 128, "").str("ha1b", 128, "").unique("account_idx", "username", "domain")
                .index("username_idx", "username"));
        module("pdt", t("pdt", 1).str("sdomain", 255, null).str("prefix", 32, null).str("domain", 255, "")
                .unique("sdomain_prefix_idx", "sdomain", "prefix"));
        module("dialog",
                t("dialog", 7).num("hash_entry", UINT, null).num("hash_id", UINT, null).str("callid", 255, null)
                        .str("from_uri", 255, null).str("from_tag", 128, null).str("to_uri", 255, null)
                        .str("to_tag", 128, null).str("caller_cseq", 20, null).str("callee_cseq", 20, null)
                        .strNull("caller_route_set", 512).strNull("callee_route_set", 512)
                        .str("caller_contact", 255, null).str("callee_contact", 255, null)
                        .str("caller_sock", 64, null).str("callee_sock", 64, null).num("state", UINT, null)
                        .num("start_time", UINT, null).num("timeout", UINT, 0).num("sflags", UINT, 0)
                        .num("iflags", UINT, 0).strNull("toroute_name", 32).str("req_uri", 255, null)
                        .strNull("xdata", 512).index("hash_idx", "hash_entry", "hash_id"),
                t("dialog_vars", 1).num("hash_entry", UINT, null).num("hash_id", UINT, null)
                        .str("dialog_key", 128, null).str("dialog_value", 512, null)
                        .index("hash_idx", "hash_entry", "hash_id"));
        module("dispatcher", t("dispatcher", 4).num("setid", INT, 0).str("destination", 192, "")
                .num("flags", INT, 0).num("priority", INT, 0).str("attrs", 128, "").str("description", 64, ""));
        module("dialplan", t("dialplan", 2).num("dpid", INT, null).num("pr", INT, null).num("match_op", INT, null)
                .str("match_exp", 64, null).num("match_len", INT, null).str("subst_exp", 64, null)
                .str("repl_exp", 256, null).str("attrs", 64, null));
        module("topos",
                t("topos_d", 2).datetime("rectime", null).str("x_context", 64, "").str("s_method", 64, "")
                        .str("s_cseq", 64, "").str("a_callid", 255, "").str("a_uuid", 255, "").str("b_uuid", 255, "")
                        .str("a_contact", 512, "").str("b_contact", 512, "").str("as_contact", 512, "")
                        .str("bs_contact", 512, "").str("a_tag", 255, "").str("b_tag", 255, "")
                        .large("a_rr", MEDIUMTEXT).large("b_rr", MEDIUMTEXT).large("s_rr", MEDIUMTEXT)
                        .num("iflags", UINT, 0).str("a_uri", 255, "").str("b_uri", 255, "").str("r_uri", 255, "")
                        .str("a_srcaddr", 128, "").str("b_srcaddr", 128, "").str("a_socket", 128, "")
                        .str("b_socket", 128, "").index("rectime_idx", "rectime").index("a_callid_idx", "a_callid")
                        .index("a_uuid_idx", "a_uuid").index("b_uuid_idx", "b_uuid"),
                t("topos_t", 2).datetime("rectime", null).str("x_context", 64, "").str("s_method", 64, "")
                        .str("s_cseq", 64, "").str("a_callid", 255, "").str("a_uuid", 255, "").str("b_uuid", 255, "")
                        .num("direction", INT, 0).large("x_via", MEDIUMTEXT).str("x_vbranch", 255, "")
                        .large("x_rr", MEDIUMTEXT).large("y_rr", MEDIUMTEXT).large("s_rr", MEDIUMTEXT)
                        .str("x_uri", 255, "").str("a_contact", 512, "").str("b_contact", 512, "")
                        .str("as_contact", 512, "").str("bs_contact", 512, "").str("x_tag", 255, "")
                        .str("a_tag", 255, "").str("b_tag", 255, "").str("a_srcaddr", 255, "")
                        .str("b_srcaddr", 255, "").str("a_socket", 128, "").str("b_socket", 128, "")
                        .index("rectime_idx", "rectime").index("a_callid_idx", "a_callid")
                        .index("x_vbranch_idx", "x_vbranch").index("a_uuid_idx", "a_uuid"));
        // extra groups (kamdbctl asks for them): those Sipway's modules read
        module("htable", t("htable", 2).str("key_name", 64, "").num("key_type", INT, 0).num("value_type", INT, 0)
                .str("key_value", 128, "").num("expires", INT, 0));
        module("uac", t("uacreg", 5).str("l_uuid", 64, "").str("l_username", 64, "").str("l_domain", 64, "")
                .str("r_username", 64, "").str("r_domain", 64, "").str("realm", 64, "").str("auth_username", 64, "")
                .str("auth_password", 64, "").str("auth_ha1", 128, "").str("auth_proxy", 255, "")
                .num("expires", INT, 0).num("flags", INT, 0).num("reg_delay", INT, 0).str("contact_addr", 255, "")
                .str("socket", 128, "").unique("l_uuid_idx", "l_uuid"));
        module("rtpengine", t("rtpengine", 1).num("setid", UINT, 0).str("url", 64, null).num("weight", UINT, 1)
                .num("disabled", INT, 1, 0).datetime("stamp", "1900-01-01 00:00:01")
                .unique("rtpengine_nodes", "setid", "url"));
        module("siptrace", t("sip_trace", 4).datetime("time_stamp", DATETIME).num("time_us", UINT, 0).str("callid", 255, "")
                .str("traced_user", 255, "").largeNotNull("msg", MEDIUMTEXT).str("method", 50, "").str("status", 255, "")
                .str("fromip", 64, "").str("toip", 64, "").str("fromtag", 128, "").str("totag", 128, "").str("direction", 4, "")
                .index("traced_user_idx", "traced_user").index("date_idx", "time_stamp").index("fromip_idx", "fromip")
                .index("callid_idx", "callid"));
        module("secfilter", t("secfilter", 1).num("action", SMALLINT, 0).num("type", SMALLINT, 0)
                .str("data", 64, "").index("secfilter_idx", "action", "type", "data"));
    }
}
