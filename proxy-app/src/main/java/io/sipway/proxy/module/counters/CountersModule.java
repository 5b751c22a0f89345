package io.sipway.proxy.module.counters;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;

/**
 * counters (https://kamailio.org/docs/modules/5.6.x/modules/counters.html): script counters. Its
 * functions ({@code cnt_inc}...) and {@code $cnt} are not implemented yet: a script using them is
 * refused at load; loading the module alone, as Kamailio's default script does, is fine.
 */
public final class CountersModule {
    private CountersModule() {
    }

    public static ModuleExports exports(Core core) {
        return ModuleExports.module("counters", "https://kamailio.org/docs/modules/5.6.x/modules/counters.html").build();
    }
}
