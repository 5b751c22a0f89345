package io.sipway.proxy.module;

import io.sipway.cfg.Transformation;
import io.sipway.cfg.ValueSource;
import java.util.List;

/**
 * One transformation a module offers ({@code {uri.user}}, {@code {param.value,name}}): its name, how
 * many parameters it takes, and how it is compiled once, when the script is loaded.
 */
public record TransformationExport(String name, int minParams, int maxParams, Compiler compiler) {

    /**
     * Compiles one use with its parameters; {@code pvs} resolves a pseudo-variable written inside a
     * parameter ({@code $var(x)} in a re.subst replacement), null for an unknown one. Throws
     * IllegalArgumentException with a message for a person.
     */
    @FunctionalInterface
    public interface Compiler {
        Transformation compile(String name, List<ValueSource> params, java.util.function.Function<String, ValueSource> pvs);
    }
}
