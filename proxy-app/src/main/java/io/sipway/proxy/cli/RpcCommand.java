package io.sipway.proxy.cli;

import io.sipway.proxy.module.jsonrpcs.JsonText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sipway rpc METHOD [ARGS...]}: one JSON-RPC call to a running Sipway (or to Kamailio's
 * jsonrpcs over HTTP), as kamcmd makes one: arguments that are whole numbers go as numbers, an
 * {@code s:} prefix keeps one a string. Prints the result indented; an error goes to standard
 * error with exit status 1.
 */
@Command(name = "rpc", mixinStandardHelpOptions = true,
        description = "Call a JSON-RPC method of a running Sipway (core.version, core.uptime, stats.get_statistics all,"
                + " tm.stats, ul.dump, core.tcp_list, system.listMethods).")
final class RpcCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = "Where the proxy answers JSON-RPC (default: ${DEFAULT-VALUE}).")
    String url = "http://" + Main.DEFAULT_RPC_LISTEN + "/RPC";

    @Parameters(index = "0", paramLabel = "METHOD", description = "The method, e.g. core.version.")
    String method;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Its parameters (s:TEXT for a string that looks like a number).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        request.put("params", params(args));
        request.put("id", 1);
        String body;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JsonText.write(request))).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println("sipway rpc: " + url + " answered HTTP " + response.statusCode() + ": " + response.body().strip());
                return 1;
            }
            body = response.body();
        } catch (java.io.IOException | IllegalArgumentException e) {
            err.println("sipway rpc: cannot reach " + url + " (" + e + ")");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        Object parsed;
        try {
            parsed = JsonText.parse(body.strip());
        } catch (IllegalArgumentException e) {
            err.println("sipway rpc: not JSON from " + url + ": " + e.getMessage());
            return 1;
        }
        if (parsed instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> error) {
            err.println("error: " + error.get("code") + " - " + error.get("message"));
            return 1;
        }
        out.println(JsonText.pretty(parsed instanceof Map<?, ?> m ? m.get("result") : parsed));
        out.flush();
        return 0;
    }

    /** kamcmd's typing: a whole number goes as a number, {@code s:} keeps the rest a string. */
    static List<Object> params(List<String> args) {
        List<Object> out = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("s:")) {
                out.add(a.substring(2));
            } else if (a.matches("-?[0-9]{1,18}")) {
                out.add(Long.parseLong(a));
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
