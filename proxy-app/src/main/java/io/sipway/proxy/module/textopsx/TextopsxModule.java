package io.sipway.proxy.module.textopsx;

import io.sipway.proxy.core.Core;
import io.sipway.proxy.module.ModuleExports;

/**
 * textopsx (https://kamailio.org/docs/modules/5.6.x/modules/textopsx.html): more text operations.
 * None of its functions is implemented yet: a script using one is refused at load; loading the
 * module alone, as Kamailio's default script does, is fine.
 */
public final class TextopsxModule {
    private TextopsxModule() {
    }

    public static ModuleExports exports(Core core) {
        return ModuleExports.module("textopsx", "https://kamailio.org/docs/modules/5.6.x/modules/textopsx.html").build();
    }
}
