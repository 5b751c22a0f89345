package io.sipway.proxy.core;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import java.util.ArrayList;
import java.util.List;

/** A script's modparam values, read as Kamailio's modules read theirs at load. */
final class ModParams {
    private ModParams() {
    }

    /** The value last written for the module as text, or {@code def}; {@code "a|b"} writes it for both. */
    static String text(CompiledScript script, String module, String param, String def) {
        String v = def;
        if (script != null) {
            for (Ast.ModParam p : script.modParams()) {
                if (names(p, module, param)) {
                    v = String.valueOf(p.value());
                }
            }
        }
        return v;
    }

    /** Every value written for the module, in the script's order. */
    static List<String> all(CompiledScript script, String module, String param) {
        List<String> out = new ArrayList<>();
        if (script != null) {
            for (Ast.ModParam p : script.modParams()) {
                if (names(p, module, param)) {
                    out.add(String.valueOf(p.value()));
                }
            }
        }
        return out;
    }

    /** An integer modparam's value (the last one written wins), or the module's default. */
    static long number(CompiledScript script, String module, String param, long dflt) {
        long v = dflt;
        for (Ast.ModParam p : script.modParams()) {
            if (p.module().equals(module) && p.param().equals(param) && p.value() instanceof Long n) {
                v = n;
            }
        }
        return v;
    }

    private static boolean names(Ast.ModParam p, String module, String param) {
        return p.param().equals(param) && (p.module().equals(module) || List.of(p.module().split("\\|")).contains(module));
    }
}
