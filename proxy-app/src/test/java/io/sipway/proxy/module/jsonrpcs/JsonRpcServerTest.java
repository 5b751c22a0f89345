package io.sipway.proxy.module.jsonrpcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.ModuleExports;
import io.sipway.proxy.module.RpcExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * jsonrpcs' dispatcher and writer: requests answered as Kamailio 5.6.3's jsonrpc_dispatch() answers
 * them (checked against it over HTTP), and pretty_format=1 output byte for byte as Kamailio's own
 * answers kept in src/test/resources/rpc/kamailio-5.6.3.
 */
class JsonRpcServerTest {
    private static final Path KAMAILIO_ANSWERS = Path.of("src/test/resources/rpc/kamailio-5.6.3");

    private final JsonRpcServer server = new JsonRpcServer(() -> List.of(ModuleExports.module("t", "doc")
            .rpc("t.echo", "its parameters", p -> p)
            .rpc("t.nothing", "no result", p -> null)
            .rpc("t.fault", "a fault", p -> {
                throw new RpcExport.RpcException(400, "Failed to get the variable");
            })
            .rpc("t.broken", "throws", p -> {
                throw new IllegalStateException("bug");
            }).build()));

    private String pretty(String request) {
        return server.dispatch(request).text(true);
    }

    @TestFactory
    List<DynamicTest> prettyFormatIsKamailiosByteForByte() throws IOException {
        try (Stream<Path> files = Files.list(KAMAILIO_ANSWERS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                String kamailio = Files.readString(f).stripTrailing();
                assertThat(SrjsonFormat.print(JsonText.parse(kamailio))).isEqualTo(kamailio);
            })).toList();
        }
    }

    @Test
    void aCallIsAnsweredWithItsResultAndIdAsSent() {
        JsonRpcServer.Response r = server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":[\"a\",5],\"id\":\"x1\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.reason()).isEqualTo("OK");
        assertThat(r.text(false)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[\"a\",5],\"id\":\"x1\"}");
        assertThat(r.text(true)).isEqualTo("{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"result\":\t[\"a\", 5],\n\t\"id\":\t\"x1\"\n}");
    }

    @Test
    void noResultIsAnEmptyObjectAndNoIdNoneInTheAnswer() {
        assertThat(pretty("{\"jsonrpc\":\"2.0\",\"method\":\"t.nothing\"}")).isEqualTo("{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"result\":\t{\n\t}\n}");
        assertThat(server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"t.nothing\",\"id\":null}").text(false))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{},\"id\":0}");
    }

    @Test
    void faultsSetTheHttpStatusAndTheErrorObject() {
        JsonRpcServer.Response unknown = server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"t.none\",\"id\":3}");
        assertThat(unknown.status()).isEqualTo(500);
        assertThat(unknown.reason()).isEqualTo("Method Not Found");
        assertThat(unknown.text(false)).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":500,\"message\":\"Method Not Found\"},\"id\":3}");
        JsonRpcServer.Response fault = server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"t.fault\",\"id\":4}");
        assertThat(fault.status()).isEqualTo(400);
        assertThat(fault.reason()).isEqualTo("Failed to get the variable");
        assertThat(server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"t.broken\",\"id\":5}").status()).isEqualTo(500);
    }

    @Test
    void requestsKamailioDoesNotRunGetAnEmptyResultAndNoJsonNoAnswer() {
        String empty = "{\"jsonrpc\":\"2.0\",\"result\":{},\"id\":5}";
        assertThat(server.dispatch("{\"jsonrpc\":\"2.0\",\"id\":5}").text(false)).isEqualTo(empty);
        assertThat(server.dispatch("{\"jsonrpc\":\"1.0\",\"method\":\"t.echo\",\"id\":5}").text(false)).isEqualTo(empty);
        assertThat(server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":\"x\",\"id\":5}").text(false)).isEqualTo(empty);
        assertThat(server.dispatch("[{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"id\":1}]").text(false))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{}}");
        assertThat(server.dispatch("garbage")).isNull();
        assertThat(server.dispatch("")).isNull();
    }

    @Test
    void namedParametersAreTakenInTheirOrderAndListMethodsNamesEveryCommand() {
        assertThat(server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":{\"g\":\"pstn\",\"v\":1},\"id\":1}")
                .json().get("result")).isEqualTo(List.of("pstn", 1L));
        Map<String, Object> listed = server.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"system.listMethods\",\"id\":1}").json();
        assertThat(listed.get("result")).isEqualTo(List.of("t.echo", "t.nothing", "t.fault", "t.broken", "system.listMethods"));
    }
}
