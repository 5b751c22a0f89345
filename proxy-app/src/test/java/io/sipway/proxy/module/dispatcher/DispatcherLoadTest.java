package io.sipway.proxy.module.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.ProxyStartException;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.module.RpcExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the sets come from: the list file and the {@code dispatcher} table (SQLite), read at start
 * and again by dispatcher.reload; what dispatcher.list and dispatcher.set_state show and change.
 */
class DispatcherLoadTest {
    /** Replies with the gateway the priority algorithm picks from set 1. */
    static String script(String params) {
        return String.join("\n",
                "loadmodule \"sl.so\"",
                "loadmodule \"pv.so\"",
                params,
                "request_route {",
                "    if (!ds_select_dst(\"1\", \"8\")) { sl_send_reply(\"404\", \"none\"); exit; }",
                "    sl_send_reply(\"200\", \"$du\");",
                "}",
                "");
    }

    @TempDir
    Path dir;
    private Gateways gws;
    private Databases databases;

    @BeforeAll
    static void loadSqlite() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.isValid(1);
        }
    }

    @AfterEach
    void stop() {
        if (gws != null) {
            gws.close();
        }
        if (databases != null) {
            databases.close();
        }
    }

    private String picked(String callId) {
        String reply = gws.ask("x", callId);
        return reply.startsWith("200 ") ? gws.name(reply.substring(4)) : reply;
    }

    @Test
    void theListFileIsReadAtStartAndAgainOnReload() throws Exception {
        gws = new Gateways(dir, 2);
        Path list = dir.resolve("gateways.list");
        Files.writeString(list, gws.fill("1 {gw1} 0 10\n"));
        gws.start(script("loadmodule \"dispatcher.so\"\nmodparam(\"dispatcher\", \"list_file\", \"gateways.list\")"));
        assertThat(picked("l1@test")).isEqualTo("gw1");

        Files.writeString(list, gws.fill("1 {gw1} 0 10\n1 {gw2} 0 20\n"));
        assertThat(picked("l2@test")).as("read at start only").isEqualTo("gw1");
        assertThat(gws.rpc("dispatcher.reload")).isEqualTo("Ok. Dispatcher successfully reloaded.");
        assertThat(picked("l3@test")).isEqualTo("gw2");

        assertThatThrownBy(() -> gws.rpc("dispatcher.reload")).as("within reload_delta (5 s) of the last")
                .isInstanceOf(RpcExport.RpcException.class).hasMessage("Ongoing reload");
    }

    @Test
    void theTableIsReadAtStartAndAgainOnReload() throws Exception {
        gws = new Gateways(dir, 2);
        String url = TestDatabases.sqlite();
        databases = new Databases(2);
        Database db = databases.get(url);
        Schema.create(db, "dispatcher");
        db.insert("dispatcher", Map.of("setid", 1, "destination", gws.uri(1), "flags", 0, "priority", 10,
                "attrs", "duid=gw1", "description", "first"));
        gws.start(script("loadmodule \"db_sqlite.so\"\nloadmodule \"dispatcher.so\"\n"
                + "modparam(\"dispatcher\", \"db_url\", \"" + url + "\")\nmodparam(\"dispatcher\", \"reload_delta\", 0)"));
        assertThat(picked("d1@test")).isEqualTo("gw1");

        db.insert("dispatcher", Map.of("setid", 1, "destination", gws.uri(2), "flags", 0, "priority", 20,
                "attrs", "", "description", "second"));
        assertThat(gws.rpc("dispatcher.reload")).isEqualTo("Ok. Dispatcher successfully reloaded.");
        assertThat(picked("d2@test")).isEqualTo("gw2");
        assertThat(gws.rpc("dispatcher.list").toString()).contains("DUID=gw1");
    }

    @Test
    void listShowsTheSetsAndSetStateChangesADestination() throws Exception {
        gws = new Gateways(dir, 2);
        gws.list("1 {gw1} 0 10 weight=40;duid=a\n1 {gw2} 8 5\n7 {gw2}\n");
        gws.start(script("loadmodule \"dispatcher.so\""));

        Map<?, ?> list = (Map<?, ?>) gws.rpc("dispatcher.list");
        assertThat(list.get("NRSETS")).isEqualTo(2L);
        List<?> records = (List<?>) list.get("RECORDS");
        // Kamailio walks its tree of sets children first: set 1 is the root, set 7 its right child
        assertThat(((Map<?, ?>) ((Map<?, ?>) records.get(0)).get("SET")).get("ID")).isEqualTo(7L);
        Map<?, ?> set1 = (Map<?, ?>) ((Map<?, ?>) records.get(1)).get("SET");
        assertThat(set1.get("ID")).isEqualTo(1L);
        List<?> targets = (List<?>) set1.get("TARGETS");
        Map<?, ?> first = (Map<?, ?>) ((Map<?, ?>) targets.get(0)).get("DEST");
        assertThat(first.get("URI")).isEqualTo(gws.uri(1));
        assertThat(first.get("FLAGS")).isEqualTo("AX");
        assertThat(first.get("PRIORITY")).isEqualTo(10L);
        @SuppressWarnings("unchecked")
        Map<Object, Object> attrs = (Map<Object, Object>) first.get("ATTRS");
        assertThat(attrs).containsEntry("BODY", "weight=40;duid=a").containsEntry("WEIGHT", 40L).containsEntry("DUID", "a");
        Map<?, ?> second = (Map<?, ?>) ((Map<?, ?>) targets.get(1)).get("DEST");
        assertThat(second.get("FLAGS")).as("flag 8: probing").isEqualTo("AP");
        assertThat(second.containsKey("ATTRS")).isFalse();

        assertThat(gws.rpc("dispatcher.set_state", "ip", 1, gws.uri(1))).isEqualTo("Ok. Dispatcher state updated.");
        assertThat(gws.rpc("dispatcher.list").toString()).contains("URI=" + gws.uri(1) + ", FLAGS=IP");
        assertThat(picked("s1@test")).as("gw1 inactive").isEqualTo("gw2");
        gws.rpc("dispatcher.set_state", "a", 1, "all");
        assertThat(picked("s2@test")).isEqualTo("gw1");
        assertThatThrownBy(() -> gws.rpc("dispatcher.set_state", "a", 1, "sip:nowhere.example.com"))
                .hasMessage("State Update Failed");
        assertThatThrownBy(() -> gws.rpc("dispatcher.set_state", "x", 1, "all")).hasMessage("Unknown State Value");
    }

    @Test
    void useDefaultKeepsTheLastDestinationForWhenNoOtherIsUsable() throws Exception {
        gws = new Gateways(dir, 3);
        // Kamailio's order: gw3, gw2, gw1 (equal priorities, last written first): gw1 is the default
        gws.list("1 {gw1}\n1 {gw2}\n1 {gw3}\n");
        gws.start(String.join("\n", "loadmodule \"sl.so\"", "loadmodule \"pv.so\"", "loadmodule \"dispatcher.so\"",
                "modparam(\"dispatcher\", \"use_default\", 1)", "modparam(\"dispatcher\", \"flags\", 2)",
                "request_route {",
                "    if (!ds_select_dst(\"1\", \"4\")) { sl_send_reply(\"404\", \"none\"); exit; }",
                "    sl_send_reply(\"200\", \"$du $xavp(_dsdst_[1]=>uri) $xavp(_dsdst_[2]=>uri)\");",
                "}", ""));
        List<String> picks = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picks.add(gws.name(gws.ask("x", "ud" + i + "@test").substring(4).split(" ")[0]));
        }
        assertThat(picks).as("round robin over all but the default").containsExactly("gw3", "gw2", "gw3", "gw2");
        assertThat(gws.ask("x", "ud-list@test")).as("the default last in the fail-over list")
                .isEqualTo("200 " + gws.uri(3) + " " + gws.uri(2) + " " + gws.uri(1));
        gws.rpc("dispatcher.set_state", "i", 1, gws.uri(2));
        gws.rpc("dispatcher.set_state", "i", 1, gws.uri(3));
        assertThat(gws.ask("x", "ud-default@test")).startsWith("200 " + gws.uri(1) + " ");
    }

    @Test
    void aMalformedLineOrAMissingFileStopsTheStart() throws Exception {
        gws = new Gateways(dir, 1);
        gws.list("1\n");
        assertThatThrownBy(() -> gws.start(script("loadmodule \"dispatcher.so\"")))
                .isInstanceOf(ProxyStartException.class).hasMessageContaining("bad line [1]");
        Files.delete(dir.resolve("dispatcher.list"));
        assertThatThrownBy(() -> gws.start(script("loadmodule \"dispatcher.so\"")))
                .isInstanceOf(ProxyStartException.class).hasMessageContaining("can't open list file");
    }
}
