package io.sipway.proxy.module.jansson;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.ScriptProbe;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jansson as a script uses it: a request's JSON body read by path, a JSON object built by
 * jansson_set/jansson_append; the script answers with what it got. The expected reason phrase is
 * Kamailio 5.6.3's for the same script and request.
 */
@Timeout(30)
class JanssonTest {
    private static final String BODY = "{\"name\":\"alice\",\"n\":42,\"obj\":{\"inner\":{\"x\":\"deep\"}},\"arr\":[1,\"two\",3],"
            + "\"t\":true,\"nul\":null,\"fl\":1.5}";

    @TempDir
    Path work;

    @Test
    void jsonIsReadAndWrittenAsKamailiosJanssonDoes() throws Exception {
        try (ScriptProbe probe = ScriptProbe.start(work, "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"jansson.so\"\n" + ROUTE)) {
            String reason = ScriptProbe.reason(probe.port, "Content-Type: application/json\r\n", BODY, 3);

            // string, integer, object, nested path, array element, out of range (-1, unchanged), true, null,
            // real, missing, not JSON, array size, get_field; then the object jansson_set and jansson_append built
            assertThat(reason).isEqualTo("[1:alice][1:42][1:{\"inner\":{\"x\":\"deep\"}}][1:deep][1:two][-1:two][1:1][1:0][1:1.5]"
                    + "[-1:1.5][-1:1.5][1:3][1:alice] set={\"a\":\"x\",\"b\":7,\"c\":{\"d\":1},\"e\":1.5,\"f\":true,\"g\":null,\"h\":[1,2,3]}");
        }
    }

    /** The route: each read appends "[rc:value]" to the reason. */
    private static final String ROUTE = "request_route {\n"
                + "\t$var(j) = $rb;\n"
                + "\t$var(r) = \"\";\n"
                + "\tjansson_get(\"name\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"n\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"obj\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"obj.inner.x\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"arr[1]\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"arr[5]\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"t\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"nul\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"fl\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"missing\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get(\"name\", \"not json\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_array_size(\"arr\", \"$var(j)\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\tjansson_get_field(\"$var(j)\", \"name\", \"$var(v)\"); $var(r) = $var(r) + \"[\" + $rc + \":\" + $var(v) + \"]\";\n"
                + "\t$var(o) = \"{}\";\n"
                + "\tjansson_set(\"string\", \"a\", \"x\", \"$var(o)\"); jansson_set(\"integer\", \"b\", \"7\", \"$var(o)\"); jansson_set(\"obj\", \"c\", \"{\\\"d\\\":1}\", \"$var(o)\"); jansson_set(\"real\", \"e\", \"1.5\", \"$var(o)\"); jansson_set(\"true\", \"f\", \"\", \"$var(o)\"); jansson_set(\"null\", \"g\", \"\", \"$var(o)\"); jansson_set(\"array\", \"h\", \"[1,2]\", \"$var(o)\");\n"
                + "\tjansson_append(\"integer\", \"h\", \"3\", \"$var(o)\");\n"
                + "\t$var(r) = $var(r) + \" set=\" + $var(o);\n"
                + "\tsl_send_reply(\"200\", \"$var(r)\");\n"
                + "\texit;\n"
                + "}\n";
}
