package io.sipway.proxy.module.db_mysql;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * db_mysql (https://kamailio.org/docs/modules/5.6.x/modules/db_mysql.html): the mysql:// db_urls,
 * served by MariaDB's JDBC driver over a HikariCP pool (io.sipway.proxy.db.JdbcDatabase). Without
 * the module loaded a mysql:// db_url is refused at start, as Kamailio's db_bind_mod() refuses it.
 * The parameters are read when a database is opened; those of Kamailio's srdb2 API
 * (connect_timeout, send_timeout, receive_timeout, retries), which no module of Sipway's uses, have
 * no effect.
 */
public final class DbMysqlModule {
    private DbMysqlModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("db_mysql", "https://kamailio.org/docs/modules/5.6.x/modules/db_mysql.html");
        b.param("timeout_interval", ParamExport.Type.INT, "2",
                "a connection attempt gives up after it, a statement's read or write after three times it (seconds)");
        b.param("ping_interval", ParamExport.Type.INT, "300",
                "an idle pooled connection is checked that often (seconds; at least 30)");
        b.param("update_affected_found", ParamExport.Type.INT, "0",
                "1: an UPDATE counts the rows it matched, not only those it changed");
        b.paramOnly("opt_ssl_mode", ParamExport.Type.INT, "0", "1 turns TLS to the server off; 0 is the driver's default (no TLS)",
                "0", "1");
        b.paramOnly("server_timezone", ParamExport.Type.INT, "0",
                "DATETIME values are written and read in the machine's local time", "0");
        b.paramWithoutEffect("auto_reconnect", ParamExport.Type.INT, "1",
                "the pool always opens a new connection when one is lost", "1");
        b.paramWithoutEffect("insert_delayed", ParamExport.Type.INT, "0",
                "inserts are plain INSERTs (MariaDB ignores DELAYED on InnoDB tables)", "0");
        b.paramWithoutEffect("unsigned_type", ParamExport.Type.INT, "0",
                "unsigned columns are read as numbers whatever their size", "0");
        b.paramWithoutEffect("sql_buffer_size", ParamExport.Type.INT, "65535",
                "statements are built without a fixed-size buffer");
        for (String srdb2 : new String[] {"connect_timeout", "send_timeout", "receive_timeout", "retries"}) {
            b.paramWithoutEffect(srdb2, ParamExport.Type.INT, srdb2.equals("retries") ? "1" : "0",
                    "a parameter of Kamailio's srdb2 database API, which Sipway's modules do not use (timeout_interval applies)");
        }
        return b.build();
    }
}
