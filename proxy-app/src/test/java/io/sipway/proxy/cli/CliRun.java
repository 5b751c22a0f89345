package io.sipway.proxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the {@code sipway} command line in the test's JVM: its exit status and what it wrote to stderr. */
record CliRun(int exitCode, String err) {
    static CliRun sipway(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new CliRun(code, err.toString());
    }
}
