package io.sipway.proxy.module.xlog;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** xlog (https://kamailio.org/docs/modules/5.6.x/modules/xlog.html): log lines with pseudo-variables. */
public final class XlogModule {
    private static final Logger XLOG = LoggerFactory.getLogger("xlog");
    /** A level written as a number, as a run-time level is read; compiled once, not for every line logged. */
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");

    private XlogModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("xlog", "https://kamailio.org/docs/modules/5.6.x/modules/xlog.html");
        for (String[] level : new String[][] {{"xlog", "L_INFO"}, {"xdbg", "L_DBG"}, {"xinfo", "L_INFO"}, {"xnotice", "L_NOTICE"},
                {"xwarn", "L_WARN"}, {"xerr", "L_ERR"}}) {
            boolean full = level[0].equals("xlog");
            b.fn(level[0], 1, full ? 3 : 1, ANY, args -> {
                // xlog([facility,] [level,] text): the level is the argument before the text
                Arg levelArg = args.size() > 1 ? args.get(args.size() - 2) : args.get(0);
                String lvl = args.size() > 1 ? levelArg.constantString() : level[1];
                // a level from a pseudo-variable ("$var(level)") is read when the line is logged
                Format dynamicLevel = lvl.startsWith("$") ? Format.of(levelArg) : null;
                int fixed = dynamicLevel == null ? kamailioLevel(lvl, levelArg) : 0;
                Format text = Format.of(args.get(args.size() - 1));
                return ctx -> {
                    int n = dynamicLevel == null ? fixed : levelOf(dynamicLevel.apply(ctx));
                    if (n > core.debug()) {
                        return 1; // above the debug= level: Kamailio does not print it
                    }
                    String line = text.apply(ctx);
                    line = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
                    if (n < 0) {
                        XLOG.error(line);
                    } else if (n == 0) {
                        XLOG.warn(line);
                    } else if (n < 3) {
                        XLOG.info(line);
                    } else {
                        XLOG.debug(line);
                    }
                    return 1;
                };
            }).check(full ? Fixups::xlogArgs : a -> { }).summary(full ? "logs the text at the level (L_INFO by default)"
                    : "logs the text at " + level[1]);
        }
        return b.build();
    }

    /** A level read when the route runs: its name, or a number; anything else logs at L_ERR, as Kamailio's xlog. */
    private static int levelOf(String v) {
        String t = v == null ? "" : v.trim();
        if (NUMBER.matcher(t).matches()) {
            return Integer.parseInt(t);
        }
        try {
            return kamailioLevel(t, null);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Kamailio's log level numbers: L_ALERT -5, L_BUG -4, L_CRIT2 -3, L_CRIT -2, L_ERR -1, L_WARN 0, L_NOTICE 1, L_INFO 2, L_DBG 3. */
    private static int kamailioLevel(String name, Arg at) {
        return switch (name) {
            case "L_ALERT" -> -5;
            case "L_BUG" -> -4;
            case "L_CRIT2" -> -3;
            case "L_CRIT" -> -2;
            case "L_ERR" -> -1;
            case "L_WARN" -> 0;
            case "L_NOTICE" -> 1;
            case "L_INFO" -> 2;
            case "L_DBG" -> 3;
            default -> throw new FunctionSpec.BadArgument(at, "log level " + name
                    + " is not one of L_ALERT, L_BUG, L_CRIT2, L_CRIT, L_ERR, L_WARN, L_NOTICE, L_INFO, L_DBG");
        };
    }
}
