package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.CompiledScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transformations a running proxy applies beyond the language's s. class, one test per class,
 * with the examples of Kamailio's wiki page "Transformations" (cookbooks 5.6.x) as cases; where the
 * page and pv_trans.c disagree, the case says which one Sipway follows (the code).
 */
class TransformationsTest {
    private final ModuleHarness h = new ModuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /** $(var(in){...}) with $var(in) set to the input (a String or a Long); null input reads an unset $avp. */
    private Object tr(Object input, String transformations) {
        String base = input == null ? "avp(unset)" : "var(in)";
        String set = input == null ? "" : "  $var(in) = " + literal(input) + ";\n";
        return run(set + "  $avp(out) = $(" + base + transformations + ");\n");
    }

    /** Runs route statements on invite-sdp.sip and reads $avp(out). */
    private Object run(String statements) {
        CompiledScript s = h.load("request_route {\n" + statements + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        return h.pv("$avp(out)", m);
    }

    private static String literal(Object value) {
        if (value instanceof Long) {
            return value.toString();
        }
        return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n")
                + "\"";
    }

    @Test
    void uriReturnsThePartsOfASipUriAndTheEmptyStringForMissingOnes() {
        String ouri = "sip:alice@server.com:5060;nat=yes;transport=tcp;line=xyz";
        assertThat(tr(ouri, "{uri.duri}")).isEqualTo("sip:server.com:5060;transport=tcp");
        assertThat(tr(ouri, "{uri.saor}")).isEqualTo("sip:alice@server.com");
        assertThat(tr(ouri, "{uri.suri}")).isEqualTo("sip:alice@server.com:5060;transport=tcp");
        assertThat(tr("sip:test@127.0.0.1:5060;transport=udp", "{uri.tosocket}")).isEqualTo("udp:127.0.0.1:5060");

        assertThat(tr(ouri, "{uri.user}")).isEqualTo("alice");
        assertThat(tr(ouri, "{uri.host}")).isEqualTo("server.com");
        assertThat(tr(ouri, "{uri.domain}")).isEqualTo("server.com");
        assertThat(tr(ouri, "{uri.port}")).isEqualTo(5060L);
        assertThat(tr(ouri, "{uri.params}")).isEqualTo("nat=yes;transport=tcp;line=xyz");
        assertThat(tr(ouri, "{uri.param,line}")).isEqualTo("xyz");
        assertThat(tr(ouri, "{uri.param,LINE}")).isEqualTo("xyz"); // names in any case
        assertThat(tr(ouri, "{uri.transport}")).isEqualTo("tcp");
        assertThat(tr(ouri, "{uri.scheme}")).isEqualTo("sip");

        String full = "sips:bob:secret@[2001:db8::1]:5061;lr;maddr=239.255.255.1;ttl=15;method=INVITE;user=ip;r2=on"
                + "?subject=hi&priority=urgent";
        assertThat(tr(full, "{uri.passwd}")).isEqualTo("secret");
        assertThat(tr(full, "{uri.host}")).isEqualTo("[2001:db8::1]");
        assertThat(tr(full, "{uri.port}")).isEqualTo(5061L);
        assertThat(tr(full, "{uri.params}")).isEqualTo("lr;maddr=239.255.255.1;ttl=15;method=INVITE;user=ip;r2=on");
        assertThat(tr(full, "{uri.headers}")).isEqualTo("subject=hi&priority=urgent");
        assertThat(tr(full, "{uri.maddr}")).isEqualTo("239.255.255.1");
        assertThat(tr(full, "{uri.ttl}")).isEqualTo("15");
        assertThat(tr(full, "{uri.method}")).isEqualTo("INVITE");
        assertThat(tr(full, "{uri.uparam}")).isEqualTo("ip");
        assertThat(tr(full, "{uri.r2}")).isEqualTo("on");
        assertThat(tr(full, "{uri.lr}")).isEqualTo(""); // a flag has no value
        assertThat(tr(full, "{uri.scheme}")).isEqualTo("sips");
        assertThat(tr(full, "{uri.tosocket}")).isEqualTo(""); // no transport parameter: no protocol

        String bare = "sip:example.com";
        assertThat(tr(bare, "{uri.user}")).isEqualTo("");
        assertThat(tr(bare, "{uri.passwd}")).isEqualTo("");
        assertThat(tr(bare, "{uri.port}")).isEqualTo(""); // not 5060
        assertThat(tr(bare, "{uri.params}")).isEqualTo("");
        assertThat(tr(bare, "{uri.param,transport}")).isEqualTo("");
        assertThat(tr(bare, "{uri.headers}")).isEqualTo("");
        assertThat(tr(bare, "{uri.transport}")).isEqualTo("");
        assertThat(tr(bare, "{uri.saor}")).isEqualTo("sip:example.com");
        assertThat(tr(bare, "{uri.duri}")).isEqualTo("sip:example.com");
        assertThat(tr("sip:example.com;transport=TLS", "{uri.tosocket}")).isEqualTo("tls:example.com:5060");
    }

    @Test
    void uriReadsTelUrisAndTheUserOfUserPhoneUrisAsKamailioDoes() {
        assertThat(tr("tel:+4930123456;phone-context=example.com", "{uri.user}")).isEqualTo("+4930123456");
        assertThat(tr("tel:+4930123456;phone-context=example.com", "{uri.host}")).isEqualTo("");
        assertThat(tr("tel:+4930123456;phone-context=example.com", "{uri.params}")).isEqualTo(""); // sip: parameters only
        assertThat(tr("tel:+4930123456", "{uri.scheme}")).isEqualTo("tel");
        // core's phone2tel: the parameters inside the user part of a user=phone URI are not the user
        assertThat(tr("sip:+4930123456;npdi@example.com;user=phone", "{uri.user}")).isEqualTo("+4930123456");
        assertThat(tr("sip:+4930123456;npdi@example.com;user=phone", "{uri.uparam}")).isEqualTo("phone");
        assertThat(tr("sip:+4930123456;npdi@example.com;user=phone", "{uri.saor}")).isEqualTo("sip:+4930123456@example.com");
    }

    @Test
    void uriFailsOnAValueThatIsNotAUriAndIgnoresOneTrailingSemicolon() {
        assertThat(tr("sip:alice@example.com;", "{uri.host}")).isEqualTo("example.com");
        assertThat(tr("not a uri", "{uri.user}")).isNull();
        assertThat(tr("http://example.com/", "{uri.host}")).isNull();
        assertThat(tr("", "{uri.user}")).isNull();
        assertThat(tr(5060L, "{uri.user}")).isNull();
        assertThat(tr(null, "{uri.user}")).isNull();
        assertThat(tr("not a uri", "{uri.user}{s.len}")).isNull(); // the rest of the chain sees $null
    }

    @Test
    void uriOnTheMessagesPseudoVariables() {
        assertThat(run("  $avp(out) = $(ru{uri.user}) + \"|\" + $(ru{uri.param,user}) + \"|\" + $(ru{uri.transport})"
                + " + \"|\" + $(fu{uri.host}) + \"|\" + $(tu{uri.user});\n"))
                .isEqualTo("+4930123456|phone|udp|atlanta.example.com|bob");
        assertThat(run("  if ($(ru{uri.port}) == \"\") { $avp(out) = \"no port\"; }\n")).isEqualTo("no port");
    }

    @Test
    void paramReadsNameValueListsLikeTheWikiExamples() {
        String list = "a=1;b=2;c=3";
        assertThat(tr(list, "{param.value,c}")).isEqualTo("3");
        assertThat(tr(list, "{param.in,c}")).isEqualTo(1L);
        assertThat(tr(list, "{param.in,d}")).isEqualTo(0L);
        assertThat(tr(list, "{param.valueat,1}")).isEqualTo("2");
        assertThat(tr(list, "{param.name,1}")).isEqualTo("b");
        assertThat(tr(list, "{param.count}")).isEqualTo(3L);
        // "the length of the value of parameter at position 1"
        assertThat(tr("a=1;b=22;c=333", "{param.value,$(var(in){param.name,1})}{s.len}")).isEqualTo(2L);
        // a delimiter of the script's choice, e.g. '&' for HTTP query strings
        assertThat(tr("this=is&the=querystring", "{param.value,the,&}")).isEqualTo("querystring");
        assertThat(tr("this=is&the=querystring", "{param.count,&}")).isEqualTo(2L);
        assertThat(tr("this=is&the=querystring", "{param.name,-1,&}")).isEqualTo("the");
    }

    @Test
    void paramFollowsKamailiosParameterParser() {
        assertThat(tr("a=1;b=2;c=3", "{param.valueat,-1}")).isEqualTo("3");
        assertThat(tr("a=1;b=2;c=3", "{param.valueat,3}")).isEqualTo("");
        assertThat(tr("a=1;b=2;c=3", "{param.name,-4}")).isEqualTo("");
        assertThat(tr("a=1;b=2;c=3", "{param.value,d}")).isEqualTo("");
        assertThat(tr("a=1;b=2;", "{param.count}")).isEqualTo(2L); // one trailing separator ignored
        assertThat(tr("A=1", "{param.value,a}")).isEqualTo("1"); // names in any case
        assertThat(tr("a=1;a=2", "{param.value,a}")).isEqualTo("2"); // the last one wins
        assertThat(tr("lr;a = 1", "{param.value,a}")).isEqualTo("1");
        assertThat(tr("lr;a=1", "{param.in,lr}")).isEqualTo(1L);
        assertThat(tr("lr;a=1", "{param.value,lr}")).isEqualTo("");
        assertThat(tr("a=\"x;y\";b='z'", "{param.value,a}")).isEqualTo("x;y"); // quotes dropped
        assertThat(tr("a=\"x;y\";b='z'", "{param.value,b}")).isEqualTo("z");
        assertThat(tr("a=1;b=2", "{param.value, b}")).isEqualTo("2"); // blanks before a parameter are skipped
        // not a parameter list: the transformation fails
        assertThat(tr("a=;b=2", "{param.value,b}")).isNull();
        assertThat(tr("a b", "{param.count}")).isNull();
        assertThat(tr("", "{param.count}")).isNull();
        assertThat(tr(null, "{param.count}")).isNull();
    }

    @Test
    void paramOnANameAddrReadsPlainTextAsKamailioIssue1305Shows() {
        String path = "<sip:10.0.0.1;received=sip:192.0.2.7:5060>";
        assertThat(tr(path, "{param.value,received}")).isEqualTo("sip:192.0.2.7:5060>"); // the '>' comes along
        assertThat(tr(path, "{tobody.uri}{param.value,received}")).isEqualTo("sip:192.0.2.7:5060"); // the advised way
        assertThat(tr(path, "{tobody.uri}{uri.param,received}")).isEqualTo("sip:192.0.2.7:5060");
    }

    @Test
    void paramParametersMayBePseudoVariables() {
        assertThat(run("  $var(in) = \"a=1;b=2;c=3\"; $var(n) = \"b\"; $var(i) = 2; $var(s) = \"&\";\n"
                + "  $avp(out) = $(var(in){param.value,$var(n)}) + $(var(in){param.valueat,$var(i)})"
                + " + $(var(in){param.name,$var(i)}) + \"/\" + $(var(in){param.count,$var(s)});\n"))
                .isEqualTo("23c/1");
    }

    @Test
    void nameaddrSplitsDisplayNameAndUri() {
        String na = "\"test\" <sip:test@kamailio.net>";
        assertThat(tr(na, "{nameaddr.uri}")).isEqualTo("sip:test@kamailio.net");
        // the wiki shows "test"; pv_trans.c gives the text before '<' as written, quotes and blank kept
        assertThat(tr(na, "{nameaddr.name}")).isEqualTo("\"test\" ");
        assertThat(tr(na + ";tag=1", "{nameaddr.len}")).isEqualTo(30L); // up to and including '>'
        assertThat(tr("sip:test@kamailio.net", "{nameaddr.uri}")).isEqualTo("sip:test@kamailio.net"); // no '<': all URI
        assertThat(tr("sip:test@kamailio.net", "{nameaddr.name}")).isEqualTo("");
        assertThat(tr("sip:test@kamailio.net", "{nameaddr.len}")).isEqualTo(21L);
        assertThat(tr("\"a <b>\" <sip:x@y>", "{nameaddr.uri}")).isEqualTo("sip:x@y"); // '<' inside quotes is text
        assertThat(tr("<sip:x@y", "{nameaddr.uri}")).isNull(); // no '>'
        assertThat(run("  $avp(out) = $(ct{nameaddr.uri});\n")).isEqualTo("sip:alice@192.0.2.10:5062;transport=udp");
    }

    @Test
    void tobodyReadsAToLikeHeaderBody() {
        String to = "\"Bob B.\" <sip:bob@example.com>;tag=a6c85cf;x=y";
        assertThat(tr(to, "{tobody.uri}")).isEqualTo("sip:bob@example.com");
        assertThat(tr(to, "{tobody.display}")).isEqualTo("\"Bob B.\""); // quotes kept, as $tn
        assertThat(tr(to, "{tobody.tag}")).isEqualTo("a6c85cf");
        assertThat(tr(to, "{tobody.user}")).isEqualTo("bob");
        assertThat(tr(to, "{tobody.host}")).isEqualTo("example.com");
        assertThat(tr(to, "{tobody.params}")).isEqualTo("tag=a6c85cf;x=y");
        assertThat(tr("sip:carol@chicago.example.com;tag=1", "{tobody.uri}")).isEqualTo("sip:carol@chicago.example.com");
        assertThat(tr("sip:carol@chicago.example.com;tag=1", "{tobody.tag}")).isEqualTo("1");
        assertThat(tr("sip:carol@chicago.example.com", "{tobody.tag}")).isEqualTo("");
        assertThat(tr("sip:carol@chicago.example.com", "{tobody.display}")).isEqualTo("");
        assertThat(tr("sip:carol@chicago.example.com", "{tobody.params}")).isEqualTo("");
        assertThat(tr("<sip:carol@chicago.example.com", "{tobody.uri}")).isNull();
        assertThat(tr("Carol <not a uri>", "{tobody.uri}")).isNull();
        assertThat(run("  $avp(out) = $(hdr(From){tobody.display}) + \" \" + $(hdr(From){tobody.tag}) + \" \""
                + " + $(hdr(From){tobody.host});\n")).isEqualTo("Alice 1928301774 atlanta.example.com");
    }

    @Test
    void lineCountsPicksAndFindsLines() {
        String text = "a=1\nb=2\nc=3";
        assertThat(tr(text, "{line.count}")).isEqualTo("3"); // a string: tr_eval_line marks its result so
        assertThat(tr(text + "\n", "{line.count}")).isEqualTo("3");
        assertThat(tr(text, "{line.at,0}")).isEqualTo("a=1");
        assertThat(tr(text, "{line.at,2}")).isEqualTo("c=3");
        assertThat(tr(text, "{line.at,3}")).isEqualTo("");
        assertThat(tr(text, "{line.at,-1}")).isEqualTo("c=3");
        assertThat(tr(text + "\n", "{line.at,-1}")).isEqualTo("c=3");
        assertThat(tr(text, "{line.at,-3}")).isEqualTo("a=1");
        assertThat(tr(text, "{line.at,-4}")).isEqualTo("");
        assertThat(tr(text, "{line.sw,b=}")).isEqualTo("b=2");
        assertThat(tr(text, "{line.sw,x}")).isEqualTo("");
        assertThat(tr("", "{line.count}")).isNull();
        // CRLF text such as a body: lines come back without their CR
        assertThat(run("  $avp(out) = $(rb{line.count}) + \"|\" + $(rb{line.at,1}) + \"|\" + $(rb{line.sw,m=})"
                + " + \"|\" + $(rb{line.at,-1});\n"))
                .isEqualTo("7|o=alice 2890844526 2890844526 IN IP4 192.0.2.10|m=audio 49170 RTP/AVP 0|a=rtpmap:0 PCMU/8000");
        assertThat(run("  $var(i) = 2; $var(p) = \"t=\";\n  $avp(out) = $(rb{line.at,$var(i)}) + \"|\" + $(rb{line.sw,$var(p)});\n"))
                .isEqualTo("s=-|t=0 0");
    }

    @Test
    void valGivesNullADefaultAndEscapesForJson() {
        assertThat(tr(null, "{val.n0}")).isEqualTo(0L);
        assertThat(tr(null, "{val.ne}")).isEqualTo("");
        assertThat(tr(null, "{val.json}")).isEqualTo("");
        assertThat(tr(null, "{val.jsonqe}")).isEqualTo("\"\"");
        assertThat(tr("x", "{val.n0}")).isEqualTo("x");
        assertThat(tr(7L, "{val.ne}")).isEqualTo(7L);
        String named = "\"name\" <sip:name@a.com>";
        assertThat(tr(named, "{val.json}")).isEqualTo("\\\"name\\\" <sip:name@a.com>");
        assertThat(tr(named, "{val.jsonqe}")).isEqualTo("\"\\\"name\\\" <sip:name@a.com>\"");
        assertThat(tr("a\tb\\c\u0001", "{val.json}")).isEqualTo("a\\tb\\\\c\\u0001");
        assertThat(tr(42L, "{val.jsonqe}")).isEqualTo(42L); // a number stays as it is
        // pv_trans.c, not the wiki: a string with nothing to escape comes back without quotes
        assertThat(tr("abc", "{val.jsonqe}")).isEqualTo("abc");
    }

    @Test
    void reSubstReplacesWithPosixRegularExpressions() {
        // Request-URI sip:+4930123456@example.com;user=phone;transport=udp
        assertThat(run("  $avp(out) = $(ru{re.subst,/^sip:(.*)@(.*)/\\1/});\n")).isEqualTo("+4930123456");
        assertThat(tr("ABBA", "{re.subst,/A/a/g}")).isEqualTo("aBBa");
        assertThat(tr("ABBA", "{re.subst,/A/a/}")).isEqualTo("aBBA"); // without g: the first match only
        assertThat(tr("AbA", "{re.subst,/a/x/gi}")).isEqualTo("xbx");
        assertThat(tr("1,2,3", "{re.subst,/,/;/g}")).isEqualTo("1;2;3"); // commas belong to the expression
        assertThat(tr("a.b|c", "{re.subst,|[.]|\\||}")).isEqualTo("a|b|c"); // any separator; \| is a literal one
        assertThat(tr("one\ntwo", "{re.subst,/^t/T/g}")).isEqualTo("one\nTwo"); // ^ at every line
        assertThat(tr("one\ntwo", "{re.subst,/^t/T/gs}")).isEqualTo("one\ntwo"); // s: one line
        assertThat(tr("ab", "{re.subst,/(a)(x)?/[\\2\\1\\0]/}")).isEqualTo("[aa]b"); // a group that did not match adds nothing
        assertThat(tr("user", "{re.subst,/user/\\u/}")).isEqualTo("sip:+4930123456@example.com;user=phone;transport=udp");
        assertThat(tr("abc", "{re.subst,/b/[$rU]/}")).isEqualTo("a[+4930123456]c"); // the proxy's pseudo-variables
        assertThat(run("  $var(in) = \"abc\"; $avp(p) = \"X\";\n  $avp(out) = $(var(in){re.subst,/b/$avp(p)\\$/});\n"))
                .isEqualTo("aX$c");
        assertThat(tr("abc", "{re.subst,/x/y/}")).isEqualTo("abc"); // no match: unchanged
        assertThat(tr(42L, "{re.subst,/x/y/}")).isEqualTo(42L);
        assertThat(tr("abc", "{re.subst,/x*/y/}")).isNull(); // an empty match fails, as in Kamailio
        assertThat(tr("aa", "{re.subst,/a*/y/g}")).isNull(); // ... also the one after the last real match
        assertThat(tr("", "{re.subst,/x/y/}")).isNull();
        assertThat(run("  $var(in) = \"abcb\"; $var(re) = \"/b/B/g\";\n  $avp(out) = $(var(in){re.subst,$var(re)});\n"))
                .isEqualTo("aBcB");
        assertThat(run("  $var(in) = \"abc\"; $var(re) = \"/b/B/q\";\n  $avp(out) = $(var(in){re.subst,$var(re)});\n"))
                .isNull(); // an expression read at run time that does not compile fails the transformation
    }

    @Test
    void urlSplitsAnHttpUrl() {
        String url = "/path/to/file/?this=is&the=querystring";
        assertThat(tr(url, "{url.path}")).isEqualTo("/path/to/file/");
        assertThat(tr(url, "{url.querystring}")).isEqualTo("this=is&the=querystring");
        assertThat(tr("/index.html", "{url.path}")).isEqualTo("/index.html");
        assertThat(tr("/index.html", "{url.querystring}")).isEqualTo("");
        assertThat(tr(url, "{url.querystring}{param.value,the,&}")).isEqualTo("querystring");
    }

    /** Parameters for the s. transformations that take some, as a script writes them. */
    private static final Map<String, String> S_PARAMS = Map.ofEntries(Map.entry("s.substr", ",1,2"),
            Map.entry("s.select", ",0,@"), Map.entry("s.strip", ",2"), Map.entry("s.striptail", ",2"),
            Map.entry("s.prefixes", ",3"), Map.entry("s.prefixes.quoted", ",3"), Map.entry("s.replace", ",a,b"),
            Map.entry("s.ftime", ",%Y-%m-%d"), Map.entry("s.rm", ",a"), Map.entry("s.corehash", ",16"),
            Map.entry("s.count", ",@"), Map.entry("s.after", ",@"), Map.entry("s.rafter", ",@"),
            Map.entry("s.before", ",@"), Map.entry("s.rbefore", ",@"), Map.entry("s.fmtlines", ",4,2"),
            Map.entry("s.fmtlinet", ",4,2"));

    @Test
    void everyStringTransformationCheckModeKnowsLoadsAndRuns() {
        // the s. class of Kamailio 5.6's transformations page against what a running proxy applies: none refused at load
        List<String> names = List.of("s.after", "s.before", "s.corehash", "s.count", "s.decode.7bit", "s.decode.base58", "s.decode.base64", "s.decode.base64t", "s.decode.base64url", "s.decode.base64urlt", "s.decode.hexa", "s.encode.7bit", "s.encode.base58", "s.encode.base64", "s.encode.base64t", "s.encode.base64url", "s.encode.base64urlt", "s.encode.hexa", "s.escape.common", "s.escape.csv", "s.escape.param", "s.escape.user", "s.fmtlines", "s.fmtlinet", "s.ftime", "s.int", "s.len", "s.ltrim", "s.md5", "s.numeric", "s.prefixes", "s.prefixes.quoted", "s.rafter", "s.rbefore", "s.replace", "s.rm", "s.rmws", "s.rtrim", "s.select", "s.sha256", "s.sha384", "s.sha512", "s.strip", "s.striptail", "s.substr", "s.tolower", "s.toupper", "s.trim", "s.unbracket", "s.unescape.common", "s.unescape.param", "s.unescape.user", "s.unquote", "s.urldecode.param", "s.urlencode.param");
        assertThat(names).hasSizeGreaterThanOrEqualTo(55).contains("s.replace", "s.ftime", "s.fmtlinet", "s.corehash");
        StringBuilder route = new StringBuilder("  $var(in) = \"alice@atlanta.com\";\n");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            route.append("  $avp(t").append(i).append(") = $(var(in){").append(name).append(S_PARAMS.getOrDefault(name, ""))
                    .append("});\n");
        }
        CompiledScript s = h.load("request_route {\n" + route + "}\n");
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(h.pv("$avp(t" + names.indexOf("s.replace") + ")", m)).isEqualTo("blice@btlbntb.com");
        assertThat(h.pv("$avp(t" + names.indexOf("s.after") + ")", m)).isEqualTo("atlanta.com");
        assertThat(h.pv("$avp(t" + names.indexOf("s.count") + ")", m)).isEqualTo(1L);
        assertThat(h.pv("$avp(t" + names.indexOf("s.escape.csv") + ")", m)).isEqualTo("\"alice@atlanta.com\"");
    }

    @Test
    void stringTransformationsOfThe56PageInAScript() {
        assertThat(tr("abababa", "{s.replace,a,c}")).isEqualTo("cbcbcbc");
        assertThat(tr("abababa", "{s.count,a}")).isEqualTo(4L);
        assertThat(tr("a,b,,c", "{s.count,,}")).isEqualTo(3L); // the comma, written twice
        assertThat(tr("abcdef", "{s.after,c}")).isEqualTo("def");
        assertThat(tr("abcdefcgh", "{s.rafter,c}")).isEqualTo("gh");
        assertThat(tr("abcdef", "{s.before,c}")).isEqualTo("ab");
        assertThat(tr("abcdefcgh", "{s.rbefore,c}")).isEqualTo("abcdef");
        assertThat(tr("abcdefgh", "{s.fmtlines,4,2}")).isEqualTo("abcd\r\n  efgh");
        assertThat(tr("abcdefgh", "{s.fmtlinet,4,2}")).isEqualTo("abcd\r\n\t\tefgh");
        assertThat(tr("foo,bar\"baz", "{s.escape.csv}")).isEqualTo("\"foo,bar\"\"baz\"");
        assertThat(tr("testing a test", "{s.rm,test}")).isEqualTo("ing a ");
        assertThat(tr("abc", "{s.corehash}")).isEqualTo("7167810");
        assertThat(tr("abc", "{s.corehash,16}")).isEqualTo("2");
        assertThat(tr("alice smith", "{s.escape.user}")).isEqualTo("alice%20smith");
        assertThat(tr("alice smith", "{s.escape.user}{s.unescape.user}")).isEqualTo("alice smith");
        assertThat(tr("a b&c", "{s.urlencode.param}")).isEqualTo("a%20b%26c");
        assertThat(tr("a%20b+c", "{s.urldecode.param}")).isEqualTo("a b c");
        assertThat(tr("hellohello", "{s.encode.7bit}")).isEqualTo("E8329BFD4697D9EC37");
        assertThat(tr("Hello World!", "{s.encode.base58}")).isEqualTo("2NEpo7TZRRrLZSi2U");
        assertThat(tr(">>>?", "{s.encode.base64urlt}")).isEqualTo("Pj4-Pw");
        assertThat(tr("Pj4-Pw", "{s.decode.base64urlt}")).isEqualTo(">>>?");
        assertThat(tr("ab", "{s.encode.base64t}{s.decode.base64t}")).isEqualTo("ab");
    }

    @Test
    void ftimeFormatsAnEpochInTheLocalTimeZone() {
        long ts = 1_700_000_000L;
        String expected = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(Instant.ofEpochSecond(ts)
                .atZone(ZoneId.systemDefault()));
        assertThat(tr(ts, "{s.ftime,%Y-%m-%d %H:%M:%S}")).isEqualTo(expected);
        assertThat(tr("1700000000", "{s.ftime,%s}")).isEqualTo("1700000000");
        assertThat(tr("not a number", "{s.ftime,%s}")).isNull();
        assertThat(run("  $var(t) = 60;\n  $var(f) = \"[%s]\";\n  $avp(out) = $(var(t){s.ftime,$var(f)}{s.unbracket}{s.int});\n"))
                .isEqualTo(60L);
    }

    @Test
    void stringParametersMayBePseudoVariables() {
        assertThat(run("  $var(in) = \"abab\";\n  $var(m) = \"b\";\n  $var(r) = \"X\";\n"
                + "  $avp(out) = $(var(in){s.replace,$var(m),$var(r)});\n")).isEqualTo("aXaX");
        assertThat(run("  $var(in) = \"a@b\";\n  $var(c) = \"@\";\n  $avp(out) = $(var(in){s.before,$var(c)});\n"))
                .isEqualTo("a");
        // Kamailio insists on non-empty text in a pseudo-variable parameter: the value reads $null
        assertThat(run("  $var(in) = \"abab\";\n  $var(r) = \"\";\n  $avp(out) = $(var(in){s.replace,b,$var(r)});\n"))
                .isNull();
    }

    @Test
    void theStringTransformationsCorpusScriptRunsInTheProxy() throws IOException {
        // scripts/valid/24-transformations-string.cfg, its request_route as the running proxy loads it, unchanged
        String cfg = Files.readString(Path.of("src/test/resources/scripts/valid/24-transformations-string.cfg"));
        String route = cfg.substring(cfg.indexOf("request_route"))
                .replace("\tsl_send_reply(", "\t$avp(repl) = $var(repl);\n\t$avp(time) = $var(time);\n\tsl_send_reply(");
        CompiledScript s = h.load(route);
        MsgContext m = h.msg("invite-sdp.sip");
        h.run(s, m);
        assertThat(h.pv("$avp(repl)", m)).isEqualTo(" Alice_Smith@Example_ORG ");
        assertThat((String) h.pv("$avp(time)", m)).matches("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"); // $(TS{s.ftime,...}): now
    }

    @Test
    void aTransformationSipwayDoesNotImplementRefusesTheScriptAtLoad() {
        String errors = h.loadErrors("request_route {\n  $avp(a) = $(ru{urialias.encode});\n}\n");
        assertThat(errors).contains("test.cfg:").contains("{urialias.encode}").contains("is a transformation of Kamailio that Sipway does not implement");
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(var(x){sock.touri});\n}\n"))
                .contains("{sock.touri}").contains("is a transformation of Kamailio that Sipway does not implement");
        // unknown everywhere
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(ru{uri.nosuch});\n}\n"))
                .contains("unknown transformation {uri.nosuch}");
    }

    @Test
    void aWrongConstantParameterRefusesTheScriptAtLoad() {
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(ru{uri.user,x});\n}\n")).contains("takes 0 parameters, not 1");
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(var(x){param.value,a,xy});\n}\n"))
                .contains("the separator must be one character");
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(var(x){param.valueat,first});\n}\n"))
                .contains("the index must be a whole number");
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(var(x){line.at,x});\n}\n"))
                .contains("the index must be a whole number");
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(var(x){re.subst,/a/b/q});\n}\n"))
                .contains("unknown flag 'q'");
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(var(x){re.subst,/[/b/});\n}\n"))
                .contains("bad regular expression");
        assertThat(h.loadErrors("request_route {\n  $avp(a) = $(var(x){re.subst,/a/$var(y)/});\n}\n"))
                .contains("$var(y) in the replacement of \"/a/$var(y)/\" is not a pseudo-variable Sipway can read there");
    }
}
