package io.sipway.proxy.module.usrloc;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * usrloc (https://kamailio.org/docs/modules/5.6.x/modules/usrloc.html): the location tables
 * registrar writes and reads ({@code io.sipway.proxy.location}); no script functions. With
 * {@code db_mode} 1 to 3 the tables are kept in the database of {@code db_url} ({@link Usrloc}).
 */
public final class UsrlocModule {
    private UsrlocModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("usrloc", "https://kamailio.org/docs/modules/5.6.x/modules/usrloc.html");
        Usrloc usrloc = new Usrloc(core);
        b.param("use_domain", ParamExport.Type.INT, "0", "registrar: 1 keys the location table by user@domain, 0 by user");
        b.param("db_url", ParamExport.Type.STRING, Usrloc.DEFAULT_DB_URL, "db_mode 1..3: the database of the location table");
        b.paramOnly("db_mode", ParamExport.Type.INT, "0", "0: memory only; 1: each change written to the table before save() "
                + "returns (save() and unregister() then wait); 2: changes written every timer_interval and at stop; 3: no memory, every "
                + "save/lookup is a query (registrar's functions then wait); 1 and 2 load the table at start (4, read-only, is not implemented)", "0", "1", "2", "3");
        b.param("timer_interval", ParamExport.Type.INT, "60", "db_mode 1..3: seconds between the writes of mode 2, the retries of "
                + "mode 1 and the deletion of expired rows (memory expires bindings by itself)");
        b.param("server_id_filter", ParamExport.Type.INT, "0", "1: db_mode 1 and 2 load only the rows with this instance's"
                + " server_id (core parameter), and the timer deletes as expired only those: in a cluster sharing the table each"
                + " row is cleaned by the instance that wrote it");
        b.param("db_timer_clean", ParamExport.Type.INT, "0", "db_mode 1 and 2: 1 makes the timer delete every expired row of the"
                + " table, not only those of the bindings this instance holds (db_mode 3 always does)");
        b.paramWithoutEffect("timer_procs", ParamExport.Type.INT, "0", "one usrloc thread does the timer's work");
        b.paramWithoutEffect("nat_bflag", ParamExport.Type.INT, "-1", "Sipway keeps no NAT flag per binding (nathelper pings are not implemented)");
        b.rpc("ul.dump", "the registrations of every location table", params -> UlDump.dump(core));
        b.onStart((script, host) -> usrloc.start());
        return b.build();
    }

    /** usrloc's db_mode in {@code script} (0 when not set): 1 and 3 make registrar's functions wait on the database. */
    public static long dbMode(CompiledScript script) {
        return dbMode(script.modParams());
    }

    /** usrloc's db_mode in these modparam lines (0 when not set). */
    public static long dbMode(java.util.List<Ast.ModParam> modParams) {
        String mode = "0";
        for (Ast.ModParam p : modParams) {
            if (p.module().equals("usrloc") && p.param().equals("db_mode")) {
                mode = String.valueOf(p.value()).trim();
            }
        }
        try {
            return Long.parseLong(mode);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
