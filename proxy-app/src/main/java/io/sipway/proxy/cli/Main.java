package io.sipway.proxy.cli;

import io.sipway.cfg.ScriptLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The {@code sipway} command line, with Kamailio's flags where Kamailio has them:
 * {@code sipway -c -f kamailio.cfg -A WITH_NAT} checks a script the way {@code kamailio -c} does.
 */
@Command(
        name = "sipway",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A Kamailio-compatible SIP proxy.",
        subcommands = {ParseCommand.class, RpcCommand.class, ModulesCommand.class, DbCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-c", description = "Check the script (syntax, modules, functions, routes, pseudo-variables) and exit, like kamailio -c.")
    boolean check;

    @Option(names = "-f", paramLabel = "FILE", description = "The routing script (default: ${DEFAULT-VALUE}).")
    Path file = Path.of("/etc/kamailio/kamailio.cfg");

    @Option(names = "-A", paramLabel = "NAME[=VALUE]", description = "Define NAME for #!ifdef (and as a token with VALUE), like kamailio -A.")
    List<String> defines = new ArrayList<>();

    @Option(names = "-l", paramLabel = "LISTEN", description = "An extra listener, as listen= writes it (may repeat).")
    List<String> listens = new ArrayList<>();

    @Option(names = "--rpc-listen", paramLabel = "ADDR:PORT|off",
            description = "Where JSON-RPC (POST /RPC, as Kamailio's jsonrpcs) and Prometheus metrics (GET /metrics) are served;"
                    + " off for neither (default: ${DEFAULT-VALUE}).")
    String rpcListen = DEFAULT_RPC_LISTEN;

    /** The operations endpoint's default address: loopback only, as Kamailio's ctl socket is local. */
    static final String DEFAULT_RPC_LISTEN = "127.0.0.1:5089";

    @Option(names = {"-D", "-DD"}, description = "Stay in the foreground (Sipway always does; accepted for Kamailio's command lines).")
    boolean[] foreground = new boolean[0];

    @Option(names = "-E", description = "Log to standard error rather than to syslog, like kamailio -E (as log_stderror=yes does).")
    boolean stderr;

    @Option(names = {"-n", "-M", "-L"}, paramLabel = "VALUE",
            description = "Kamailio's process count, private memory and module path: accepted and ignored (one process; modules are built in).")
    List<String> ignored = new ArrayList<>();

    @Option(names = "-m", paramLabel = "MB",
            description = "Kamailio's shared memory size: the memory Sipway's transactions may hold, in MB (default: half the JVM's heap;"
                    + " the sipway launcher sizes the heap from it). At the bound new requests are refused, as Kamailio's are when"
                    + " shared memory runs out.")
    String sharedMemory;

    /** BouncyCastle's JSSE provider reports its settings through java.util.logging at INFO and WARNING: noise on every start. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("sipway");
    private static final java.util.logging.Logger BOUNCY_CASTLE = java.util.logging.Logger.getLogger("org.bouncycastle");

    public static void main(String[] args) {
        BOUNCY_CASTLE.setLevel(java.util.logging.Level.SEVERE);
        // Netty's leak detector follows one buffer in 128 and records a stack trace at each of its
        // touches: a debugging aid that costs every relayed packet. The proxy runs without it unless
        // asked (-Dio.netty.leakDetection.level=...); the tests, which call run(), keep Netty's default.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (for tests: no System.exit). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line, ready to execute (tests set its output and error writers first). */
    public static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionStrategy(parsed -> {
            if (parsed.subcommand() == null && main.check) {
                PrintWriter err = cl.getErr();
                int status = main.checkScript(err);
                err.flush();
                return status;
            }
            if (parsed.subcommand() == null && parsed.hasMatchedOption("-f")) {
                return main.runProxy(cl.getErr());
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }

    /** Without -c (running a script arrives with the proxy core), the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code -c}: prints every diagnostic with its file:line:col and a caret; exit status 0 when the script is valid. */
    int checkScript(PrintWriter err) {
        if (!Files.isReadable(file)) {
            err.println("sipway: cannot read " + file);
            return 1;
        }
        ScriptLoader.Result r = ScriptLoader.load(file, file.toString(), defineMap(), io.sipway.proxy.Modules.host(new io.sipway.proxy.core.Core()));
        err.print(r.diagnostics().render());
        if (!r.ok()) {
            err.println("ERROR: bad config file (" + r.diagnostics().errorCount() + " errors)");
            return 1;
        }
        err.println("config file ok, exiting...");
        return 0;
    }

    /** {@code -f FILE}: runs the proxy until SIGTERM (or Ctrl-C), then closes its listeners. */
    int runProxy(PrintWriter err) {
        long budget = 0;
        if (sharedMemory != null) {
            try {
                budget = MemorySize.megabytes(sharedMemory);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                return 1;
            }
        }
        io.sipway.proxy.Proxy proxy;
        try {
            proxy = io.sipway.proxy.Proxy.start(file, defineMap(), listens);
        } catch (io.sipway.proxy.ProxyStartException e) {
            err.println(e.getMessage());
            err.flush();
            return 1;
        }
        applyDebugLevel(proxy.debugLevel());
        if (budget > 0) {
            long heapHalf = Runtime.getRuntime().maxMemory() / 2;
            if (budget > heapHalf) {
                LOG.warn("-m {}: more than half the JVM's heap ({} MB): transactions may exhaust it first; run with -Xmx of at least twice -m",
                        sharedMemory, Runtime.getRuntime().maxMemory() >> 20);
            }
            proxy.transactions().limit(budget);
        }
        System.out.print(proxy.banner());
        System.out.println();
        System.out.flush();
        io.sipway.proxy.ops.OpsServer ops = null;
        if (!rpcListen.equalsIgnoreCase("off")) {
            int colon = rpcListen.lastIndexOf(':');
            try {
                String host = rpcListen.substring(0, Math.max(0, colon)).replaceAll("^\\[|]$", "");
                ops = io.sipway.proxy.ops.OpsServer.start(proxy,
                        new java.net.InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, Integer.parseInt(rpcListen.substring(colon + 1))));
            } catch (java.io.IOException | RuntimeException e) {
                LOG.error("RPC and metrics are off: cannot listen on {} ({})", rpcListen, e.toString());
            }
        }
        io.sipway.proxy.ops.OpsServer opsServer = ops;
        err.println("sipway " + new Version().getVersion()[0].substring(7) + " running " + file + " on " + String.join(", ", proxy.listeners()));
        String logs = io.sipway.proxy.log.LogSinks.apply(proxy.logSettings(), stderr);
        if (logs != null) {
            err.println(logs);
        }
        err.flush();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            if (opsServer != null) {
                opsServer.close();
            }
            int unanswered = proxy.shutdown(SHUTDOWN_BOUND);
            if (unanswered > 0) {
                LOG.warn("stopped with {} transaction(s) still unanswered after {} s", unanswered, SHUTDOWN_BOUND.toSeconds());
            }
            LOG.info("Thank you for flying sipway!!!");
            io.sipway.proxy.log.LogSinks.flush();
        };
        java.util.concurrent.CountDownLatch signalled = new java.util.concurrent.CountDownLatch(1);
        // SIGTERM and SIGINT stop the proxy here and the process exits 0, as Kamailio's does; any other
        // way the JVM goes down (SIGHUP, the handlers unavailable) still stops it cleanly, by the hook
        TerminationSignals.handle(signalled::countDown);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            signalled.countDown();
        }, "sipway-shutdown"));
        try {
            signalled.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop.run();
        return 0;
    }

    /**
     * Kamailio's debug= as the log level: 3 and up DEBUG, 2 INFO, 0 and 1 WARN (NOTICE has no
     * level of its own here), below 0 ERROR. xlog keeps its own filter by Kamailio's levels.
     */
    static void applyDebugLevel(int debug) {
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(debug >= 3 ? ch.qos.logback.classic.Level.DEBUG : debug == 2 ? ch.qos.logback.classic.Level.INFO
                    : debug >= 0 ? ch.qos.logback.classic.Level.WARN : ch.qos.logback.classic.Level.ERROR);
        }
    }

    private Map<String, String> defineMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String d : defines) {
            int eq = d.indexOf('=');
            map.put(eq < 0 ? d : d.substring(0, eq), eq < 0 ? null : d.substring(eq + 1));
        }
        return map;
    }

    /** How long SIGTERM lets transactions in progress end before the listeners close. */
    static final java.time.Duration SHUTDOWN_BOUND = java.time.Duration.ofSeconds(5);

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sipway " + (v == null ? "development build" : v)};
        }
    }
}
