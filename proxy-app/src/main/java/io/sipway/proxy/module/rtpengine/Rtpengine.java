package io.sipway.proxy.module.rtpengine;

import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.HeaderName;
import io.sipway.sip.SipMessage;
import io.sipway.sip.Via;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command to rtpengine, as Kamailio's rtpp_function_call: the dictionary built from the flags
 * and the message, an instance of the message's set chosen (the call's own when it has one), sent
 * and waited for; an instance that does not answer is disabled and the next one tried, up to
 * {@code queried_nodes_limit}; an answer of {@code load limit} (or rtpengine's session limit
 * error) goes to the next one too. Runs on a worker thread: it waits.
 */
final class Rtpengine {
    private static final Logger LOG = LoggerFactory.getLogger("io.sipway.rtpengine");

    /** The module's settings, read at start. */
    record Settings(int tries, long timeoutMs, long disableMs, int queriedLimit, long hashToutMs, int setidDefault, boolean allowOp) {
    }

    volatile Settings settings = new Settings(5, 1000, 60_000, 10, 3_600_000, 0, false);
    volatile Nodes nodes = new Nodes(Map.of());
    private NgClient client;
    private boolean closed;

    /** The sets set_rtpengine_set chose for one message (Kamailio keeps them per process, by msg id). */
    record Chosen(SipMessage msg, int set1, Integer set2) {
    }

    synchronized NgClient client() {
        if (closed) {
            throw new IllegalStateException("rtpengine: the proxy is closing");
        }
        if (client == null) {
            try {
                client = new NgClient();
            } catch (IOException e) {
                throw new IllegalStateException("rtpengine: no UDP socket for the control protocol: " + e.getMessage(), e);
            }
        }
        return client;
    }

    synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** rtpp_test: a ping; true when the answer is a pong. Disables the node when it does not answer. */
    boolean ping(Nodes.Node n) {
        Settings s = settings;
        byte[] a = client().send(n.address, Bencode.encode(new Bencode.Dict().put("command", "ping")), s.tries(), s.timeoutMs());
        if (a == null) {
            disable(n, s);
            LOG.error("proxy did not respond to ping ({})", n.url);
            return false;
        }
        try {
            boolean pong = "pong".equals(Bencode.decodeDict(a, 0, a.length).get("result"));
            if (!pong) {
                LOG.error("proxy responded with invalid response ({})", n.url);
            }
            return pong;
        } catch (Bencode.MalformedException e) {
            LOG.error("proxy responded with invalid response ({}): {}", n.url, e.getMessage());
            return false;
        }
    }

    private static void disable(Nodes.Node n, Settings s) {
        n.disabled = true;
        n.recheckAtMs = System.currentTimeMillis() + s.disableMs();
    }

    /** The set a direction (1: the caller's side, 2: the callee's) uses: set_rtpengine_set_from_avp without setid_avp. */
    List<Nodes.Node> set(MsgContext ctx, int direction) {
        Chosen c = ctx.rtpengine instanceof Chosen ch && ch.msg() == ctx.msg ? ch : null;
        int id = c == null ? settings.setidDefault() : direction == 2 && c.set2() != null ? c.set2() : c.set1();
        return nodes.sets.get(id);
    }

    /** The answer's dictionary when its result is "ok"; null (and the reason logged) otherwise. */
    Map<String, Object> call(MsgContext ctx, NgRequest.Op op, String flags, String sdp, List<Nodes.Node> set) {
        if (set == null) {
            LOG.error("script error - no valid set selected");
            return null;
        }
        NgRequest.Built b;
        try {
            b = NgRequest.build(op, flags, message(ctx, sdp));
        } catch (NgRequest.BadFlag e) {
            LOG.error("{}", e.getMessage());
            return null;
        }
        byte[] dict = Bencode.encode(b.dict());
        Settings s = settings;
        Nodes all = nodes;
        List<Nodes.Node> tried = new ArrayList<>(2);
        while (true) {
            if (tried.size() >= s.queriedLimit()) {
                LOG.error("queried nodes limit reached");
                return null;
            }
            long now = System.currentTimeMillis();
            Nodes.Node node = tried.isEmpty() ? all.remembered(b.callId(), b.viaBranch(), now) : null;
            if (node != null && !set.contains(node)) {
                node = null; // node_in_set: the call's instance is of another set than this command's
            }
            if (node != null && node.disabled && !s.allowOp()) {
                node = null; // Kamailio: the call's instance is down, and rtpengine_allow_op is off
                LOG.error("rtpengine failed to select new for callid={}", b.callId());
                return null;
            }
            if (node == null) {
                node = Nodes.choose(set, b.callId(), tried, now, this::ping);
            }
            if (node == null) {
                LOG.error("no available proxies");
                return null;
            }
            tried.add(node);
            byte[] answer = client().send(node.address, dict, s.tries(), s.timeoutMs());
            if (answer == null) {
                disable(node, s);
                continue;
            }
            Map<String, Object> resp;
            try {
                resp = Bencode.decodeDict(answer, 0, answer.length);
            } catch (Bencode.MalformedException e) {
                LOG.error("failed to decode bencoded reply from proxy {}: {}", node.url, e.getMessage());
                return null;
            }
            Object result = resp.get("result");
            if (!(result instanceof String r)) {
                LOG.error("No 'result' dictionary entry in response from proxy {}", node.url);
                return null;
            }
            if (r.equals("load limit")) {
                LOG.info("proxy {} has reached its load limit - trying next one", node.url);
                continue;
            }
            if (r.equals("error")) {
                Object why = resp.get("error-reason");
                if ("Parallel session limit reached".equals(why)) {
                    LOG.warn("proxy {}: {}", node.url, why);
                    continue;
                }
                LOG.error("proxy replied with error: {}", why == null ? "(no error-reason)" : why);
                return null;
            }
            all.remember(b.callId(), b.viaBranch(), node, now + s.hashToutMs(), now);
            if (b.op() == NgRequest.Op.DELETE) {
                all.forget(b.callId(), b.viaBranch());
            }
            if (!r.equals("ok")) {
                LOG.error("proxy didn't return \"ok\" result");
                return null;
            }
            return resp;
        }
    }

    private static NgRequest.Message message(MsgContext ctx, String sdp) {
        SipMessage m = ctx.msg;
        List<String> branches = new ArrayList<>(2);
        for (Via v : m.vias()) {
            branches.add(v.branch());
            if (branches.size() == 2) {
                break;
            }
        }
        InetAddress src = ctx.from == null || ctx.from.source() == null ? null : ctx.from.source().getAddress();
        String family = src == null ? "?" : src instanceof Inet6Address ? "IP6" : "IP4";
        String ip = src == null ? "" : src.getHostAddress();
        int pct = ip.indexOf('%');
        return new NgRequest.Message(m.isResponse(), m.callId(), m.fromTag(), m.toTag(), branches, family,
                pct < 0 ? ip : ip.substring(0, pct), sdp);
    }

    /** The body Kamailio's extract_body gives rtpengine: null when the message has no SDP body. */
    static String sdp(SipMessage m) {
        if (m.bodyLength() == 0) {
            return null;
        }
        String ct = m.header(HeaderName.CONTENT_TYPE);
        if (ct != null && !ct.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/sdp")) {
            return null;
        }
        return new String(m.body(), StandardCharsets.ISO_8859_1);
    }
}
