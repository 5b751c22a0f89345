package io.sipway.proxy.module.db_postgres;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * db_postgres (https://kamailio.org/docs/modules/5.6.x/modules/db_postgres.html): the postgres://
 * db_urls, served by the PostgreSQL JDBC driver over a HikariCP pool (io.sipway.proxy.db.JdbcDatabase).
 * Without the module loaded a postgres:// db_url is refused at start, as Kamailio's db_bind_mod()
 * refuses it.
 */
public final class DbPostgresModule {
    private DbPostgresModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("db_postgres", "https://kamailio.org/docs/modules/5.6.x/modules/db_postgres.html");
        b.param("timeout", ParamExport.Type.INT, "0",
                "above 0: a connection attempt or a statement longer than this many seconds fails"
                        + " (0: statements wait, a connection attempt gives up after 2 s rather than the kernel's TCP timeout)");
        b.param("tcp_keepalive", ParamExport.Type.INT, "0", "above 0: TCP keepalives on the connections");
        b.paramWithoutEffect("retries", ParamExport.Type.INT, "2",
                "a failed statement is not sent again; the next call takes a new connection from the pool");
        b.paramWithoutEffect("lockset", ParamExport.Type.INT, "4", "Kamailio's locks for its asynchronous queries; Sipway has none");
        b.paramWithoutEffect("bytea_output_escape", ParamExport.Type.INT, "1",
                "the JDBC driver reads BYTEA in either output format");
        b.paramWithoutEffect("con_param", ParamExport.Type.STRING, "",
                "libpq connection keywords; the JDBC driver's settings apply (timeout sets the connect timeout)");
        b.paramWithoutEffect("sql_buffer_size", ParamExport.Type.INT, "65535", "statements are built without a fixed-size buffer");
        return b.build();
    }
}
