package io.sipway.proxy.module.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.ScriptProbe;
import io.sipway.proxy.module.KamailioCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The json module as a script uses it: a request's JSON body read with json_get_field,
 * json_get_string and {json.parse,path}, the answers put in the reason phrase. Every expected reason
 * is Kamailio 5.6.3's (json.so of kamailio-json-modules 5.6.3, with Debian's json-c) for the same
 * script and request.
 */
@Timeout(60)
class JsonTest {
    @TempDir
    Path work;

    /** The route: "[rc:dst]" of json_get_field, then of json_get_string, then "[t:...]" of the transformation. */
    static final String READ = String.join("\n",
            "loadmodule \"pv.so\"", "loadmodule \"sl.so\"", "loadmodule \"json.so\"",
            "request_route {",
            "\t$var(j) = $rb;",
            "\t$var(f) = $hdr(X-F);",
            "\t$var(v) = \"unset\";",
            "\tjson_get_field(\"$var(j)\", \"$var(f)\", \"$var(v)\");",
            "\t$var(r) = \"[\" + $rc + \":\" + $var(v) + \"]\";",
            "\t$var(v) = \"unset\";",
            "\tjson_get_string(\"$var(j)\", \"$var(f)\", \"$var(v)\");",
            "\t$var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";",
            "\tif ($(var(j){json.parse,$var(f)}) == $null) {",
            "\t\t$var(r) = $var(r) + \"[t:null]\";",
            "\t} else {",
            "\t\t$var(r) = $var(r) + \"[t:\" + $(var(j){json.parse,$var(f)}) + \"]\";",
            "\t}",
            "\tsl_send_reply(\"200\", \"$var(r)\");",
            "\texit;",
            "}", "");

    /** Body, the name or path in X-F, and Kamailio's reason. */
    private static final String[][] CASES = {
            {"{'foo':'bar'}", "foo", "[1:\"bar\"][1:bar][t:bar]"},
            {"{\"a\":1,\"b\":1.50,\"c\":1e3}", "a", "[1:1][1:1][t:1]"},
            {"{\"a\":1,\"b\":1.50,\"c\":1e3}", "b", "[1:1.50][1:1.50][t:1.50]"},
            {"{\"a\":1,\"b\":1.50,\"c\":1e3}", "c", "[1:1e3][1:1e3][t:1e3]"},
            {"{\"a\":-0,\"b\":007,\"c\":99999999999999999999,\"d\":-99999999999999999999,\"e\":9223372036854775808}", "a", "[1:0][1:0][t:0]"},
            {"{\"a\":-0,\"b\":007,\"c\":99999999999999999999,\"d\":-99999999999999999999,\"e\":9223372036854775808}", "b", "[1:7][1:7][t:7]"},
            {"{\"a\":-0,\"b\":007,\"c\":99999999999999999999,\"d\":-99999999999999999999,\"e\":9223372036854775808}", "c", "[1:18446744073709551615][1:18446744073709551615][t:18446744073709551615]"},
            {"{\"a\":-0,\"b\":007,\"c\":99999999999999999999,\"d\":-99999999999999999999,\"e\":9223372036854775808}", "d", "[1:-9223372036854775808][1:-9223372036854775808][t:-9223372036854775808]"},
            {"{\"a\":-0,\"b\":007,\"c\":99999999999999999999,\"d\":-99999999999999999999,\"e\":9223372036854775808}", "e", "[1:9223372036854775808][1:9223372036854775808][t:9223372036854775808]"},
            {"{\"d\":true,\"e\":FALSE,\"t\":tRuE}", "d", "[1:true][1:true][t:true]"},
            {"{\"d\":true,\"e\":FALSE,\"t\":tRuE}", "e", "[1:false][1:false][t:false]"},
            {"{\"d\":true,\"e\":FALSE,\"t\":tRuE}", "t", "[1:true][1:true][t:true]"},
            {"{\"f\":null,\"n\":nulL}", "f", "[-1:unset][-1:unset][t:]"},
            {"{\"f\":null,\"n\":nulL}", "n", "[-1:unset][-1:unset][t:]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]},\"h\":[],\"i\":{}}", "g", "[1:{ \"x\": [ 1, 2, { \"y\": \"z\" } ] }][1:{ \"x\": [ 1, 2, { \"y\": \"z\" } ] }][t:{ \"x\": [ 1, 2, { \"y\": \"z\" } ] }]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]},\"h\":[],\"i\":{}}", "h", "[1:[ ]][1:[ ]][t:[ ]]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]},\"h\":[],\"i\":{}}", "i", "[1:{ }][1:{ }][t:{ }]"},
            {"{\"s\":\"a/b\\\"c\\\\d\\u00e9\\ud83d\\ude00\"}", "s", "[1:\"a\\/b\\\"c\\\\d\u00e9\ud83d\ude00\"][1:a/b\"c\\d\u00e9\ud83d\ude00][t:a/b\"c\\d\u00e9\ud83d\ude00]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x", "[-1:unset][-1:unset][t:[ 1, 2, { \"y\": \"z\" } ]]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x[2].y", "[-1:unset][-1:unset][t:z]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x[1]", "[-1:unset][-1:unset][t:2]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x[7]", "[-1:unset][-1:unset][t:]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g[0]", "[-1:unset][-1:unset][t:{ \"x\": [ 1, 2, { \"y\": \"z\" } ] }]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x[-1]", "[-1:unset][-1:unset][t:]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x[ 1]", "[-1:unset][-1:unset][t:2]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x[2]junk.y", "[-1:unset][-1:unset][t:z]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x[]", "[-1:unset][-1:unset][t:[ 1, 2, { \"y\": \"z\" } ]]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "g.x.", "[-1:unset][-1:unset][t:[ 1, 2, { \"y\": \"z\" } ]]"},
            {"{\"g\":{\"x\":[1,2,{\"y\":\"z\"}]}}", "missing", "[-1:unset][-1:unset][t:]"},
            {"not json", "a", "[-1:unset][-1:unset][t:]"},
            {"", "a", "[-1:unset][-1:unset][t:]"},
            {"[1,2]", "a", "[-1:unset][-1:unset][t:]"},
            {"\"str\"", "a", "[-1:unset][-1:unset][t:]"},
            {"null", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":1} trailing", "a", "[1:1][1:1][t:1]"},
            {"{\"a\":[1,2,],}/*c*/ x", "a", "[1:[ 1, 2 ]][1:[ 1, 2 ]][t:[ 1, 2 ]]"},
            {"{a:1}", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":1 /* c */, \"b\":2}", "b", "[1:2][1:2][t:2]"},
            {"{\"a\":1, // c\n \"b\":2}", "b", "[1:2][1:2][t:2]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "a", "[1:NaN][1:NaN][t:NaN]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "b", "[1:-Infinity][1:-Infinity][t:-Infinity]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "c", "[1:1][1:1][t:1]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "d", "[1:-.5][1:-.5][t:-.5]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "e", "[1:1.][1:1.][t:1.]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "f", "[1:1][1:1][t:1]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "g", "[1:-0.0][1:-0.0][t:-0.0]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "h", "[1:1E400][1:1E400][t:1E400]"},
            {"{\"a\":NaN,\"b\":-infinity,\"c\":1e,\"d\":-.5,\"e\":1.,\"f\":1E+,\"g\":-0.0,\"h\":1E400,\"i\":01.5}", "i", "[1:01.5][1:01.5][t:01.5]"},
            {"{\"a\":\"x\",\"a\":\"y\",\"b\":1}", "a", "[1:\"y\"][1:y][t:y]"},
            {"{\"o\":{\"a\":1,\"b\":2,\"a\":3}}", "o", "[1:{ \"a\": 3, \"b\": 2 }][1:{ \"a\": 3, \"b\": 2 }][t:{ \"a\": 3, \"b\": 2 }]"},
            {"{\"a.b\":\"dot\",\"a\":{\"b\":\"nest\"}}", "a%b", "[-1:unset][-1:unset][t:dot]"},
            {"{\"a.b\":\"dot\",\"a\":{\"b\":\"nest\"}}", "a.b", "[1:\"dot\"][1:dot][t:nest]"},
            {"{\"a\":'single'}", "a", "[1:\"single\"][1:single][t:single]"},
            {"{\"a\":\"\\x\"}", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":1x}", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":1+2}", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":12-}", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":--1}", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":[null,true,1.0,\"s\"],\"b\":[[],{}]}", "a", "[1:[ null, true, 1.0, \"s\" ]][1:[ null, true, 1.0, \"s\" ]][t:[ null, true, 1.0, \"s\" ]]"},
            {"{\"a\":[null,true,1.0,\"s\"],\"b\":[[],{}]}", "b", "[1:[ [ ], { } ]][1:[ [ ], { } ]][t:[ [ ], { } ]]"},
            {"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "a", "[1:[ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ]][1:[ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ]][t:[ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ [ ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ] ]]"},
            {"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":\"\u00e9\"}", "a", "[1:\"\u00e9\"][1:\u00e9][t:\u00e9]"},
            {"{ \"a\" : { \"b c\" : \"sp\" } }", "a.b c", "[-1:unset][-1:unset][t:sp]"},
            {"  \n {\"a\" : 1 } ", "a", "[1:1][1:1][t:1]"},
            {"{\"a\":{\"k\\\"q\":1, \"k/\":2}}", "a", "[1:{ \"k\\\"q\": 1, \"k\\/\": 2 }][1:{ \"k\\\"q\": 1, \"k\\/\": 2 }][t:{ \"k\\\"q\": 1, \"k\\/\": 2 }]"},
            {"{\"a\":1}/", "a", "[-1:unset][-1:unset][t:]"},
            {"{\"a\":1} /* open", "a", "[1:1][1:1][t:1]"},
            {"/* x */ {\"a\":2}", "a", "[1:2][1:2][t:2]"},
            {"{\"a\":1,\"b\":2} {", "a", "[1:1][1:1][t:1]"},
            {"{\"a\":\"\\ud83d\"}", "a", "[1:\"\ufffd\"][1:\ufffd][t:\ufffd]"},
            {"{\"a\":\"\\udc00x\"}", "a", "[1:\"\ufffdx\"][1:\ufffdx][t:\ufffdx]"},
            {"{\"a\":\"\\ud83d\\u0041\"}", "a", "[1:\"\ufffdA\"][1:\ufffdA][t:\ufffdA]"},
            {"{\"a\":\"\\u00\"}", "a", "[-1:unset][-1:unset][t:]"},
    };

    @Test
    void membersPathsAndJsonAsKamailiosJsonModuleReadsThem() throws Exception {
        List<String> wrong = new ArrayList<>();
        try (ScriptProbe probe = ScriptProbe.start(work, READ)) {
            for (String[] c : CASES) {
                String reason = ScriptProbe.reason(probe.port, "X-F: " + c[1] + "\r\nContent-Type: application/json\r\n", c[0], 3);
                if (!reason.equals(c[2])) {
                    wrong.add(c[0] + " / " + c[1] + ": " + reason + " (Kamailio: " + c[2] + ")");
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /**
     * {json.parse} with the path written in the script: whitespace before it skipped, after it kept;
     * '%' stands for a dot whatever json_escape_char says (Kamailio never reads the parameter); an
     * integer is read as its text; $null fails the transformation; it chains with others.
     */
    @Test
    void writtenPathsAsKamailioReadsThem() throws Exception {
        String script = String.join("\n",
                "loadmodule \"pv.so\"", "loadmodule \"sl.so\"", "loadmodule \"json.so\"",
                "modparam(\"json\", \"json_escape_char\", \"#\")",
                "request_route {",
                "\t$var(j) = $rb;",
                "\t$var(n) = 5;",
                "\t$var(r) = \"[\" + $(var(j){json.parse,a#b}) + \"][\" + $(var(j){json.parse,a%b}) + \"][\" + $(var(j){json.parse, a.b}) + \"][\" + $(var(j){json.parse,a.b }) + \"]\";",
                "\tif ($(var(n){json.parse,a}) == $null) { $var(r) = $var(r) + \"[intnull]\"; }",
                "\tif ($(hdr(X-None){json.parse,a}) == $null) { $var(r) = $var(r) + \"[nullnull]\"; }",
                "\t$var(r) = $var(r) + \"[\" + $(var(j){json.parse,a}{s.len}) + \"]\";",
                "\t$var(q) = \"a\";",
                "\t$var(r) = $var(r) + \"[\" + $(var(j){json.parse,$var(q)}) + \"]\";",
                "\tsl_send_reply(\"200\", \"$var(r)\");",
                "\texit;",
                "}", "");
        try (ScriptProbe probe = ScriptProbe.start(work, script)) {
            String reason = ScriptProbe.reason(probe.port, "", "{\"a.b\":\"dot\",\"a\":{\"b\":\"nest\",\"b \":\"sp\"}}", 3);
            assertThat(reason).isEqualTo("[][dot][nest][sp][nullnull][27][{ \"b\": \"nest\", \"b \": \"sp\" }]");
        }
    }

    /** Kamailio checks these scripts as Sipway does (Kamailio's verdict only where json.so is installed with it). */
    @Test
    void scriptsAreCheckedAsKamailioChecksThem() throws Exception {
        String head = "loadmodule \"pv.so\"\nloadmodule \"xlog.so\"\nloadmodule \"json.so\"\n";
        String[][] scripts = {
            {"accepted", READ},
            {"accepted", head + "modparam(\"json\", \"json_escape_char\", \"%\")\nrequest_route {\n\t$var(x) = $(rb{json.PARSE,a.b[0]});\n}\n"},
            {"refused", head + "request_route {\n\t$var(x) = $(rb{json.encode});\n}\n"},
            {"refused", head + "request_route {\n\t$var(x) = $(rb{json.parse});\n}\n"},
            {"refused", head + "request_route {\n\t$var(x) = $(rb{json.parse,a,b});\n}\n"},
            {"refused", head + "request_route {\n\tjson_get_field(\"$rb\", \"a\");\n}\n"},
            {"refused", head + "request_route {\n\tjson_get_string(\"$rb\", \"a\", \"$var(v)\", \"x\");\n}\n"},
            {"refused", head + "modparam(\"json\", \"json_escape\", \"#\")\nrequest_route {\n}\n"},
        };
        boolean kamailioHasJson = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules/json.so"));
        for (String[] s : scripts) {
            boolean accepted = s[0].equals("accepted");
            ScriptLoader.Result sipway = KamailioCheck.sipway(work, s[1]);
            assertThat(sipway.ok()).as("sipway -c %s\n%s", s[1], sipway.diagnostics().render()).isEqualTo(accepted);
            if (kamailioHasJson) {
                KamailioCheck.Verdict k = KamailioCheck.kamailio(work, s[1]);
                if (k != null) {
                    assertThat(k.ok()).as("kamailio -c %s\n%s", s[1], k.output()).isEqualTo(accepted);
                }
            }
        }
    }

    /** A destination that cannot be written is refused at load: by Kamailio's fixup when it starts, by sipway -c. */
    @Test
    void anUnwritableDestinationIsRefused() throws Exception {
        String script = "loadmodule \"pv.so\"\nloadmodule \"json.so\"\nrequest_route {\n\tjson_get_field(\"$rb\", \"a\", \"$si\");\n}\n";
        assertThat(KamailioCheck.sipway(work, script).ok()).isFalse();
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules/json.so")),
                "json.so is not installed with this Kamailio: its verdict skipped");
        KamailioCheck.Verdict k = KamailioCheck.kamailioStarts(work, script, 4);
        assumeTrue(k != null, "kamailio is not installed");
        assertThat(k.ok()).as(k.output()).isFalse();
    }
}
