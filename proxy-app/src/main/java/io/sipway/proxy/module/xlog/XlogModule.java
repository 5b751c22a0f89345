package io.sipway.proxy.module.xlog;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.ScriptContext;
import io.sipway.cfg.ScriptFunction;
import io.sipway.cfg.ValueSource;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.log.KamailioLevel;
import io.sipway.proxy.log.ScriptLog;
import io.sipway.proxy.log.SyslogFacility;
import io.sipway.proxy.module.Fixups;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import java.util.List;

/**
 * xlog (https://kamailio.org/docs/modules/5.6.x/modules/xlog.html): log lines with pseudo-variables,
 * as xlog.c prints them: {@code xlog(text)} at L_ERR, {@code xlog(level, text)},
 * {@code xlog(facility, level, text)}; the level functions ({@code xdbg} .. {@code xalert}); the
 * {@code l} forms that put the script's line number first. A level is a name whose third
 * character decides ({@code L_ERR}) or a pseudo-variable holding a number; a line is printed when
 * {@code debug=} reaches its level, with xlog's {@code prefix} ({@code "<script>: "}) and the text
 * exactly as written (Kamailio adds no newline).
 */
public final class XlogModule {
    private static final ScriptLog LOG = new ScriptLog("xlog");

    /** The module's parameters as a proxy starts it. */
    private record Settings(String prefix, int facility, boolean longFormat) {
    }

    private static final Settings DEFAULTS = new Settings("<script>: ", SyslogFacility.DEFAULT, false);

    private XlogModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module("xlog", "https://kamailio.org/docs/modules/5.6.x/modules/xlog.html");
        Settings[] settings = {DEFAULTS};
        Object[][] fixed = {{"xdbg", KamailioLevel.DBG}, {"xinfo", KamailioLevel.INFO}, {"xnotice", KamailioLevel.NOTICE},
            {"xwarn", KamailioLevel.WARN}, {"xerr", KamailioLevel.ERR}, {"xbug", KamailioLevel.BUG}, {"xcrit", KamailioLevel.CRIT2},
            {"xalert", KamailioLevel.ALERT}};
        for (Object[] f : fixed) {
            KamailioLevel level = (KamailioLevel) f[1];
            b.fn((String) f[0], 1, 1, ANY, args -> line(core, settings, args, level, false))
                    .summary("logs the text at " + level.label());
        }
        b.fn("xdbgl", 1, 1, ANY, args -> line(core, settings, args, KamailioLevel.DBG, true))
                .summary("logs the script's line number and the text at DEBUG");
        for (String name : new String[] {"xlog", "xlogl"}) {
            boolean withLine = name.equals("xlogl");
            b.fn(name, 1, 3, ANY, args -> line(core, settings, args, KamailioLevel.ERR, withLine)).check(Fixups::xlogArgs)
                    .summary("([facility,] [level,] text): logs " + (withLine ? "the script's line number and " : "")
                            + "the text at the level (ERROR by default)");
        }
        b.param("prefix", ParamExport.Type.STRING, "<script>: ", "what the lines' text follows");
        b.param("log_facility", ParamExport.Type.STRING, "", "the syslog facility of the lines (the core's log_facility when unset)");
        b.param("long_format", ParamExport.Type.INT, "0", "1: xlogl lines give the script's file as well as the line");
        b.paramWithoutEffect("buf_size", ParamExport.Type.INT, "4096", "a line is as long as its text");
        b.paramWithoutEffect("force_color", ParamExport.Type.INT, "0", "log lines are not coloured", "0");
        b.onStart((script, host) -> settings[0] = settings(core));
        return b.build();
    }

    private static Settings settings(Core core) {
        String facilityName = core.modparam("xlog", "log_facility", "");
        int facility = facilityName.isEmpty() ? SyslogFacility.DEFAULT : SyslogFacility.of(facilityName);
        if (!facilityName.isEmpty() && facility < 0) {
            throw new IllegalArgumentException("modparam(\"xlog\", \"log_facility\"): invalid syslog facility " + facilityName
                    + " (" + SyslogFacility.names() + ")");
        }
        return new Settings(core.modparam("xlog", "prefix", DEFAULTS.prefix), facility,
                Format.num(core.modparam("xlog", "long_format", "0")) == 1);
    }

    /**
     * One call: its text is the last argument, its level the one before (else {@code dflt}), its
     * facility the first of three. {@code withLine}: the text follows the call's line number.
     */
    private static ScriptFunction line(Core core, Settings[] settings, List<Arg> args, KamailioLevel dflt, boolean withLine) {
        Format text = Format.of(args.get(args.size() - 1));
        int facility = args.size() == 3 && args.get(0).isConstant() ? SyslogFacility.of(args.get(0).constantString()) : SyslogFacility.DEFAULT;
        Arg levelArg = args.size() > 1 ? args.get(args.size() - 2) : null;
        KamailioLevel fixed = levelArg == null ? dflt : levelArg.isConstant() && !levelArg.constantString().startsWith("$")
                ? KamailioLevel.ofXlogName(levelArg.constantString()) : null;
        ValueSource dynamic = fixed != null ? null : !levelArg.isConstant() ? levelArg
                : levelArg.compilesPseudoVariables() ? levelArg.pseudoVariable(levelArg.constantString()) : null;
        io.sipway.cfg.SourcePos at = args.get(0).at();
        return ctx -> {
            KamailioLevel level = fixed != null ? fixed : levelOf(dynamic, ctx, core);
            if (level == null) {
                return -1;
            }
            if (level.number() > core.debugLevel()) {
                return 1; // above the debug= level: not printed
            }
            Settings s = settings[0];
            String t = text.apply(ctx);
            if (withLine) {
                int n = at == null ? 0 : at.line();
                t = (s.longFormat() ? (at == null ? "" : at.file()) + ":" + n + ":" : n + ":") + t;
            }
            LOG.print(level, facility != SyslogFacility.DEFAULT ? facility : s.facility(), s.prefix(), t);
            return 1;
        };
    }

    /** A level read when the route runs: it must be a number, else xlog reports it and prints nothing. */
    private static KamailioLevel levelOf(ValueSource source, ScriptContext ctx, Core core) {
        Object v = source == null ? null : source.get(ctx);
        if (v instanceof Long n) {
            return KamailioLevel.of(n);
        }
        if (KamailioLevel.ERR.number() <= core.debugLevel()) {
            // Kamailio's words, the value's pv flags included (1: null, 4: a string)
            LOG.print(KamailioLevel.ERR, SyslogFacility.DEFAULT, "xlog [xlog.c:322]: xlog_2_helper(): ",
                    "invalid log level value [" + (v == null ? 1 : 4) + "]\n");
        }
        return null;
    }
}
