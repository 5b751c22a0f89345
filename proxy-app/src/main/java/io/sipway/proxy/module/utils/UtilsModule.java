package io.sipway.proxy.module.utils;

import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * utils (https://kamailio.org/docs/modules/5.6.x/modules/utils.html). In Kamailio 5.6 the module exports
 * one function, {@code xcap_auth_status(watcher_uri, presentity_uri)}, which reads presence rules from the
 * xcap table of a presence deployment: out of Sipway's scope, so a script calling it is refused at load
 * (the function is in kamailio-5.6.txt). Its older {@code http_query} moved to http_client long before
 * 5.6, which no longer has it.
 *
 * <p>The parameters are accepted so that a script loading the module for nothing else starts:
 * {@code pres_db_url} and {@code xcap_table} serve xcap_auth_status only; {@code forward_active} turns on
 * a pre-script forwarding filter whose switch, filter and proxy are set by MI commands 5.6 no longer has,
 * so it never forwards.
 */
public final class UtilsModule {
    private UtilsModule() {
    }

    public static ModuleExports exports() {
        ModuleExports.Builder b = ModuleExports.module("utils", "https://kamailio.org/docs/modules/5.6.x/modules/utils.html");
        b.paramWithoutEffect("pres_db_url", ParamExport.Type.STRING, "",
                "the database of xcap_auth_status, which Sipway does not implement");
        b.paramWithoutEffect("xcap_table", ParamExport.Type.STRING, "xcap",
                "the table of xcap_auth_status, which Sipway does not implement");
        b.paramWithoutEffect("forward_active", ParamExport.Type.INT, "0",
                "Kamailio 5.6's forwarding filter has no switch, filter or proxy to set (their MI commands are gone): it never forwards",
                "0", "1");
        return b.build();
    }
}
