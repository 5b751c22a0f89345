package io.sipway.proxy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SIPp (Debian package sip-tester) as the tests run it: callers and callees on loopback, each with
 * its statistics file, screen and error log in a working directory, and what it saw read back as a
 * {@link SippResult}. {@link #stopAll()} ends every SIPp a test started.
 */
public final class Sipp {
    private static final String LOOPBACK = "127.0.0.1";
    private final String executable;
    private final Path work;
    private final List<Process> peers = new ArrayList<>();

    /** SIPp from the PATH, or null when it is not installed. */
    public static String find() {
        return findOnPath("sipp");
    }

    /**
     * SIPp from the PATH for a class of real-peer tests: without it the class is skipped, unless the
     * environment variable {@code CI} is set: then it fails, because {@code .ci/run} installs sip-tester.
     */
    public static String requireInstalled() {
        String path = find();
        if (path == null) {
            if (System.getenv("CI") != null) {
                org.junit.jupiter.api.Assertions.fail("sipp is not on the PATH but CI is set: install the Debian package sip-tester (.ci/run does)");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "sipp is not on the PATH (Debian package sip-tester): real-peer tests skipped");
        }
        return path;
    }

    public Sipp(String executable, Path work) {
        this.executable = executable;
        this.work = work;
    }

    /** Ends every SIPp started here: TERM, then KILL after 2 s. */
    public void stopAll() throws InterruptedException {
        for (Process p : peers) {
            p.destroy();
        }
        for (Process p : peers) {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        }
        peers.clear();
    }

    public record SippResult(String name, int exitCode, long successful, long failed, Duration responseTime1, String output,
            String errors) {
        public String describe() {
            return "SIPp " + name + ": exit " + exitCode + ", successful " + successful + ", failed " + failed
                    + "\n--- output (tail) ---\n" + tail(output, 3000) + "\n--- errors (head) ---\n" + head(errors, 3000);
        }
    }

    /** A callee on UDP {@code port}; returns once it listens. */
    public Process uas(String name, Path scenario, int port, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-timeout", "30", "-timeout_error"));
        args.addAll(List.of(options));
        Process p = start(name, scenario, "u1", port, null, args);
        awaitUdpBound(port, p);
        return p;
    }

    /** A caller from {@code localPort} to the proxy on {@code proxyPort}: {@code calls} calls at {@code rate}/s. */
    public SippResult call(String name, Path scenario, String transport, int localPort, int proxyPort, int calls, int rate,
            Duration limit) throws IOException, InterruptedException {
        return call(name, scenario, "service", transport, localPort, proxyPort, calls, rate, limit);
    }

    /** The same, calling user {@code service} ({@code -s}). */
    public SippResult call(String name, Path scenario, String service, String transport, int localPort, int proxyPort, int calls,
            int rate, Duration limit) throws IOException, InterruptedException {
        Process p = start(name, scenario, transport, localPort, LOOPBACK + ":" + proxyPort,
                List.of("-s", service, "-m", Integer.toString(calls), "-r", Integer.toString(rate), "-rp", "1000",
                        "-l", Integer.toString(Math.max(calls, 10)), "-d", "0",
                        "-timeout", Long.toString(limit.toSeconds()), "-timeout_error"));
        return finish(name, p, limit.plusSeconds(5));
    }

    public Process start(String name, Path scenario, String transport, int localPort, String remote, List<String> options)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(executable, "-sf", scenario.toString()));
        if (remote != null) {
            cmd.add(remote);
        }
        cmd.addAll(List.of("-i", LOOPBACK, "-p", Integer.toString(localPort), "-t", transport,
                "-max_socket", "2000")); // tn opens one connection per call; the default 50000 exceeds ulimit -n here
        cmd.addAll(options);
        return launch(name, cmd);
    }

    /**
     * SIPp with the arguments a user types (README's commands), plus what a test needs to read the
     * outcome back: no keyboard, the statistics file and the error log.
     */
    public Process startAsTyped(String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(executable));
        cmd.addAll(args);
        return launch(name, cmd);
    }

    private Process launch(String name, List<String> cmd) throws IOException {
        List<String> full = new ArrayList<>(cmd);
        full.addAll(List.of("-nostdin",
                "-trace_stat", "-stf", work.resolve(name + ".csv").toString(), "-fd", "1",
                "-trace_err", "-error_file", work.resolve(name + ".errors").toString()));
        Process p = new ProcessBuilder(full).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile()).start();
        peers.add(p);
        return p;
    }

    /** Waits for SIPp to exit (killing it after {@code limit}) and reads its final statistics. */
    public SippResult finish(String name, Process p, Duration limit) throws IOException, InterruptedException {
        boolean exited = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            p.destroy();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        }
        String output = readIfExists(work.resolve(name + ".out"));
        String errors = readIfExists(work.resolve(name + ".errors"));
        if (!exited) {
            errors = "killed after " + limit.toSeconds() + " s\n" + errors;
        }
        Map<String, String> stats = lastStatRow(readIfExists(work.resolve(name + ".csv")));
        long ok = counter(stats.get("SuccessfulCall(C)"), output, "Successful call");
        long failed = counter(stats.get("FailedCall(C)"), output, "Failed call");
        Duration rt1 = sippDuration(stats.get("ResponseTime1(C)"));
        return new SippResult(name, exited ? p.exitValue() : -1, ok, failed, rt1, output, errors);
    }

    /** -trace_stat: a header row of names and one row per period, ';'-separated; the last row is final. */
    private static Map<String, String> lastStatRow(String csv) {
        List<String> rows = csv.lines().filter(l -> !l.isBlank()).toList();
        Map<String, String> row = new LinkedHashMap<>();
        if (rows.size() < 2) {
            return row;
        }
        String[] names = rows.get(0).split(";", -1);
        String[] values = rows.get(rows.size() - 1).split(";", -1);
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
            row.put(names[i].trim(), values[i].trim());
        }
        return row;
    }

    /** The CSV value, else the cumulative column of SIPp's final statistics screen, else -1. */
    private static long counter(String csvValue, String screen, String label) {
        if (csvValue != null && csvValue.matches("\\d+")) {
            return Long.parseLong(csvValue);
        }
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)").matcher(screen);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** SIPp's HH:MM:SS:micros. */
    private static Duration sippDuration(String value) {
        if (value == null || !value.matches("\\d+:\\d+:\\d+:\\d+")) {
            return Duration.ofDays(1);
        }
        String[] f = value.split(":");
        return Duration.ofHours(Long.parseLong(f[0])).plusMinutes(Long.parseLong(f[1])).plusSeconds(Long.parseLong(f[2]))
                .plusNanos(Long.parseLong(f[3]) * 1000);
    }


    static String findOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Linux: until /proc/net/udp lists 127.0.0.1:port; elsewhere a fixed half second. */
    public static void awaitUdpBound(int port, Process owner) throws IOException, InterruptedException {
        Path table = Path.of("/proc/net/udp");
        if (!Files.isReadable(table)) {
            Thread.sleep(500);
            return;
        }
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                return; // its exit code and output tell why
            }
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 1 && f[1].equals(local)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }

    private static String readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }

    private static String head(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
