package io.sipway.proxy;

import io.sipway.cfg.Ast;
import io.sipway.cfg.CompiledScript;
import io.sipway.transport.ListenSpec;
import io.sipway.transport.TlsSettings;
import io.sipway.transport.WebSocketKeepalive;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the tls and websocket modules' parameters make of the transport: the listeners' TLS settings
 * (with Kamailio's tls.cfg read for its server domain) and the WebSocket keepalive.
 */
final class ScriptTransportSettings {
    private ScriptTransportSettings() {
    }

    /** modparam("websocket", "keepalive_*" and "ping_application_data"), over the module's defaults. */
    static WebSocketKeepalive webSocketKeepalive(CompiledScript script) throws ProxyStartException {
        WebSocketKeepalive k = WebSocketKeepalive.defaults();
        int mechanism = k.mechanism();
        int timeout = k.timeout();
        int interval = k.interval();
        String data = k.data();
        Ast.ModParam at = null;
        for (Ast.ModParam p : script.modParams()) {
            if (!p.module().equals("websocket")) {
                continue;
            }
            at = p;
            switch (p.param()) {
                case "keepalive_mechanism" -> mechanism = (int) longParam(p);
                case "keepalive_timeout" -> timeout = (int) longParam(p);
                case "keepalive_interval" -> interval = (int) longParam(p);
                case "ping_application_data" -> data = String.valueOf(p.value());
                default -> {
                    // sub_protocols, cors_mode, keepalive_processes...: nothing they change here
                }
            }
        }
        try {
            return new WebSocketKeepalive(mechanism, timeout, interval, data);
        } catch (IllegalArgumentException e) {
            throw new ProxyStartException((at == null ? "" : at.at() + ": ") + "modparam(\"websocket\"): " + e.getMessage());
        }
    }

    private static long longParam(Ast.ModParam p) throws ProxyStartException {
        if (p.value() instanceof Long n) {
            return n;
        }
        try {
            return Long.parseLong(String.valueOf(p.value()).trim());
        } catch (NumberFormatException e) {
            throw new ProxyStartException(p.at() + ": modparam(\"" + p.module() + "\", \"" + p.param() + "\") needs a number, not " + p.value());
        }
    }

    /**
     * TLS listeners (listen=tls:..., and tls beside udp/tcp for a listen without protocol) need
     * {@code enable_tls=yes} and the tls module's certificate and key, as in Kamailio; relative paths
     * are taken from the script's directory. Null when TLS is off.
     */
    static TlsSettings tls(Path cfg, CompiledScript script, List<ListenSpec> listens, boolean enableTls)
            throws ProxyStartException {
        if (!enableTls) {
            for (ListenSpec l : listens) {
                if (l.protocol() == ListenSpec.ListenProtocol.TLS) {
                    throw new ProxyStartException(cfg + ": listen=" + l + " needs enable_tls=yes (TLS is off)");
                }
            }
            return null;
        }
        if (!script.modules().contains("tls")) {
            throw new ProxyStartException(cfg + ": enable_tls=yes needs loadmodule \"tls.so\"");
        }
        Map<String, Object> p = new java.util.HashMap<>();
        for (Ast.ModParam m : script.modParams()) {
            if (m.module().equals("tls")) {
                p.put(m.param(), m.value());
            }
        }
        Path dir = cfg.toAbsolutePath().getParent();
        if (p.get("config") != null) {
            // Kamailio's tls.cfg: the [server:default] domain (or the first server one) is the listeners'
            Path file = dir.resolve(String.valueOf(p.get("config")));
            Map<String, String> server;
            try {
                server = serverDomain(file);
            } catch (java.io.IOException e) {
                throw new ProxyStartException(cfg + ": modparam(\"tls\", \"config\"): cannot read " + file + ": "
                        + io.sipway.transport.FileProblem.reason(e), e);
            } catch (IllegalArgumentException e) {
                throw new ProxyStartException(file + ": " + e.getMessage(), e);
            }
            p.putAll(server);
            p.remove("config");
        }
        if (p.get("verify_certificate") instanceof String v) {
            p.put("verify_certificate", v.matches("(?i)1|yes|on|true") ? 1L : 0L);
        }
        if (p.get("require_certificate") instanceof String v) {
            p.put("require_certificate", v.matches("(?i)1|yes|on|true") ? 1L : 0L);
        }
        Object method = p.getOrDefault("method", p.get("tls_method"));
        Object cipherList = p.get("cipher_list");
        io.sipway.transport.TlsProfile profile;
        try {
            profile = io.sipway.transport.TlsProfile.of(method == null ? null : String.valueOf(method),
                    cipherList == null ? null : String.valueOf(cipherList));
        } catch (IllegalArgumentException e) {
            throw new ProxyStartException(cfg + ": " + e.getMessage(), e);
        }
        if (p.get("certificate") == null || p.get("private_key") == null) {
            throw new ProxyStartException(cfg + ": enable_tls=yes: Sipway needs modparam(\"tls\", \"certificate\", ...) and"
                    + " modparam(\"tls\", \"private_key\", ...) (PEM files), or both in the [server:default] section of"
                    + " modparam(\"tls\", \"config\", ...)");
        }
        TlsSettings s = TlsSettings.server(dir.resolve(String.valueOf(p.get("certificate"))), dir.resolve(String.valueOf(p.get("private_key"))))
                .withProfile(profile);
        if (p.get("ca_list") != null) {
            s = s.withCaList(dir.resolve(String.valueOf(p.get("ca_list"))));
        }
        if (p.get("verify_certificate") instanceof Long n && n != 0) {
            s = s.withVerifyClient(true);
        }
        if (p.get("require_certificate") instanceof Long n && n != 0) {
            s = s.withRequireClientCertificate(true);
        }
        return s;
    }

    /**
     * The server domain of a Kamailio tls.cfg: {@code [server:default]}, else the first
     * {@code [server:...]} section, as key/value pairs ({@code certificate}, {@code private_key},
     * {@code ca_list}, {@code method}, {@code verify_certificate}, {@code require_certificate}...).
     */
    static Map<String, String> serverDomain(Path file) throws java.io.IOException {
        Map<String, Map<String, String>> sections = new java.util.LinkedHashMap<>();
        Map<String, String> current = null;
        int n = 0;
        for (String raw : java.nio.file.Files.readAllLines(file)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new IllegalArgumentException("line " + n + ": a section is [server:...] or [client:...]");
                }
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip().toLowerCase(java.util.Locale.ROOT),
                        k -> new java.util.HashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || current == null) {
                throw new IllegalArgumentException("line " + n + ": expected key = value inside a [server:...] or [client:...] section");
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            current.put(line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT), value);
        }
        Map<String, String> server = sections.get("server:default");
        if (server == null) {
            for (Map.Entry<String, Map<String, String>> e : sections.entrySet()) {
                if (e.getKey().startsWith("server:")) {
                    server = e.getValue();
                    break;
                }
            }
        }
        if (server == null) {
            throw new IllegalArgumentException("no [server:default] (or other [server:...]) section");
        }
        return server;
    }
}
