package io.sipway.proxy.module.core;

import io.sipway.cfg.Pv;
import io.sipway.proxy.core.MsgContext;
import io.sipway.sip.Address;
import io.sipway.sip.SipUri;
import io.sipway.sip.Via;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Kamailio's select framework ({@code @via[1].branch}, {@code @from.uri.user}, {@code $sel(cseq.num)}):
 * the core's selects of the message that scripts use, each resolved once at load into a reader of the
 * message. Values are what Kamailio 5.6.3 returns for the same message (read from a running Kamailio:
 * a name with its quotes, a flag parameter such as {@code rport} as an empty string, {@code via[n]}
 * counted from 1 over every Via value, {@code via[-1]} the last). One difference: Kamailio's selects read
 * only headers already parsed when they run ({@code @hf_value.route} is empty before anything parsed
 * Route); Sipway's message is parsed whole, so they always read the header.
 */
public final class Selects {
    private Selects() {
    }

    /** The reader of {@code path} (without the '@'), or null when Sipway does not implement that select. */
    public static Pv resolve(String path) {
        List<Step> steps = steps(path);
        if (steps == null || steps.isEmpty()) {
            return null;
        }
        Function<MsgContext, Object> read = read(steps);
        if (read == null) {
            return null;
        }
        return ctx -> { // a select's value is text: what is missing is an empty string, as in Kamailio
            Object v = read.apply((MsgContext) ctx);
            return v == null ? "" : v;
        };
    }

    /** One part of a select path: a name and an optional index or quoted key in brackets. */
    private record Step(String name, Integer index, String key) {
    }

    private static List<Step> steps(String path) {
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < path.length()) {
            int start = i;
            while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
                i++;
            }
            String name = path.substring(start, i).toLowerCase(Locale.ROOT);
            Integer index = null;
            String key = null;
            if (i < path.length() && path.charAt(i) == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    return null;
                }
                String inside = path.substring(i + 1, close).trim();
                if (inside.length() >= 2 && inside.startsWith("\"") && inside.endsWith("\"")) {
                    key = inside.substring(1, inside.length() - 1);
                } else {
                    try {
                        index = Integer.parseInt(inside);
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                i = close + 1;
            }
            steps.add(new Step(name, index, key));
            if (i < path.length()) {
                if (path.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return steps;
    }

    private static Function<MsgContext, Object> read(List<Step> s) {
        Step first = s.get(0);
        List<Step> rest = s.subList(1, s.size());
        if (first.index() != null && !first.name().equals("via") && !first.name().equals("hf_value")) {
            return null;
        }
        return switch (first.name()) {
            case "ruri" -> uri(rest, MsgContext::requestUri);
            case "from" -> address(rest, m -> m.msg.from(), m -> m.msg.header("From"));
            case "to" -> address(rest, m -> m.msg.to(), m -> m.msg.header("To"));
            case "contact" -> rest.isEmpty() ? m -> m.msg.header("Contact") : null;
            case "call_id", "callid" -> rest.isEmpty() ? m -> m.msg.callId() : null;
            case "user_agent" -> rest.isEmpty() ? m -> m.msg.header("User-Agent") : null;
            case "method" -> rest.isEmpty() ? m -> m.msg.isRequest() ? m.msg.methodName() : m.msg.cseq().methodName() : null;
            case "cseq" -> cseq(rest);
            case "via" -> via(first.index() == null ? 1 : first.index(), rest);
            case "src" -> endpoint(rest, true);
            case "dst" -> endpoint(rest, false);
            case "msg" -> rest.size() == 1 && rest.get(0).name().equals("body") && rest.get(0).index() == null
                    ? m -> new String(m.msg.body(), StandardCharsets.UTF_8) : null;
            case "hf_value" -> headerValue(first, rest);
            default -> null;
        };
    }

    private static Function<MsgContext, Object> uri(List<Step> rest, Function<MsgContext, String> text) {
        if (rest.isEmpty()) {
            return text::apply;
        }
        if (rest.size() != 1) {
            return null;
        }
        Function<SipUri, Object> part = switch (rest.get(0).name()) {
            case "user" -> SipUri::user;
            case "host" -> SipUri::host;
            case "port" -> u -> u.port() > 0 ? Integer.toString(u.port()) : "";
            case "transport" -> u -> u.param("transport");
            case "params" -> u -> String.join(";", params(u));
            default -> null;
        };
        if (part == null) {
            return null;
        }
        return m -> {
            String t = text.apply(m);
            if (t == null) {
                return null;
            }
            try {
                return part.apply(SipUri.parse(t));
            } catch (RuntimeException e) { // not a SIP URI: Kamailio's select fails, the value is empty
                return null;
            }
        };
    }

    private static List<String> params(SipUri u) {
        List<String> out = new ArrayList<>();
        for (String name : u.paramNames()) {
            String v = u.param(name);
            out.add(v == null || v.isEmpty() ? name : name + "=" + v);
        }
        return out;
    }

    private static Function<MsgContext, Object> address(List<Step> rest, Function<MsgContext, Address> address,
            Function<MsgContext, String> whole) {
        if (rest.isEmpty()) {
            return whole::apply;
        }
        String what = rest.get(0).name();
        if (what.equals("uri")) {
            return uri(rest.subList(1, rest.size()), m -> address.apply(m).uriString());
        }
        if (rest.size() != 1) {
            return null;
        }
        return switch (what) {
            case "tag" -> m -> address.apply(m).tag();
            case "name" -> m -> {
                // as written, quotes included: Kamailio's select returns the display-name token
                String h = whole.apply(m);
                int lt = h == null ? -1 : h.indexOf('<');
                return lt > 0 ? h.substring(0, lt).strip() : null;
            };
            default -> null;
        };
    }

    private static Function<MsgContext, Object> cseq(List<Step> rest) {
        if (rest.isEmpty()) {
            return m -> m.msg.header("CSeq");
        }
        if (rest.size() != 1) {
            return null;
        }
        return switch (rest.get(0).name()) {
            case "num" -> m -> Long.toString(m.msg.cseq().number());
            case "method" -> m -> m.msg.cseq().methodName();
            default -> null;
        };
    }

    /** {@code via[n]}: the n-th Via value counted from 1 across all Via headers, from the end when negative. */
    private static Function<MsgContext, Object> via(int n, List<Step> rest) {
        if (n == 0 || rest.size() > 1) {
            return null;
        }
        Function<Via, Object> part = rest.isEmpty() ? Via::toString : switch (rest.get(0).name()) {
            case "branch" -> Via::branch;
            case "host" -> Via::host;
            case "port" -> v -> v.port() > 0 ? Integer.toString(v.port()) : "";
            case "transport" -> Via::transport;
            case "received" -> Via::received;
            case "rport" -> v -> v.hasRport() ? (v.rport() > 0 ? Integer.toString(v.rport()) : "") : null;
            default -> null;
        };
        if (part == null) {
            return null;
        }
        return m -> {
            List<Via> vias = m.msg.vias();
            int i = n > 0 ? n - 1 : vias.size() + n;
            return i >= 0 && i < vias.size() ? part.apply(vias.get(i)) : null;
        };
    }

    private static Function<MsgContext, Object> endpoint(List<Step> rest, boolean source) {
        if (rest.size() != 1) {
            return null;
        }
        return switch (rest.get(0).name()) {
            case "ip" -> source ? m -> m.from.source().getAddress().getHostAddress()
                    : m -> m.from.localSocket().local().getAddress().getHostAddress();
            case "port" -> source ? m -> Integer.toString(m.from.source().getPort())
                    : m -> Integer.toString(m.from.localSocket().local().getPort());
            default -> null;
        };
    }

    /**
     * {@code hf_value.NAME} (an '_' in NAME is a '-'), {@code hf_value["Name"]}, an index {@code [n]}
     * for the n-th value, and {@code .uri} / {@code .name} of a name-addr value.
     */
    private static Function<MsgContext, Object> headerValue(Step first, List<Step> rest) {
        String name;
        int index;
        List<Step> after;
        if (first.key() != null) {
            name = first.key();
            index = first.index() == null ? 1 : first.index();
            after = rest;
        } else {
            if (rest.isEmpty() || rest.get(0).key() != null) {
                return null;
            }
            name = rest.get(0).name().replace('_', '-');
            index = rest.get(0).index() == null ? 1 : rest.get(0).index();
            after = rest.subList(1, rest.size());
        }
        if (index <= 0 || after.size() > 1) {
            return null;
        }
        String header = name;
        int n = index;
        Function<MsgContext, String> value = m -> nthValue(m.msg.headers(header), n);
        if (after.isEmpty()) {
            return value::apply;
        }
        return switch (after.get(0).name()) {
            case "uri" -> m -> {
                String v = value.apply(m);
                int lt = v == null ? -1 : v.indexOf('<');
                int gt = lt < 0 ? -1 : v.indexOf('>', lt);
                return gt > lt ? v.substring(lt + 1, gt) : v;
            };
            case "name" -> m -> {
                String v = value.apply(m);
                int lt = v == null ? -1 : v.indexOf('<');
                return lt > 0 ? v.substring(0, lt).strip() : null;
            };
            default -> null;
        };
    }

    /** The n-th (from 1) comma-separated value over the header's occurrences; commas in quotes or brackets do not split. */
    private static String nthValue(List<String> occurrences, int n) {
        int seen = 0;
        for (String h : occurrences) {
            int depth = 0;
            boolean quoted = false;
            int start = 0;
            for (int i = 0; i <= h.length(); i++) {
                char c = i < h.length() ? h.charAt(i) : ',';
                if (c == '"' && (i == 0 || h.charAt(i - 1) != '\\')) {
                    quoted = !quoted;
                } else if (!quoted && c == '<') {
                    depth++;
                } else if (!quoted && c == '>') {
                    depth--;
                } else if (!quoted && depth == 0 && c == ',') {
                    if (++seen == n) {
                        return h.substring(start, Math.min(i, h.length())).strip();
                    }
                    start = i + 1;
                }
            }
        }
        return null;
    }
}
