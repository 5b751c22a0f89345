package io.sipway.proxy.module;

import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ValueSource;

/**
 * What the language asks of the running core beyond the module tables: the old-style match
 * keywords ({@code method == "INVITE"}), Kamailio's {@code myself}, and the store of {@code $shv}.
 */
public interface CoreLanguage {
    /** The value a match keyword reads, or null when the keyword is not supported (asked once per use, at load). */
    ValueSource matchKeyword(String keyword);

    /** Kamailio's {@code myself} test of a URI or host[:port]. */
    boolean isMyself(ScriptContext ctx, String keyword, Object value);

    /** A select of the message ({@code via[1].branch}), resolved at load; null when not implemented. */
    Pv select(String path);

    /** {@code $shv(name)}'s holder, one per name, found at load. */
    Pv sharedVariable(String name);
}
