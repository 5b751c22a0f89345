package io.sipway.proxy.module.acc;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * acc (https://kamailio.org/docs/modules/5.6.x/modules/acc.html): accounting. Sipway writes no
 * accounting records yet; the parameters Kamailio's default script sets are accepted with a warning
 * saying so (`sipway -c` prints it), and the acc functions are refused at load.
 */
public final class AccModule {
    private AccModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("acc", "https://kamailio.org/docs/modules/5.6.x/modules/acc.html");
        String none = "Sipway writes no accounting records yet";
        for (String p : new String[] {"log_flag", "log_missed_flag", "failed_transaction_flag"}) {
            b.paramWithoutEffect(p, ParamExport.Type.INT, "-1", none);
        }
        for (String p : new String[] {"report_ack", "report_cancels", "early_media", "detect_direction"}) {
            b.paramWithoutEffect(p, ParamExport.Type.INT, "0", none);
        }
        b.paramWithoutEffect("log_extra", ParamExport.Type.STRING, "", none);
        b.paramWithoutEffect("log_level", ParamExport.Type.INT, "1", none);
        b.paramWithoutEffect("log_facility", ParamExport.Type.STRING, "LOG_DAEMON", none);
        return b.build();
    }
}
