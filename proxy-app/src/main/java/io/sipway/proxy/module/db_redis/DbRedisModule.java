package io.sipway.proxy.module.db_redis;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * db_redis (https://kamailio.org/docs/modules/5.6.x/modules/db_redis.html): the redis://[user:pass@]host[:port]/N
 * db_urls, rows stored as Kamailio 5.6's db_redis stores them (io.sipway.proxy.db.RedisDatabase): a
 * hash per row under {@code table:entry::<entry values>}, mapping sets {@code table:<type>::<values>}
 * of entry keys, per the {@code keys} modparam, so that Kamailio and Sipway share the rows. The
 * tables' columns and versions come from the files of {@code schema_path} (Debian:
 * /usr/share/kamailio/db_redis/kamailio) or, when it is not set, from Sipway's copy of Kamailio's
 * standard tables. As in Kamailio, {@code keys} must be given (the module refuses to start without
 * it), a row can only be inserted into a table with an entry key, and raw SQL (sqlops) is refused.
 * Without the module loaded a redis:// db_url is refused at start, as Kamailio's db_bind_mod() refuses it.
 */
public final class DbRedisModule {
    private DbRedisModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("db_redis", "https://kamailio.org/docs/modules/5.6.x/modules/db_redis.html");
        b.param("schema_path", ParamExport.Type.STRING, "/usr/share/kamailio/db_redis/kamailio",
                "the directory of db_redis' table files (one per table: col/type,... then the version);"
                        + " unset: Sipway's copy of Kamailio 5.6's standard tables");
        b.paramChecked("keys", ParamExport.Type.STRING, "",
                "the entry and mapping keys of the tables (table=entry:cols&type:cols;...); each modparam adds to the previous ones",
                DbRedisModule::keysProblem);
        b.paramWithoutEffect("verbosity", ParamExport.Type.INT, "1",
                "the table definitions are not printed on each connection");
        b.onStart((script, host) -> Databases.checkRedisTables(core.modparam("db_redis", "schema_path", ""),
                core.modparams("db_redis", "keys")));
        return b.build();
    }

    /** What db_redis' parser of {@code keys} refuses, or null; the tables are checked against the schema at start. */
    static String keysProblem(String spec) {
        for (String def : spec.split(";")) {
            if (def.isBlank()) {
                continue;
            }
            int eq = def.indexOf('=');
            if (eq < 0) {
                return "invalid table definition '" + def + "', expecting <table>=<type>:<columns>[&<type>:<columns>...]";
            }
            for (String type : def.substring(eq + 1).split("&")) {
                if (type.indexOf(':') < 0) {
                    return "invalid type definition '" + type + "' in '" + def + "', expecting <type>:<columns>";
                }
            }
        }
        return null;
    }
}
