package io.sipway.proxy.module.exec;

import static io.sipway.proxy.module.Routes.ANY;
import static io.sipway.proxy.module.Routes.F;
import static io.sipway.proxy.module.Routes.L;
import static io.sipway.proxy.module.Routes.R;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.proxy.core.Core;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * exec (https://kamailio.org/docs/modules/5.6.x/modules/exec.html): shell commands from the script, run
 * as popen runs them ({@code /bin/sh -c command}) by {@link ShellCommand}. Every function waits for its
 * command, so the routes that call them run on the workers, never on an event loop.
 *
 * <ul>
 * <li>{@code exec_dset(cmd)}: runs {@code cmd 'R-URI'}; the first line of its output becomes the
 * Request-URI, each further one a branch. -1 when it prints no line or exits with a status other than 0.</li>
 * <li>{@code exec_msg(cmd)}: the request as received on the command's standard input; its output goes to
 * the proxy's. -1 when it exits with a status other than 0.</li>
 * <li>{@code exec_avp(cmd[, "$avp(a);$avp(b)"])}: each line of the output into an AVP as a string (the
 * ones named, then integer names counting lines from 1). -1 when it exits with a status other than 0
 * (the AVPs are set all the same).</li>
 * <li>{@code exec_cmd(cmd)}: runs it with its output pipe closed unread, as pclose() right after popen()
 * does: 1, or -1 for a status other than 0 and for a command that writes to it (SIGPIPE), as
 * {@code exec_cmd("echo hi")} under Kamailio 5.6.3.</li>
 * </ul>
 * Lines are read as fgets reads them into Kamailio's 1 KiB buffer (at most 1023 characters each, a
 * longer line making several), trailing blanks and line ends cut, empty lines skipped. The first three
 * functions give the command the message's environment variables ({@link ExecEnv}) unless
 * {@code setvars=0}.
 *
 * <p>Bounds Kamailio does not have, so that a command cannot hold a worker or the heap: output beyond
 * 64 KiB ends the command (killed, -1); {@code time_to_kill} seconds (0: no limit, Kamailio's default;
 * Kamailio 5.6 documents it but does not apply it to popen'ed commands) end a command that runs longer (-1).
 */
public final class ExecModule {
    private static final String M = "exec";

    private ExecModule() {
    }

    public static ModuleExports exports(Core core) {
        ModuleExports.Builder b = ModuleExports.module(M, "https://kamailio.org/docs/modules/5.6.x/modules/exec.html");
        b.param("setvars", ParamExport.Type.INT, "1", "1: the commands of exec_dset, exec_msg and exec_avp get the message's SIP_* variables");
        b.param("time_to_kill", ParamExport.Type.INT, "0", "seconds a command may run before it is killed (0: no limit)");
        b.param("bash_safety", ParamExport.Type.INT, "1", "1: a header value starting \"() {\" loses its first two characters in SIP_HF_*");
        Settings s = new Settings(core);

        b.fn("exec_dset", 1, 1, R | F, args -> {
            Format cmd = Format.of(args.get(0));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                String uri = m.requestUri();
                String line = cmd.apply(ctx) + (uri == null || uri.isEmpty() ? "" : " '" + uri + "'");
                ShellCommand.Result r = ShellCommand.run(line, s.env(m), null, true, s.timeoutMs());
                int n = 0;
                for (String l : r.lines()) {
                    if (n == 0) {
                        m.ruri = l;
                    } else {
                        m.branches.add(new String[] {l, null});
                    }
                    n++;
                }
                return n > 0 && r.ok() ? 1 : -1;
            };
        }).x().mayWait().summary("runs the command with the R-URI as its argument; its output lines become the R-URI and branches");
        b.fn("exec_msg", 1, 1, R | F | L, args -> {
            Format cmd = Format.of(args.get(0));
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                return ShellCommand.run(cmd.apply(ctx), s.env(m), m.msg.toBytes(), false, s.timeoutMs()).ok() ? 1 : -1;
            };
        }).x().mayWait().summary("runs the command with the message on its standard input: 1 when it exits with 0");
        b.fn("exec_avp", 1, 2, R | F | L, args -> {
            Format cmd = Format.of(args.get(0));
            List<String> names = args.size() > 1 ? avpNames(args.get(1)) : List.of();
            return ctx -> {
                MsgContext m = (MsgContext) ctx;
                ShellCommand.Result r = ShellCommand.run(cmd.apply(ctx), s.env(m), null, true, s.timeoutMs());
                int i = 0;
                for (String l : r.lines()) {
                    m.avps().add(i < names.size() ? names.get(i) : "i:" + (i + 1), l);
                    i++;
                }
                return r.ok() ? 1 : -1;
            };
        }).x().mayWait().summary("runs the command; each line of its output goes to an AVP (named, or i:1, i:2...)");
        b.fn("exec_cmd", 1, 1, ANY, args -> {
            Format cmd = Format.of(args.get(0));
            return ctx -> ShellCommand.run(cmd.apply(ctx), null, null, false, s.timeoutMs()).ok() ? 1 : -1;
        }).x().mayWait().summary("runs the command, its output unread: 1 when it exits with 0 (a command writing output dies of SIGPIPE: -1)");
        return b.build();
    }

    /** The modparams, read when first needed (a function's fixup runs before the proxy starts). */
    private static final class Settings {
        private final Core core;

        Settings(Core core) {
            this.core = core;
        }

        Map<String, String> env(MsgContext m) {
            if (core.modparam(M, "setvars", "1").trim().equals("0")) {
                return null;
            }
            return ExecEnv.of(m, !core.modparam(M, "bash_safety", "1").trim().equals("0"));
        }

        long timeoutMs() {
            try {
                return Math.max(0, Long.parseLong(core.modparam(M, "time_to_kill", "0").trim())) * 1000;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /** parse_pvname_list: AVPs separated by blanks, commas or semicolons; their names as $avp keeps them. */
    private static List<String> avpNames(Arg a) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "the AVP list must be written as a string");
        }
        List<String> out = new ArrayList<>();
        for (String p : a.constantString().trim().split("[\\s,;]+")) {
            if (p.isEmpty()) {
                continue;
            }
            if (!p.startsWith("$avp(") || !p.endsWith(")")) {
                throw new FunctionSpec.BadArgument(a, "bad format in P2 [" + a.constantString() + "]: $avp(name) expected, not " + p);
            }
            String inner = p.substring(5, p.length() - 1);
            if (inner.isEmpty() || inner.contains("$")) {
                throw new FunctionSpec.BadArgument(a, "bad AVP name " + p);
            }
            out.add(inner.startsWith("s:") ? inner.substring(2) : inner);
        }
        if (out.isEmpty()) {
            throw new FunctionSpec.BadArgument(a, "bad format in P2 [" + a.constantString() + "]");
        }
        return out;
    }
}
