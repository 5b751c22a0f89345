package io.sipway.proxy.module.pv;

import static io.sipway.proxy.module.pv.ParamTransformations.parseParams;
import static io.sipway.proxy.module.pv.ParamTransformations.valueOf;
import static io.sipway.proxy.module.pv.Transformations.isBlank;
import static io.sipway.proxy.module.pv.Transformations.nonEmpty;
import static io.sipway.proxy.module.pv.Transformations.plain;
import static io.sipway.proxy.module.pv.Transformations.skipBlanks;

import io.sipway.cfg.Transformation;
import io.sipway.proxy.module.pv.ParamTransformations.Param;
import io.sipway.proxy.module.pv.UriTransformations.Uri;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code nameaddr.} and {@code tobody.} transformations (pv_trans.c tr_eval_nameaddr and
 * tr_eval_tobody, over parse_nameaddr.c and parse_to): the parts of a name-addr and of a To/From
 * header body.
 */
final class AddressTransformations {

    private AddressTransformations() {
    }

    /** Puts the nameaddr. and tobody. names into {@link Transformations}'s table. */
    static void register() {
        plain("nameaddr.name", nameAddr(a -> a.name));
        plain("nameaddr.uri", nameAddr(a -> a.uri));
        plain("nameaddr.len", nameAddr(a -> a.len));

        plain("tobody.uri", toBody(t -> t.uri));
        plain("tobody.display", toBody(t -> t.display));
        plain("tobody.tag", toBody(t -> t.tag));
        plain("tobody.user", toBody(t -> t.parsed.user));
        plain("tobody.host", toBody(t -> t.parsed.host));
        plain("tobody.params", toBody(t -> t.params));
    }

    /**
     * Kamailio's parse_nameaddr: the name is the text before the first '<' outside double quotes, as
     * written (quotes and the blank before '<' kept: the wiki's {@code "test"} example shows it
     * trimmed, the code does not trim); the URI is up to the next unquoted '>' (none fails); the length
     * counts the bytes up to and including '>'. Without '<' the whole value is the URI, the name "".
     */
    private record NameAddr(String name, String uri, Long len) {
        static NameAddr parse(String s) {
            int lt = findNotQuoted(s, 0, '<');
            if (lt < 0) {
                return new NameAddr("", s, (long) utf8Length(s));
            }
            int gt = findNotQuoted(s, lt + 1, '>');
            if (gt < 0) {
                return null;
            }
            return new NameAddr(s.substring(0, lt), s.substring(lt + 1, gt), (long) utf8Length(s.substring(0, gt + 1)));
        }
    }

    /** parser_f.h find_not_quoted: c outside "..." (a quote after a backslash does not close). */
    private static int findNotQuoted(String s, int from, char c) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!quoted) {
                if (ch == '"') {
                    quoted = true;
                } else if (ch == c) {
                    return i;
                }
            } else if (ch == '"' && s.charAt(i - 1) != '\\') {
                quoted = false;
            }
        }
        return -1;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Transformation nameAddr(Function<NameAddr, Object> part) {
        return (v, ctx) -> {
            String s = nonEmpty(v);
            NameAddr a = s == null ? null : NameAddr.parse(s);
            return a == null ? null : part.apply(a);
        };
    }

    /**
     * A To/From header body as Kamailio's parse_to reads it: an optional display name (a quoted string,
     * quotes kept, or words before '<', blanks around them dropped), the URI in &lt;&gt; or bare (then
     * ending at ';' or a blank), then ';' and header parameters. The URI must parse, else the
     * transformation fails; {@code params} is the text from the first parameter's name to the end.
     */
    private record ToBody(String display, String uri, String tag, String params, Uri parsed) {
        static ToBody parse(String s) {
            int n = s.length();
            int i = skipBlanks(s, 0);
            String display = "";
            int uriStart;
            int uriEnd;
            int lt = findNotQuoted(s, i, '<');
            if (i < n && s.charAt(i) == '"' || lt >= 0) {
                if (i < n && s.charAt(i) == '"') {
                    int close = closingQuote(s, i);
                    if (close < 0) {
                        return null;
                    }
                    display = s.substring(i, close + 1);
                    i = skipBlanks(s, close + 1);
                    if (i >= n || s.charAt(i) != '<') {
                        return null;
                    }
                } else {
                    display = s.substring(i, lt).strip();
                    i = lt;
                }
                uriStart = i + 1;
                uriEnd = s.indexOf('>', uriStart);
                if (uriEnd < 0) {
                    return null;
                }
                i = skipBlanks(s, uriEnd + 1);
            } else {
                uriStart = i;
                while (i < n && s.charAt(i) != ';' && !isBlank(s.charAt(i))) {
                    i++;
                }
                uriEnd = i;
                i = skipBlanks(s, i);
            }
            String params = "";
            String tag = "";
            if (i < n) {
                if (s.charAt(i) != ';') {
                    return null;
                }
                params = s.substring(skipBlanks(s, i + 1));
                List<Param> list = params.isEmpty() ? null : parseParams(params, ';');
                if (list == null) {
                    return null;
                }
                tag = (String) valueOf(list, "tag", "");
            }
            String uri = s.substring(uriStart, uriEnd);
            Uri parsed = uri.isEmpty() ? null : Uri.parse(uri);
            return parsed == null ? null : new ToBody(display, uri, tag, params, parsed);
        }
    }

    /** The closing '"' of the quoted string opening at {@code open} (backslash escapes), or -1. */
    private static int closingQuote(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static Transformation toBody(Function<ToBody, Object> part) {
        return (v, ctx) -> {
            String s = nonEmpty(v);
            ToBody t = s == null ? null : ToBody.parse(s);
            return t == null ? null : part.apply(t);
        };
    }
}
