package io.sipway.proxy.module.sdpops;

import static io.sipway.proxy.module.Routes.ANY;

import io.sipway.cfg.Arg;
import io.sipway.cfg.FunctionSpec;
import io.sipway.cfg.Pv;
import io.sipway.cfg.ScriptContext;
import io.sipway.proxy.core.Format;
import io.sipway.proxy.core.Lumps;
import io.sipway.proxy.core.MsgContext;
import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.PvExport;
import java.util.List;
import java.util.function.ToLongBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sdpops (Kamailio 5.6): tests of the SDP body and edits of it, with Kamailio's return codes.
 *
 * <p>The edits are the message's text edits (Kamailio's lumps, {@link Lumps.TextEdits}), applied to
 * the relayed request and to a reply relayed after onreply_route, Content-Length set to the new body.
 * As with lumps, every function reads the body as received: a codec removed by one call is still
 * there for the next. Where calls delete overlapping bytes, what goes is the union of their
 * deletions, as in Kamailio (the same codec twice, a codec's line and the run of lines or the
 * stream around it, in either order).
 */
public final class SdpopsModule {
    private static final Logger LOG = LoggerFactory.getLogger("sdpops");

    private SdpopsModule() {
    }

    /** The sdpops table. */
    public static ModuleExports exports() {
        ModuleExports.Builder r = ModuleExports.module("sdpops", "https://kamailio.org/docs/modules/5.6.x/modules/sdpops.html");
        codecFunctions(r);
        r.fn("sdp_remove_line_by_prefix", 1, 2, ANY, args -> {
            Format prefix = Format.of(args.get(0));
            Format media = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> removeLines(c(ctx), prefix.apply(ctx), media == null ? null : media.apply(ctx));
        }).summary("removes the SDP lines that begin with the prefix (in the streams of the media)");
        r.fn("sdp_remove_media", 1, 1, ANY, stringTest((m, media) ->
                removeStreams(m, "sdp_remove_media", s -> s.media().equalsIgnoreCase(media))))
                .summary("removes the streams of the media (m=audio...)");
        r.fn("sdp_remove_transport", 1, 1, ANY, stringTest((m, tr) ->
                removeStreams(m, "sdp_remove_transport", s -> s.transport().equalsIgnoreCase(tr))))
                .summary("removes the streams of the transport (m=... RTP/SAVP)");
        r.fn("sdp_with_media", 1, 1, ANY, stringTest((m, media) ->
                anyStream(m, s -> s.media().equalsIgnoreCase(media)))).summary("whether a stream is of the media");
        r.fn("sdp_with_active_media", 1, 1, ANY, stringTest((m, media) -> anyStream(m, s -> s.media().equalsIgnoreCase(media)
                && leadingInt(s.port()) != 0 && !s.sendrecv().equalsIgnoreCase("inactive"))))
                .summary("whether a stream of the media has a port and is not a=inactive");
        r.fn("sdp_with_transport", 1, 1, ANY, stringTest((m, tr) ->
                anyStream(m, s -> s.transport().equalsIgnoreCase(tr)))).summary("whether a stream has the transport");
        r.fn("sdp_with_transport_like", 1, 1, ANY, stringTest((m, tr) ->
                anyStream(m, s -> s.transport().contains(tr)))).summary("whether a stream's transport contains the text");
        r.fn("sdp_transport", 1, 1, ANY, args -> {
            String avp = avpName(args.get(0));
            return ctx -> transport(c(ctx), avp);
        }).summary("sets the AVP to the transport all streams share (-2 when they differ)");
        r.fn("sdp_print", 1, 1, ANY, args -> {
            Format f = Format.of(args.get(0)); // Kamailio's fixup takes any text; a level that is no number fails when run
            return ctx -> print(c(ctx), f.apply(ctx));
        }).summary("logs that there is no parsed SDP to print, as Kamailio 5.6 does (its print_sdp is handed none)");
        r.fn("sdp_get", 1, 1, ANY, args -> {
            String avp = avpName(args.get(0));
            return ctx -> get(c(ctx), avp);
        }).summary("sets the AVP to the SDP body (-2 without a body)");
        r.fn("sdp_content", 0, 1, ANY, args -> args.isEmpty()
                ? ctx -> Sdp.of(c(ctx)).ok() ? 1 : -1
                : ctx -> SdpChecks.sloppyContent(c(ctx)))
                .summary("whether the body is SDP (with a parameter: by its Content-Type only)");
        r.fn("sdp_with_ice", 0, 0, ANY, args -> ctx -> SdpChecks.withIce(c(ctx))).summary("whether the body has a=candidate");
        r.fn("sdp_get_line_startswith", 2, 2, ANY, args -> {
            String avp = avpName(args.get(0));
            Format start = Format.of(args.get(1));
            return ctx -> SdpChecks.lineStartingWith(c(ctx), avp, start.apply(ctx));
        }).summary("sets the AVP to the first SDP line that begins with the text");
        r.fn("sdp_get_address_family", 0, 0, ANY, args -> ctx -> {
            Sdp sdp = Sdp.of(c(ctx));
            return sdp.ok() && sdp.family != 0 ? sdp.family : -1;
        }).summary("4 or 6 after the session's c= line, -1 without one");
        r.pv("sdp", PvExport.Inner.REQUIRED, true, n -> n.inner().equals("body") ? body() : SdpChecks.sessVersion(),
                "body", "sess_version");
        return r.build();
    }

    private static void codecFunctions(ModuleExports.Builder r) {
        r.fn("sdp_remove_codecs_by_id", 1, 2, ANY, codecs((m, a) -> editCodecs(m, "sdp_remove_codecs_by_id", a[0], a[1], false, false)))
                .summary("removes the payload ids of the list from the m= lines (of the media) and their a= lines");
        r.fn("sdp_remove_codecs_by_name", 1, 2, ANY, codecs((m, a) -> editCodecs(m, "sdp_remove_codecs_by_name", a[0], a[1], true, false)))
                .summary("removes the codecs of the list (by name) from the m= lines (of the media) and their a= lines");
        r.fn("sdp_keep_codecs_by_id", 1, 2, ANY, codecs((m, a) -> editCodecs(m, "sdp_keep_codecs_by_id", a[0], a[1], false, true)))
                .summary("removes every payload id not in the list (from the streams of the media)");
        r.fn("sdp_keep_codecs_by_name", 1, 2, ANY, codecs((m, a) -> editCodecs(m, "sdp_keep_codecs_by_name", a[0], a[1], true, true)))
                .summary("removes every codec not named in the list (from the streams of the media)");
        r.fn("sdp_with_codecs_by_id", 1, 1, ANY, codecs((m, a) -> SdpChecks.withCodecs(m, a[0], false)))
                .summary("1: all ids of the list are in the SDP, 2: some, -1: none");
        r.fn("sdp_with_codecs_by_name", 1, 1, ANY, codecs((m, a) -> SdpChecks.withCodecs(m, a[0], true)))
                .summary("1: all codecs of the list are in the SDP, 2: some, -1: none");
    }

    static MsgContext c(ScriptContext ctx) {
        return (MsgContext) ctx;
    }

    /** A function of one or two string arguments with pseudo-variables (fixup_spve_spve): their values of the moment. */
    private static FunctionSpec.Binder codecs(ToLongBiFunction<MsgContext, String[]> run) {
        return args -> {
            Format first = Format.of(args.get(0));
            Format second = args.size() > 1 ? Format.of(args.get(1)) : null;
            return ctx -> run.applyAsLong(c(ctx), new String[] {first.apply(ctx), second == null ? null : second.apply(ctx)});
        };
    }

    /** A function of one string argument with pseudo-variables: 1 when the test answers more than 0, else -1. */
    private static FunctionSpec.Binder stringTest(ToLongBiFunction<MsgContext, String> run) {
        return args -> {
            Format f = Format.of(args.get(0));
            return ctx -> run.applyAsLong(c(ctx), f.apply(ctx)) > 0 ? 1 : -1;
        };
    }

    /** The AVP a function writes: "$avp(name)"; Kamailio checks it on every call, Sipway once (null: not an AVP). */
    static String avpName(Arg a) {
        if (!a.isConstant()) {
            throw new FunctionSpec.BadArgument(a, "the AVP must be written as a string, like \"$avp(name)\"");
        }
        String s = a.constantString().trim();
        if (!s.startsWith("$avp(") || !s.endsWith(")") || s.length() == 6 || s.indexOf('$', 1) >= 0) {
            return null;
        }
        String inner = s.substring(5, s.length() - 1);
        return inner.startsWith("s:") ? inner.substring(2) : inner;
    }

    /** Records the edits of one call; where a deletion overlaps edits made before, only the bytes they leave are deleted. */
    static void record(MsgContext m, String function, List<Lumps.Edit> edits) {
        if (edits.isEmpty()) {
            return;
        }
        if (m.textEdits == null) {
            m.textEdits = new Lumps.TextEdits(m.msg);
        }
        for (Lumps.Edit e : edits) {
            union(m.textEdits, function, e);
        }
    }

    /**
     * Kamailio deletes the union of overlapping deletion lumps (checked against 5.6.3: a codec's
     * rtpmap line removed, then its whole stream; a run of lines, then one line of it; and the
     * reverse): a deletion takes what no edit touched yet. A replacement that overlaps (the
     * sess-version) is refused by the text edits, logged.
     */
    private static void union(Lumps.TextEdits t, String function, Lumps.Edit e) {
        if (!e.isInsertion() && e.insert().length == 0) {
            t.deleteUncovered(e.start(), e.end());
        } else {
            t.add(function, List.of(e));
        }
    }

    private static long editCodecs(MsgContext m, String fn, String list, String media, boolean byName, boolean keep) {
        Sdp sdp = Sdp.of(m);
        if (!sdp.ok()) {
            return failed(fn, sdp);
        }
        String ids = byName ? SdpEdits.ids(sdp, list) : list;
        if (ids == null) {
            return -1; // no id for any of the names
        }
        record(m, fn, keep ? SdpEdits.keepCodecs(sdp, ids, media) : SdpEdits.removeCodecs(sdp, ids, media));
        return 1;
    }

    /** -1 for a body that is no SDP (logged, as Kamailio does) or for none (not logged). */
    private static long failed(String fn, Sdp sdp) {
        if (sdp.status == Sdp.Status.ERROR) {
            LOG.error("{}: unable to parse sdp", fn);
        }
        return -1;
    }

    private static long removeLines(MsgContext m, String prefix, String media) {
        Sdp sdp = Sdp.of(m);
        if (!sdp.ok()) {
            LOG.error("sdp_remove_line_by_prefix: unable to parse SDP");
            return -1;
        }
        int[] count = {0};
        if (media == null || media.isEmpty()) {
            record(m, "sdp_remove_line_by_prefix", SdpEdits.removeLines(sdp.text, sdp.start, sdp.end, prefix, count));
        } else {
            for (Sdp.Stream s : sdp.streams) {
                if (s.media().equalsIgnoreCase(media)) {
                    record(m, "sdp_remove_line_by_prefix", SdpEdits.removeLines(sdp.text, s.start(), s.end(), prefix, count));
                }
            }
        }
        LOG.debug("sdp_remove_line_by_prefix: {} lines begin with {}", count[0], prefix);
        return 1;
    }

    private static long removeStreams(MsgContext m, String fn, java.util.function.Predicate<Sdp.Stream> which) {
        Sdp sdp = Sdp.of(m);
        if (!sdp.ok()) {
            return failed(fn, sdp);
        }
        List<Lumps.Edit> edits = SdpEdits.removeStreams(sdp, which);
        record(m, fn, edits);
        return edits.size();
    }

    private static long anyStream(MsgContext m, java.util.function.Predicate<Sdp.Stream> test) {
        Sdp sdp = Sdp.of(m);
        return sdp.streams.stream().anyMatch(test) ? 1 : 0;
    }

    /** atoi: the leading decimal digits (a port like "9/2" is 9). */
    static long leadingInt(String s) {
        long v = 0;
        for (int i = 0; i < s.length() && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static long transport(MsgContext m, String avp) {
        if (avp == null) {
            LOG.error("sdp_transport: the parameter is no AVP");
            return -1;
        }
        Sdp sdp = Sdp.of(m);
        if (sdp.status == Sdp.Status.ERROR) {
            LOG.error("sdp_transport: unable to parse sdp");
            return -1;
        }
        String common = null;
        for (Sdp.Stream s : sdp.streams) {
            if (common == null) {
                common = s.transport();
            } else if (!common.equalsIgnoreCase(s.transport())) {
                return -2; // no common transport
            }
        }
        if (common != null) {
            m.avps().add(avp, common);
        }
        return 1;
    }

    private static long get(MsgContext m, String avp) {
        if (avp == null) {
            LOG.error("sdp_get: the parameter is no AVP");
            return -1;
        }
        Sdp sdp = Sdp.of(m);
        if (sdp.status != Sdp.Status.OK) {
            return sdp.status == Sdp.Status.NO_BODY ? -2 : -1;
        }
        m.avps().add(avp, SdpChecks.utf8(sdp.text.substring(sdp.start, sdp.end)));
        return 1;
    }

    /**
     * Kamailio 5.6's sdp_print parses the body and hands print_sdp a null pointer rather than the
     * parsed SDP, so all it logs is "no sdp body" at NOTICE, whatever the level: Sipway logs the same.
     */
    private static long print(MsgContext m, String level) {
        if (SdpChecks.number(level.trim()) == null) {
            LOG.error("sdp_print: unable to get the debug level value");
            return -1;
        }
        if (Sdp.of(m).status == Sdp.Status.ERROR) {
            LOG.error("sdp_print: unable to parse sdp");
            return -1;
        }
        LOG.info("print_sdp(): no sdp body");
        return 1;
    }

    /** $sdp(body): the SDP of a message whose SDP parses, else $null; an assignment is refused when it runs, as in Kamailio. */
    private static Pv body() {
        return new Pv() {
            @Override
            public Object get(ScriptContext ctx) {
                Sdp sdp = Sdp.of(c(ctx));
                return sdp.ok() ? SdpChecks.utf8(sdp.text.substring(sdp.start, sdp.end)) : null;
            }

            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void set(ScriptContext ctx, Object value) {
                LOG.error("$sdp(body): unknown PV to assign (only $sdp(sess_version) can be)");
            }
        };
    }
}
