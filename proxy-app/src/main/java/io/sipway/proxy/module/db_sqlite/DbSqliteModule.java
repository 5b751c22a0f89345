package io.sipway.proxy.module.db_sqlite;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * db_sqlite (https://kamailio.org/docs/modules/5.6.x/modules/db_sqlite.html): the sqlite:///path
 * db_urls, served by the SQLite JDBC driver (io.sipway.proxy.db.JdbcDatabase; a busy file is waited
 * for 2 s). Without the module loaded a sqlite:// db_url is refused at start, as Kamailio's
 * db_bind_mod() refuses it.
 */
public final class DbSqliteModule {
    private DbSqliteModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("db_sqlite", "https://kamailio.org/docs/modules/5.6.x/modules/db_sqlite.html");
        b.paramWithoutEffect("db_set", ParamExport.Type.STRING, "",
                "per-database PRAGMAs are not applied: SQLite files are opened with the driver's defaults");
        return b.build();
    }
}
