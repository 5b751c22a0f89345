package io.sipway.proxy.module.sdpops;

import io.sipway.proxy.core.Lumps;
import java.util.ArrayList;
import java.util.List;

/**
 * The deletions sdpops' functions make, as Kamailio 5.6's sdpops computes its lumps: each is a
 * range of the message as received, and a call returns its ranges in the order Kamailio adds them.
 * Nothing here changes the message: {@link SdpopsModule} records the ranges as text edits.
 */
final class SdpEdits {
    /** The attribute lines that name a payload type right after their prefix (sdp_remove_str_codec_id_attrs). */
    private static final String[] ATTRS = {"a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"};
    /** sdpops_data.c's static names: a name found here never looks at the SDP's own rtpmap lines. */
    private static final String[][] STATIC_IDS = {
        {"PCMU", "0"}, {"GSM", "3"}, {"G723", "4"}, {"DVI4", "5,6,16,17"}, {"LPC", "7"}, {"PCMA", "8"}, {"G722", "9"},
        {"L16", "10,11"}, {"QCELP", "12"},
        // Kamailio's table gives "13" a length of 5: the list gets "13" and three NULs, and a NUL ends the token
        // reading, so no name after CN in a list is used (sdp_remove_codecs_by_name("CN,PCMA") removes CN only)
        {"CN", "13\0\0\0"},
        {"MPA", "14"}, {"G728", "15"}, {"G729", "18"},
    };
    /** SDPOPS_MAX_LIST_SIZE and SDPOPS_CIDS_SIZE. */
    private static final int MAX_LIST = 128;
    private static final int MAX_IDS_PER_NAME = 16;

    private SdpEdits() {
    }

    private static Lumps.Edit delete(int start, int end) {
        return new Lumps.Edit(start, end, new byte[0]);
    }

    /**
     * sdpops_build_ids_list: the comma list of payload type ids for a comma list of names (the
     * static table first, else every rtpmap of that name, at most 16), or null when none is found
     * or the list would exceed 127 characters.
     */
    static String ids(Sdp sdp, String names) {
        StringBuilder out = new StringBuilder();
        int[] pos = {0};
        for (String name = Sdp.token(names, pos, ','); !name.isEmpty(); name = Sdp.token(names, pos, ',')) {
            List<String> found = new ArrayList<>();
            String fixed = staticIds(name);
            if (fixed != null) {
                found.add(fixed);
            } else {
                for (Sdp.Stream s : sdp.streams) {
                    for (String[] map : s.rtpmaps()) {
                        if (map[1].equalsIgnoreCase(name)) {
                            found.add(map[0]);
                        }
                    }
                }
                if (found.size() > MAX_IDS_PER_NAME) {
                    found.clear(); // "if(i==n) goto notfound"
                }
            }
            for (String id : found) {
                if (out.length() + id.length() >= MAX_LIST) {
                    return null; // "the list with codecs ids is too big"
                }
                out.append(id).append(',');
            }
        }
        return out.length() == 0 ? null : out.substring(0, out.length() - 1);
    }

    private static String staticIds(String name) {
        for (String[] e : STATIC_IDS) {
            if (e[0].equalsIgnoreCase(name)) {
                return e[1];
            }
        }
        return null;
    }

    /** Whether the stream is of this media ({@code null} or empty: any), as sdpops compares them (any case). */
    static boolean ofMedia(Sdp.Stream s, String media) {
        return media == null || media.isEmpty() || s.media().equalsIgnoreCase(media);
    }

    /** sdp_remove_codecs_by_id: for each id of the list, in each stream of the media, its m= entry and its attribute lines. */
    static List<Lumps.Edit> removeCodecs(Sdp sdp, String ids, String media) {
        List<Lumps.Edit> out = new ArrayList<>();
        for (Sdp.Stream s : sdp.streams) {
            if (!ofMedia(s, media)) {
                continue;
            }
            int[] pos = {0};
            for (String id = Sdp.token(ids, pos, ','); !id.isEmpty(); id = Sdp.token(ids, pos, ',')) {
                removeCodec(sdp, s, id, out);
            }
        }
        return out;
    }

    /** sdp_keep_codecs_by_id: every payload of the m= lines of the media that is not in the list goes. */
    static List<Lumps.Edit> keepCodecs(Sdp sdp, String ids, String media) {
        List<Lumps.Edit> out = new ArrayList<>();
        for (Sdp.Stream s : sdp.streams) {
            if (!ofMedia(s, media)) {
                continue;
            }
            String payloads = s.payloads(sdp.text);
            int[] pos = {0};
            for (String id = Sdp.token(payloads, pos, ' '); !id.isEmpty(); id = Sdp.token(payloads, pos, ' ')) {
                if (!Sdp.codecIn(ids, id, ',')) {
                    removeCodec(sdp, s, id, out);
                }
            }
        }
        return out;
    }

    private static void removeCodec(Sdp sdp, Sdp.Stream s, String id, List<Lumps.Edit> out) {
        // sdp_remove_str_codec_id: the first entry equal to the id, with the blank before it
        String payloads = s.payloads(sdp.text);
        boolean cmp = true;
        for (int i = 0; i < payloads.length(); i++) {
            if (cmp && payloads.startsWith(id, i) && (i + id.length() == payloads.length() || payloads.charAt(i + id.length()) == ' ')) {
                int at = s.payloadsStart() + i - 1;
                out.add(delete(at, at + id.length() + 1));
                break;
            }
            cmp = payloads.charAt(i) == ' ';
        }
        // sdp_remove_str_codec_id_attrs: each a=rtpmap:, a=fmtp:, a=rtcp-fb: line of the stream naming the id
        String t = sdp.text;
        int p = s.start();
        while (s.end() - p > 5) {
            int[] line = Sdp.locate(t, p);
            int len = line[1] - line[0];
            if (len > 5 && (t.charAt(line[0]) | 0x20) == 'a') {
                for (String a : ATTRS) {
                    int after = line[0] + a.length() + id.length();
                    if (len > a.length() + id.length() && t.regionMatches(true, line[0], a, 0, a.length())
                            && t.startsWith(id, line[0] + a.length()) && t.charAt(after) == ' ') {
                        out.add(delete(line[0], line[1]));
                    }
                }
            }
            p = line[1];
        }
    }

    /**
     * sdp_remove_line_lump_by_prefix: the lines of [from, to) that begin with the prefix (any run
     * of such lines one deletion); the number of lines is {@code count[0]}.
     */
    static List<Lumps.Edit> removeLines(String t, int from, int to, String prefix, int[] count) {
        List<Lumps.Edit> out = new ArrayList<>();
        if (prefix.isEmpty()) {
            return out;
        }
        int runStart = -1;
        int runEnd = -1;
        for (int p = Sdp.findLine(t, from, to, prefix.charAt(0)); p >= 0; p = Sdp.nextLine(t, p, to, prefix.charAt(0))) {
            int[] line = Sdp.locate(t, p);
            if (to < line[0] + prefix.length()) {
                break;
            }
            if (t.startsWith(prefix, line[0])) {
                if (runStart >= 0 && runEnd != line[0]) {
                    out.add(delete(runStart, runEnd));
                    runStart = -1;
                }
                if (runStart < 0) {
                    runStart = line[0];
                }
                runEnd = line[1];
                count[0]++;
            }
        }
        if (runStart >= 0) {
            out.add(delete(runStart, runEnd));
        }
        return out;
    }

    /** sdp_remove_media / sdp_remove_transport: each chosen stream, from its m= to the next m= or the end of the body. */
    static List<Lumps.Edit> removeStreams(Sdp sdp, java.util.function.Predicate<Sdp.Stream> which) {
        List<Lumps.Edit> out = new ArrayList<>();
        for (Sdp.Stream s : sdp.streams) {
            if (which.test(s)) {
                out.add(delete(s.start(), s.end()));
            }
        }
        return out;
    }
}
