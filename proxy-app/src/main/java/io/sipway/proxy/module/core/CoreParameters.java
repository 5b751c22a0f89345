package io.sipway.proxy.module.core;

import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.ParamExport;

/**
 * Kamailio's core global parameters that Sipway accepts: each applied (where, said here) or, for
 * the ones about processes, memory and the OS that the JVM has no counterpart for, accepted with a
 * warning that says why it changes nothing. Every other Kamailio core parameter is refused at load,
 * naming it. Applied where Proxy.start reads the globals unless said otherwise.
 */
final class CoreParameters {
    private static final ParamExport.Type INT = ParamExport.Type.INT;
    private static final ParamExport.Type STR = ParamExport.Type.STRING;
    private static final ParamExport.Type ANY = ParamExport.Type.ANY;

    private CoreParameters() {
    }

    static void declare(ModuleExports.Builder b) {
        // network
        b.param("listen", STR, "", "a listener: [proto:]addr[:port] (more than one may be given; -l adds more)");
        b.param("alias", STR, "", "a name this proxy answers to (myself, is_myself, loose_route)");
        b.param("auto_aliases", ANY, "yes", "the reverse-DNS names of the listeners become aliases");
        b.param("server_id", INT, "0", "this instance's number among the instances sharing a store: written in usrloc's rows"
                + " (server_id_filter) and the metrics' server_id label");
        b.param("sip_warning", ANY, "0", "local replies carry Kamailio's 392 Warning header");
        String signature = "sipway (<version> (<arch>/<os>))";
        b.param("server_signature", ANY, "yes", "local replies carry server_header, tm's own requests user_agent_header; no: neither");
        b.param("server_header", STR, "Server: " + signature,
                "the whole header line local replies (sl, tm, registrar, sanity) carry, after the module headers");
        b.param("user_agent_header", STR, "User-Agent: " + signature,
                "the whole header line of tm's CANCEL and ACK with reparse_invite=0 (with 1, the default, they carry none)");
        // processes: the event loops, and the workers running the routes that may wait
        b.param("children", INT, "8", "the number of event loops (Kamailio's UDP worker processes; not set: one per CPU)"
                + " and the workers running the routes that can reach a function that may wait: children per UDP listener"
                + " plus tcp_children for the stream listeners, as Kamailio's processes (children not set: 8)");
        // tls
        b.param("enable_tls", ANY, "no", "tls: listeners need it, with the tls module's certificate and key");
        b.param("tls_enable", ANY, "no", "the same as enable_tls");
        b.param("disable_tls", ANY, "yes", "the opposite of enable_tls");
        b.paramWithoutEffect("tls_max_connections", INT, "2048",
                "TLS connections count against tcp_max_connections with the TCP ones");
        // tcp
        b.param("tcp_connection_match", INT, "0", "the connection table: 1 narrows a lookup by the forced socket's local side");
        b.param("tcp_reuse_port", ANY, "no", "outbound connections bind the forced socket's address and port (SO_REUSEPORT)");
        String tcp = "transport's TcpSettings";
        b.param("tcp_max_connections", INT, "2048", tcp + ": TCP/TLS/WS/WSS connections; when reached, the oldest accepted one that"
                + " carried no SIP message yet is closed for the new one, else the new one is refused");
        b.param("tcp_connection_lifetime", INT, "120", tcp + ": seconds an idle TCP/TLS connection is kept");
        b.param("tcp_connect_timeout", INT, "10", tcp + ": seconds an outbound connect may take (then the branch gets 477), and"
                + " a TLS handshake, accepted or outbound");
        b.param("tcp_send_timeout", INT, "10", tcp + ": seconds queued writes may go without progress; then the connection is closed");
        b.param("tcp_conn_wq_max", INT, "32768", tcp + ": bytes queued towards one connection; beyond it the connection is closed");
        b.param("tcp_wq_max", INT, "10485760", tcp + ": bytes queued towards all connections; the one whose send passes it is closed");
        b.param("tcp_msg_read_timeout", INT, "20", tcp + ": seconds a SIP message begun on a TCP/TLS stream may take to complete;"
                + " then the connection is closed (0: no limit; Kamailio 5.8's, unknown to 5.6)");
        b.param("tcp_keepalive", ANY, "yes", tcp + ": SO_KEEPALIVE on TCP/TLS sockets");
        b.param("tcp_keepidle", INT, "0", tcp + ": TCP_KEEPIDLE seconds (0: the OS's)");
        b.param("tcp_keepintvl", INT, "0", tcp + ": TCP_KEEPINTVL seconds (0: the OS's)");
        b.param("tcp_keepcnt", INT, "0", tcp + ": TCP_KEEPCNT probes (0: the OS's)");
        b.param("tcp_rd_buf_size", INT, "16384", tcp + ": the largest message on a stream; a larger one closes the connection");
        b.param("tcp_accept_no_cl", ANY, "no", tcp + ": a stream message without Content-Length is taken as body-less");
        b.param("tcp_crlf_ping", ANY, "yes", tcp + ": a CRLFCRLF keepalive is answered with CRLF");
        b.param("tcp_no_connect", ANY, "no", tcp + ": never open TCP/TLS connections");
        b.paramOnly("tcp_async", ANY, "yes", tcp + ": writes are always asynchronous", "yes", "1", "on", "true");
        b.paramOnly("tcp_buf_write", ANY, "yes", tcp + ": writes are always asynchronous", "yes", "1", "on", "true");
        b.param("tcp_children", INT, "children", "the workers for routes that may wait added for the stream listeners"
                + " (TCP, TLS and WebSocket connections are read by the same event loops as UDP)");
        String dns = "transport's SipResolver (RFC 3263, answers cached by their TTL)";
        b.param("dns_try_naptr", ANY, "no", dns + ": NAPTR first for a URI without port or transport");
        b.param("dns_try_ipv6", ANY, "no", dns + ": AAAA records too");
        b.param("dns_srv_lb", ANY, "no", dns + ": SRV targets of one priority chosen by weight (RFC 2782)");
        b.param("dns_srv_loadbalancing", ANY, "no", dns + ": the same as dns_srv_lb");
        b.param("dns_cache_negative_ttl", INT, "60", dns + ": seconds a name that does not resolve is remembered");
        b.param("dns_cache_min_ttl", INT, "0", dns + ": the shortest time an answer is kept");
        b.param("dns_cache_max_ttl", INT, "-1", dns + ": the longest time an answer is kept");
        b.paramOnly("use_dns_cache", ANY, "on", dns + ": the cache is always on", "on", "yes", "1", "true");
        // the language
        b.param("debug", INT, "0", "the log level: lines above it are not printed (-5 ALERT .. -1 ERR, 0 WARN, 1 NOTICE, 2 INFO, 3 DBG)");
        b.param("max_while_loops", INT, "100", "the interpreter stops a while loop after this many turns");
        // logging: io.sipway.proxy.log (LogSettings, LogSinks, LogPrefix)
        b.param("log_stderror", ANY, "no", "log lines go to standard error (as with -E) rather than to syslog (/dev/log)");
        b.paramOnly("log_facility", STR, "LOG_DAEMON", "the syslog facility of the log lines", "LOG_AUTH", "LOG_AUTHPRIV", "LOG_CRON",
                "LOG_DAEMON", "LOG_FTP", "LOG_KERN", "LOG_LOCAL0", "LOG_LOCAL1", "LOG_LOCAL2", "LOG_LOCAL3", "LOG_LOCAL4", "LOG_LOCAL5",
                "LOG_LOCAL6", "LOG_LOCAL7", "LOG_LPR", "LOG_MAIL", "LOG_NEWS", "LOG_SYSLOG", "LOG_USER", "LOG_UUCP");
        b.param("log_name", STR, "sipway", "the syslog ident of the log lines");
        b.param("log_prefix", STR, "", "what every line logged while a message is processed starts with, its pseudo-variables"
                + " read from that message");
        // the JVM has no counterpart
        b.paramWithoutEffect("log_color", ANY, "no", "log lines are not coloured");
        for (String p : new String[] {"memdbg", "mem_dbg", "memlog", "mem_log", "mem_summary"}) {
            b.paramWithoutEffect(p, INT, "", "the JVM manages memory; no Kamailio memory debugging");
        }
        for (String p : new String[] {"shm_mem_size", "shm", "shm_mem"}) {
            b.paramWithoutEffect(p, INT, "64", "the JVM manages memory (set the heap with SIPWAY_JAVA_OPTS)");
        }
        b.paramWithoutEffect("fork", ANY, "yes", "Sipway is one process in the foreground (like kamailio -DD)", "no", "0", "off", "false");
        b.paramWithoutEffect("mpath", STR, "", "modules are built into Sipway");
        b.paramWithoutEffect("loadpath", STR, "", "modules are built into Sipway");
        b.paramOnly("enable_sctp", ANY, "auto", "Sipway has no SCTP", "no", "0", "off", "false", "auto", "2");
        b.paramOnly("disable_sctp", ANY, "auto", "Sipway has no SCTP", "yes", "1", "on", "true", "auto", "2");
    }
}
