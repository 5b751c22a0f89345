package io.sipway.proxy.core;

/**
 * The module functions and pseudo-variables beyond the relay core that RuntimeHost registers
 * itself (textops, siputils, rr extras, sanity, pv extras...), one registration per module.
 */
final class ModuleFunctions {
    private ModuleFunctions() {
    }

    static void register(RuntimeHost.Registry r) {
        // modules register here, e.g. TextopsModule.register(r);
        TextopsModule.register(r);
        SiputilsModule.register(r);
        SanityModule.register(r);
        RrModule.register(r);
        PvModule.register(r);
        RegistrarModule.register(r);
        NathelperModule.register(r);
    }
}
