package io.sipway.proxy.module.db_text;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * db_text (https://kamailio.org/docs/modules/5.6.x/modules/db_text.html): the text:///dir db_urls, a
 * directory of table files in db_text's format (io.sipway.proxy.db.TextDatabase). Sipway writes a
 * table's file after each change and reads it again when it changed on disk (Kamailio keeps tables
 * in memory and writes them at shutdown). Without the module loaded a text:// db_url is refused at
 * start, as Kamailio's db_bind_mod() refuses it.
 */
public final class DbTextModule {
    private DbTextModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("db_text", "https://kamailio.org/docs/modules/5.6.x/modules/db_text.html");
        b.paramWithoutEffect("db_mode", ParamExport.Type.INT, "0",
                "a table is read again whenever its file changed (Kamailio's db_mode 1), and written after each change", "1");
        b.paramOnly("db_delim", ParamExport.Type.STRING, ":", "fields are separated by ':'", ":");
        b.paramOnly("emptystring", ParamExport.Type.INT, "0",
                "an empty field is NULL (an empty string in a column that may not be NULL)", "0");
        b.paramWithoutEffect("default_connection", ParamExport.Type.STRING, "",
                "for the db_text.query RPC, which Sipway does not have");
        b.paramWithoutEffect("file_buffer_size", ParamExport.Type.INT, "16384", "lines are read whatever their length");
        return b.build();
    }
}
