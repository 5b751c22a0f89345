package io.sipway.proxy.module.rtpengine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kamailio 5.6's rtpp_function_call and parse_flags: the flags string of rtpengine_offer() and the
 * others, and the message, made into the ng dictionary, with the keys in Kamailio's order (checked
 * against what Kamailio 5.6.3 sends, see NgRequestTest): {@code supports}, {@code sdp}, the flags
 * with a value as they come ({@code ICE=force}, {@code label=x}; {@code TOS}, {@code repacketize}
 * and {@code delete delay} as integers), then the lists {@code direction}, {@code flags},
 * {@code replace}, the {@code codec} dictionary, {@code transport-protocol}, {@code rtcp-mux},
 * {@code SDES}, {@code T.38}, then {@code call-id}, {@code via-branch}, {@code received-from},
 * {@code from-tag}, {@code to-tag} and {@code command}.
 */
final class NgRequest {
    enum Op {
        OFFER("offer"), ANSWER("answer"), DELETE("delete"), QUERY("query"), START_RECORDING("start recording"),
        STOP_RECORDING("stop recording");

        final String command;

        Op(String command) {
            this.command = command;
        }
    }

    /** What the dictionary is built from: the message's parts that Kamailio reads. */
    record Message(boolean reply, String callId, String fromTag, String toTag, List<String> viaBranches, String sourceFamily,
                   String sourceIp, String sdp) {
    }

    /** The dictionary to send, and the Call-ID and Via branch the node is chosen (and remembered) by. */
    record Built(Bencode.Dict dict, String callId, String viaBranch, Op op) {
    }

    /** A flag Kamailio refuses (the function returns -1 and logs this). */
    static final class BadFlag extends Exception {
        BadFlag(String message) {
            super(message);
        }
    }

    private static final String[] TRANSPORTS = {"RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", null,
        "UDP/TLS/RTP/SAVPF", null};
    private static final List<String> CODEC_LISTS = List.of("strip", "offer", "transcode", "mask", "set", "except");

    private NgRequest() {
    }

    static Built build(Op op, String flags, Message m) throws BadFlag {
        if (m.callId() == null || m.callId().isEmpty()) {
            throw new BadFlag("can't get Call-Id field");
        }
        if (m.fromTag() == null || m.fromTag().isEmpty()) {
            throw new BadFlag("can't get From tag");
        }
        Bencode.Dict d = new Bencode.Dict();
        d.put("supports", List.of("load limit"));
        if (op == Op.OFFER || op == Op.ANSWER) {
            d.put("sdp", m.sdp() == null ? "" : m.sdp());
        }
        Parsed p = new Parsed(op, m);
        p.to = op != Op.DELETE;
        if (flags != null) {
            parse(p, flags, d);
        }
        putList(d, "direction", p.direction);
        putList(d, "flags", p.flagList);
        putList(d, "replace", p.replace);
        if (!p.codec.isEmpty()) {
            Bencode.Dict c = new Bencode.Dict();
            p.codec.forEach(c::put);
            d.put("codec", c);
        }
        if ((p.transport & 0x100) != 0) {
            d.put("transport-protocol", TRANSPORTS[p.transport & 0x7]);
        }
        putList(d, "rtcp-mux", p.rtcpMux);
        putList(d, "SDES", p.sdes);
        putList(d, "T.38", p.t38);
        d.put("call-id", p.callId);
        String branch = null;
        if (p.via != 0) {
            int which = p.via == 3 ? (m.reply() ? 2 : 1) : p.via;
            branch = which >= 1 && which <= m.viaBranches().size() ? m.viaBranches().get(which - 1) : null;
            if (branch == null || branch.isEmpty()) {
                throw new BadFlag("can't get Via branch/extra ID");
            }
            d.put("via-branch", branch);
        }
        d.put("received-from", List.of(m.sourceFamily(), m.sourceIp()));
        // which side is "from" follows the operation asked for, not the one force-answer made of it
        if (!m.reply() && op != Op.ANSWER || m.reply() && (op == Op.DELETE || op == Op.ANSWER)) {
            d.put("from-tag", p.fromTag);
            if (p.to && p.toTag != null && !p.toTag.isEmpty()) {
                d.put("to-tag", p.toTag);
            }
        } else {
            if (p.toTag == null || p.toTag.isEmpty()) {
                throw new BadFlag("No to-tag present");
            }
            d.put("from-tag", p.toTag);
            d.put("to-tag", p.fromTag);
        }
        d.put("command", p.op.command);
        return new Built(d, p.callId, branch, p.op);
    }

    private static void putList(Bencode.Dict d, String key, List<String> l) {
        if (!l.isEmpty()) {
            d.put(key, l);
        }
    }

    /** ng_flags_parse: what the flags set besides the entries they add at once. */
    private static final class Parsed {
        Op op;
        String callId;
        String fromTag;
        String toTag;
        boolean to;
        int via;
        int transport;
        final List<String> direction = new ArrayList<>();
        final List<String> flagList = new ArrayList<>();
        final List<String> replace = new ArrayList<>();
        final List<String> rtcpMux = new ArrayList<>();
        final List<String> sdes = new ArrayList<>();
        final List<String> t38 = new ArrayList<>();
        final Map<String, List<String>> codec = new LinkedHashMap<>();

        Parsed(Op op, Message m) {
            this.op = op;
            this.callId = m.callId();
            this.fromTag = m.fromTag();
            this.toTag = m.toTag();
        }
    }

    /** parse_flags: words separated by spaces, each a key or key=value (the value runs to the next space). */
    private static void parse(Parsed p, String flags, Bencode.Dict d) throws BadFlag {
        int i = 0;
        int n = flags.length();
        while (true) {
            while (i < n && flags.charAt(i) == ' ') {
                i++;
            }
            int e = i;
            while (e < n && flags.charAt(e) != ' ' && flags.charAt(e) != '=') {
                e++;
            }
            String key = flags.substring(i, e);
            String val = null;
            if (e < n && flags.charAt(e) == '=') {
                int vs = e + 1;
                e = flags.indexOf(' ', vs);
                if (e < 0) {
                    e = n;
                }
                val = flags.substring(vs, e);
            }
            if (key.isEmpty()) {
                return;
            }
            flag(p, key, val, d);
            i = e;
        }
    }

    private static void flag(Parsed p, String key, String val, Bencode.Dict d) throws BadFlag {
        if (prefixed(key, "replace-", p.replace) || prefixed(key, "rtcp-mux-", p.rtcpMux) || prefixed(key, "SDES-", p.sdes)
                || prefixed(key, "T38-", p.t38) || prefixed(key, "T.38-", p.t38)) {
            return;
        }
        for (String c : CODEC_LISTS) {
            if (key.startsWith("codec-" + c + "-")) {
                p.codec.computeIfAbsent(c, x -> new ArrayList<>()).add(key.substring(c.length() + 7));
                return;
            }
        }
        boolean bare = val == null;
        switch (key) {
            case "RTP" -> {
                if (bare) {
                    p.transport = (p.transport | 0x100) & ~0x001;
                    return;
                }
            }
            case "AVP" -> {
                if (bare) {
                    p.transport = (p.transport | 0x100) & ~0x002;
                    return;
                }
            }
            case "TOS" -> {
                if (!bare) {
                    d.put("TOS", (long) atoi(val));
                    return;
                }
            }
            case "SRTP", "AVPF", "DTLS" -> {
                if (bare) {
                    p.transport |= key.equals("SRTP") ? 0x101 : key.equals("AVPF") ? 0x102 : 0x104;
                    return;
                }
            }
            case "RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF" -> {
                if (bare) {
                    p.transport = 0x100 | java.util.Arrays.asList(TRANSPORTS).indexOf(key);
                    return;
                }
            }
            case "to-tag" -> {
                if (!bare) {
                    p.toTag = val;
                }
                p.to = true;
                return;
            }
            case "from-tag", "call-id" -> {
                if (bare) {
                    throw new BadFlag("error processing flag `" + key + "': missing value");
                }
                if (key.equals("call-id")) {
                    p.callId = val;
                } else {
                    p.fromTag = val;
                }
                return;
            }
            case "internal", "external" -> {
                p.direction.add(key);
                return;
            }
            case "direction" -> {
                if (!bare) {
                    p.direction.add(val);
                    return;
                }
            }
            case "via-branch" -> {
                p.via = viaBranch(val);
                return;
            }
            case "repacketize" -> {
                if (bare) {
                    throw new BadFlag("error processing flag `repacketize': missing value");
                }
                int ms = atoi(val);
                if (ms <= 0) {
                    throw new BadFlag("error processing flag `repacketize' (value '" + val + "'): invalid value");
                }
                d.put("repacketize", (long) ms);
                return;
            }
            case "force-answer" -> {
                if (p.op != Op.OFFER) {
                    throw new BadFlag("error processing flag `force-answer': cannot force answer in non-offer command");
                }
                p.op = Op.ANSWER;
                return;
            }
            case "delete-delay" -> {
                if (!bare) {
                    d.put("delete delay", (long) atoi(val)); // and, as Kamailio does, the string too (below)
                }
            }
            default -> {
            }
        }
        if (bare) {
            p.flagList.add(key);
        } else {
            d.put(key, val);
        }
    }

    private static boolean prefixed(String key, String prefix, List<String> to) {
        if (key.startsWith(prefix)) {
            to.add(key.substring(prefix.length()));
            return true;
        }
        return false;
    }

    private static int viaBranch(String val) throws BadFlag {
        if (val == null) {
            throw new BadFlag("error processing flag `via-branch': missing value");
        }
        if (val.startsWith("1") || val.startsWith("2")) {
            return val.charAt(0) - '0';
        }
        if (val.equals("auto")) {
            return 3;
        }
        // extra needs extra_id_pv and next tm's branch builder: neither is implemented
        throw new BadFlag("error processing flag `via-branch' (value '" + val + "'): "
                + (val.equals("extra") || val.equals("next") ? "not implemented by Sipway" : "invalid value"));
    }

    /** C's atoi: leading digits (a sign allowed), 0 when none. */
    static int atoi(String s) {
        int i = 0;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i++) == '-';
        }
        long n = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && n < Integer.MAX_VALUE) {
            n = n * 10 + (s.charAt(i++) - '0');
        }
        return (int) Math.min(Integer.MAX_VALUE, neg ? -n : n);
    }
}
