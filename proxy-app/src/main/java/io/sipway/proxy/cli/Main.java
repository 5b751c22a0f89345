package io.sipway.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sipway} command line. */
@Command(
        name = "sipway",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A Kamailio-compatible SIP proxy.",
        subcommands = {ParseCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (for tests: no System.exit). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sipway " + (v == null ? "development build" : v)};
        }
    }
}
