package io.sipway.proxy.media;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser phone: headless Chromium (Debian's chromium) running JsSIP on a page this class serves
 * ({@code src/test/browser/phone.html}), with a fake microphone. The page registers over the
 * WebSocket URL it is given, answers the call it gets or places one, and posts what happens and its
 * WebRTC audio statistics ({@code getStats()}) back here, one JSON object per report.
 */
final class BrowserPhone implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The page and JsSIP's npm package (bundled for the browser by esbuild) live beside the tests. */
    static final Path PAGE_DIR = Path.of("src/test/browser");
    private static final Path BUNDLE = PAGE_DIR.resolve("node_modules/.bundle/jssip.js");
    private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":(-?\\d+)");
    private static final Pattern TEXT = Pattern.compile("\"(\\w+)\":\"([^\"]*)\"");

    private final HttpServer server;
    private final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private Process chromium;
    /** Chromium's profile: its own temporary directory, removed once every Chromium process has exited. */
    private Path profile;

    private BrowserPhone(HttpServer server) {
        this.server = server;
    }

    static boolean installed() {
        return Files.isExecutable(CHROMIUM);
    }

    /** JsSIP bundled for the page, made with npm when it is not there yet (npm ci, then esbuild); false without npm. */
    static synchronized boolean bundle() throws IOException, InterruptedException {
        if (Files.isRegularFile(BUNDLE)) {
            return true;
        }
        for (List<String> step : List.of(List.of("npm", "ci", "--no-audit", "--no-fund"), List.of("npm", "run", "bundle"))) {
            Process p;
            try {
                p = new ProcessBuilder(step).directory(PAGE_DIR.toFile()).redirectErrorStream(true).start();
            } catch (IOException noNpm) {
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", step) + " failed in " + PAGE_DIR + ":\n" + out);
            }
        }
        return Files.isRegularFile(BUNDLE);
    }

    /** Serves the page on a free loopback port. */
    static BrowserPhone serve() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        BrowserPhone phone = new BrowserPhone(s);
        s.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                if (ex.getRequestMethod().equals("POST") && path.equals("/report")) {
                    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    phone.seen.add(body);
                    phone.reports.add(body);
                    ex.sendResponseHeaders(204, -1);
                    return;
                }
                Path file = switch (path) {
                    case "/phone.html" -> PAGE_DIR.resolve("phone.html");
                    case "/jssip.js" -> BUNDLE;
                    default -> null;
                };
                if (file == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] bytes = Files.readAllBytes(file);
                ex.getResponseHeaders().set("Content-Type", path.endsWith(".html") ? "text/html" : "text/javascript");
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(bytes);
                }
            }
        });
        s.start();
        return phone;
    }

    /**
     * Opens the page in a new headless Chromium: registers as {@code user}@{@code domain} over
     * {@code ws}, then calls {@code call} when it is not null, else answers.
     */
    void open(String ws, String user, String domain, String call) throws IOException {
        StringBuilder url = new StringBuilder("http://127.0.0.1:" + server.getAddress().getPort() + "/phone.html?");
        Map<String, String> q = new java.util.LinkedHashMap<>();
        q.put("ws", ws);
        q.put("user", user);
        q.put("domain", domain);
        if (call != null) {
            q.put("call", call);
        }
        q.forEach((k, v) -> url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        profile = Files.createTempDirectory("sipway-chromium-" + user + "-");
        // as root in a container: no sandbox; no background networking (this machine's network is closed);
        // loopback ICE candidates, a fake microphone allowed without asking, the test's own certificate taken
        chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-crash-reporter", "--disable-breakpad",
                "--user-data-dir=" + profile, "--allow-loopback-in-peer-connection", "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream", "--ignore-certificate-errors", url.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The next report of that event, or an error saying what came instead. */
    String await(String event, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String r = left <= 0 ? null : reports.poll(left, TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("the browser did not report \"" + event + "\" within " + timeout + "; it reported: " + seen);
            }
            if (text(r, "event").equals(event)) {
                return r;
            }
        }
    }

    /** A number of a report ({@code packetsReceived}), or -1. */
    static long number(String report, String key) {
        Matcher m = NUMBER.matcher(report);
        while (m.find()) {
            if (m.group(1).equals(key)) {
                return Long.parseLong(m.group(2));
            }
        }
        return -1;
    }

    /** A text of a report ({@code dtlsState}), or "". */
    static String text(String report, String key) {
        Matcher m = TEXT.matcher(report);
        while (m.find()) {
            if (m.group(1).equals(key)) {
                return m.group(2);
            }
        }
        return "";
    }

    @Override
    public void close() {
        if (chromium != null) {
            // its renderer, GPU and utility processes write to the profile too: all of them end first
            List<ProcessHandle> all = new java.util.ArrayList<>(chromium.descendants().toList());
            all.add(chromium.toHandle());
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : all) {
                try {
                    p.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception stillThere) {
                    // a process that will not exit keeps its files; the directory is left behind
                }
            }
        }
        server.stop(0);
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // best effort: a temporary directory left behind harms no later run
            }
        }
    }
}
