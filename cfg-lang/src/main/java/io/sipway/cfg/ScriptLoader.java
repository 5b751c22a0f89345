package io.sipway.cfg;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The one way in: preprocess, parse, check and compile a kamailio.cfg against a host. Every
 * problem of the file is in the result's diagnostics; the script is null when any is an error.
 */
public final class ScriptLoader {
    private ScriptLoader() {
    }

    /** What a load gives: the compiled script (null when there were errors), the diagnostics and the tree. */
    public record Result(CompiledScript script, Diagnostics diagnostics, Ast.Script ast) {
        public boolean ok() {
            return script != null;
        }
    }

    /**
     * @param displayName how the file is named in diagnostics (the path as the user gave it)
     * @param defines     {@code -A NAME} (null value) and {@code -A NAME=VALUE}
     */
    public static Result load(Path file, String displayName, Map<String, String> defines, ScriptHost host) {
        Diagnostics d = new Diagnostics();
        Preprocessed p = new Preprocessor(defines, System::getenv, d).run(file, displayName);
        return finish(p, d, host);
    }

    /** The same for a script in memory (tests, tools); includes resolve against {@code baseDir}. */
    public static Result loadText(String text, String displayName, Path baseDir, Map<String, String> defines,
                                  Function<String, String> env, ScriptHost host) {
        Diagnostics d = new Diagnostics();
        Preprocessed p = new Preprocessor(defines, env, d).run(text, displayName, baseDir);
        return finish(p, d, host);
    }

    private static Result finish(Preprocessed p, Diagnostics d, ScriptHost host) {
        Ast.Script ast = AstBuilder.parse(p, d);
        CompiledScript script = new Compiler(host, d, p.mode()).compile(ast);
        return new Result(d.hasErrors() ? null : script, d, ast);
    }
}
