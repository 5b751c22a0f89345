package io.sipway.proxy.location;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.db.DbResult;
import io.sipway.transport.Protocol;
import io.sipway.transport.SendSocket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A binding as a row of Kamailio's location table and back, in the forms Kamailio's db modules write. */
class LocationRowsTest {
    private static final SendSocket UDP = new SendSocket(Protocol.UDP, new InetSocketAddress("127.0.0.1", 5060));
    private static final SendSocket TCP = new SendSocket(Protocol.TCP, new InetSocketAddress("127.0.0.1", 5060));

    private static DbResult result(Map<String, Object> row) {
        List<String> cols = new ArrayList<>(row.keySet());
        return new DbResult(cols, List.<Object[]>of(row.values().toArray()));
    }

    private static SendSocket socketOf(String text) {
        return UDP.toString().equals(text) ? UDP : TCP.toString().equals(text) ? TCP : null;
    }

    @Test
    void aBindingRoundTripsUnderUseDomain() {
        long now = 1_700_000_000_000L;
        Binding b = new Binding("sip:alice@10.0.0.1:5070", "sip:192.0.2.1:4000", "<sip:edge;lr>", now + 600_000, 0.5f, "cid", 3,
                64, "ua", UDP, Protocol.UDP, 0, "ruid-1", now, "<urn:uuid:1>", 1, 0);
        Map<String, Object> row = LocationRows.row("alice@example.org", b, true, false);
        assertThat(row).containsEntry("username", "alice").containsEntry("domain", "example.org").containsEntry("q", 0.5)
                .containsEntry("socket", "udp:127.0.0.1:5060").containsEntry("connection_id", -1).containsEntry("cflags", 64L)
                .containsEntry("expires", Instant.ofEpochMilli(now + 600_000)).containsEntry("methods", null);
        DbResult r = result(row);
        assertThat(LocationRows.aor(r, 0, true)).isEqualTo("alice@example.org");
        assertThat(LocationRows.aor(r, 0, false)).isEqualTo("alice");
        assertThat(LocationRows.binding(r, 0, LocationRowsTest::socketOf)).isEqualTo(b);
    }

    @Test
    void withoutUseDomainTheAorIsTheUsernameAndNoDomainIsWritten() {
        Binding b = new Binding("sip:bob@h", null, null, 2_000_000_000_000L, -1f, "c", 1, 0, null, null, Protocol.UDP, 0, "r", 0, null, 0, 0);
        Map<String, Object> row = LocationRows.row("bob", b, false, true);
        assertThat(row).containsEntry("username", "bob").containsEntry("domain", null).containsEntry("q", -0.001)
                .containsEntry("user_agent", "");
        assertThat(row.get("expires")).isEqualTo(LocalDateTime.ofInstant(Instant.ofEpochSecond(2_000_000_000L), ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        Binding back = LocationRows.binding(result(row), 0, t -> null);
        assertThat(back.q()).isEqualTo(-1f);
        assertThat(back.expiresAt()).isEqualTo(2_000_000_000_000L);
    }

    @Test
    void kamailioFormsAreRead() {
        // expires_type=1 (seconds), DATETIME text, a permanent contact (DATETIME 0), a WebSocket contact on a tcp listener
        assertThat(LocationRows.millis(1_700_000_000L)).isEqualTo(1_700_000_000_000L);
        assertThat(LocationRows.millis("2030-05-28 21:32:15")).isEqualTo(
                LocalDateTime.of(2030, 5, 28, 21, 32, 15).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ruid", "k1");
        row.put("username", "carol");
        row.put("contact", "sip:carol@df7jal23ls0d.invalid;transport=ws");
        row.put("received", "sip:192.0.2.9:50000;transport=ws");
        row.put("expires", LocalDateTime.of(1970, 1, 1, 0, 0).atZone(ZoneId.systemDefault()).toInstant());
        row.put("q", 1.0);
        row.put("socket", "tcp:127.0.0.1:5060");
        row.put("connection_id", 42L);
        Binding b = LocationRows.binding(result(row), 0, LocationRowsTest::socketOf);
        assertThat(b.expiresAt()).isEqualTo(LocationRows.PERMANENT);
        assertThat(b.protocol()).isEqualTo(Protocol.WS);
        assertThat(b.socket()).isEqualTo(TCP);
        assertThat(b.connectionId()).isEqualTo(42);
        assertThat(b.q()).isEqualTo(1f);
        assertThat(b.callId()).isEmpty();
    }
}
