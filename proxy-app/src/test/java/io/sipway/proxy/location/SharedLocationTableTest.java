package io.sipway.proxy.location;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.FreePorts;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.db.Where;
import io.sipway.proxy.location.DbLocationStore.Mode;
import io.sipway.proxy.location.DbLocationStore.Settings;
import io.sipway.transport.Protocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several instances sharing one usrloc {@code location} table on a real PostgreSQL and Redis (db_redis'
 * layout), as edge proxies and registrars do (issue 18): each instance writes its core
 * {@code server_id} into its rows and, in db_mode 3, sees the others' bindings; usrloc's
 * {@code server_id_filter} makes an instance load (modes 1, 2) and clean as expired only its own rows;
 * {@code db_timer_clean} makes a mode-2 instance clean every expired row, not only those it holds;
 * a table whose database does not answer fails fast with {@link StoreUnavailableException}.
 * Each instance here is a store over a pool of its own, as two processes would be.
 */
@Timeout(60)
class SharedLocationTableTest {
    private final List<Databases> pools = new ArrayList<>();
    private String url;
    private Database db;

    @AfterEach
    void close() {
        pools.forEach(Databases::close);
    }

    /** A fresh database of that kind with the location table (skipped when its server is not there). */
    private void open(String kind) throws Exception {
        url = kind.equals("redis") ? TestDatabases.redis() : TestDatabases.postgres();
        db = pool(url);
        Schema.create(db, "location");
    }

    private Database pool(String dbUrl) {
        Databases d = new Databases(2);
        pools.add(d);
        return d.get(dbUrl);
    }

    /** The store of an instance with this server_id on the table, a pool of its own. */
    private DbLocationStore instance(int serverId, Mode mode, boolean serverIdFilter, boolean timerClean) {
        return new DbLocationStore("location", pool(url), new Settings(mode, false, serverId, serverIdFilter, timerClean), s -> null);
    }

    /** A binding of {@code contact} that expires at {@code expiresAt}. */
    private static Binding binding(String contact, long expiresAt) {
        long now = System.currentTimeMillis();
        return new Binding(contact, null, null, expiresAt, -1f, "call-" + contact, 1, 0, "phone/1", null, Protocol.UDP, 0,
                UUID.randomUUID().toString(), now, null, 0, 0);
    }

    private static long inSeconds(long s) {
        return System.currentTimeMillis() + s * 1000;
    }

    /** The table's rows: contact to server_id. */
    private Map<String, Long> serverIds() throws Exception {
        DbResult r = db.query("location", null, Where.ALL, null);
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < r.size(); i++) {
            out.put(r.text(i, "contact"), r.number(i, "server_id", -1));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "redis"})
    void eachInstanceWritesItsServerIdAndDbOnlyInstancesSeeEachOthersBindings(String kind) throws Exception {
        open(kind);
        DbLocationStore one = instance(1, Mode.DB_ONLY, true, false);
        DbLocationStore two = instance(2, Mode.DB_ONLY, true, false);
        long now = System.currentTimeMillis();
        one.put("alice", List.of(binding("sip:alice@10.0.0.1", inSeconds(600))));
        two.put("bob", List.of(binding("sip:bob@10.0.0.2", inSeconds(600))));

        assertThat(serverIds()).containsOnly(Map.entry("sip:alice@10.0.0.1", 1L), Map.entry("sip:bob@10.0.0.2", 2L));
        assertThat(two.bindings("alice", now)).extracting(Binding::contact).containsExactly("sip:alice@10.0.0.1");
        assertThat(one.bindings("bob", now)).extracting(Binding::contact).containsExactly("sip:bob@10.0.0.2");
        assertThat(one.aors()).containsExactly("alice", "bob");

        // instance 2 adds a binding to alice as save() does (read, then write): instance 1's row stays as it wrote it
        List<Binding> alice = new ArrayList<>(two.bindings("alice", now));
        alice.add(binding("sip:alice@10.0.0.3", inSeconds(600)));
        two.put("alice", alice);
        assertThat(serverIds()).containsOnly(Map.entry("sip:alice@10.0.0.1", 1L), Map.entry("sip:bob@10.0.0.2", 2L),
                Map.entry("sip:alice@10.0.0.3", 2L));
        // (same q, saved within the same second: the table's order decides, which Redis' sets do not keep)
        assertThat(one.bindings("alice", now)).extracting(Binding::contact).containsExactlyInAnyOrder("sip:alice@10.0.0.1",
                "sip:alice@10.0.0.3");

        // the row instance 2 refreshes becomes its own, as Kamailio 5.6.3 rewrites it (read from db_redis)
        alice = new ArrayList<>(two.bindings("alice", now));
        int at = alice.get(0).contact().equals("sip:alice@10.0.0.1") ? 0 : 1;
        Binding first = alice.get(at);
        alice.set(at, new Binding(first.contact(), null, null, inSeconds(1200), first.q(), first.callId(), first.cseq() + 1, 0,
                first.userAgent(), null, Protocol.UDP, 0, first.ruid(), System.currentTimeMillis(), null, 0, 0));
        two.put("alice", alice);
        assertThat(serverIds()).containsOnly(Map.entry("sip:alice@10.0.0.1", 2L), Map.entry("sip:bob@10.0.0.2", 2L),
                Map.entry("sip:alice@10.0.0.3", 2L));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "redis"})
    void withServerIdFilterEachInstanceDeletesOnlyItsOwnExpiredRows(String kind) throws Exception {
        open(kind);
        DbLocationStore one = instance(1, Mode.DB_ONLY, true, false);
        DbLocationStore two = instance(2, Mode.DB_ONLY, true, false);
        one.put("alice", List.of(binding("sip:alice@10.0.0.1", inSeconds(-30))));
        two.put("bob", List.of(binding("sip:bob@10.0.0.2", inSeconds(-30))));
        two.put("carol", List.of(binding("sip:carol@10.0.0.2", inSeconds(600))));

        one.deleteExpired(System.currentTimeMillis());
        assertThat(serverIds()).as("instance 2's expired row waits for instance 2")
                .containsOnlyKeys("sip:bob@10.0.0.2", "sip:carol@10.0.0.2");
        two.deleteExpired(System.currentTimeMillis());
        assertThat(serverIds()).containsOnlyKeys("sip:carol@10.0.0.2");

        // without the filter the first timer to run deletes every expired row, whoever wrote it
        two.put("bob", List.of(binding("sip:bob@10.0.0.2", inSeconds(-30))));
        instance(1, Mode.DB_ONLY, false, false).deleteExpired(System.currentTimeMillis());
        assertThat(serverIds()).containsOnlyKeys("sip:carol@10.0.0.2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "redis"})
    void withServerIdFilterModesOneAndTwoLoadOnlyTheInstancesOwnRows(String kind) throws Exception {
        open(kind);
        instance(1, Mode.WRITE_THROUGH, true, false).put("alice", List.of(binding("sip:alice@10.0.0.1", inSeconds(600))));
        instance(2, Mode.WRITE_THROUGH, true, false).put("bob", List.of(binding("sip:bob@10.0.0.2", inSeconds(600))));
        long now = System.currentTimeMillis();
        for (Mode mode : List.of(Mode.WRITE_THROUGH, Mode.WRITE_BACK)) {
            DbLocationStore own = instance(1, mode, true, false);
            assertThat(own.load(now)).as(mode + " with server_id_filter").isEqualTo(1);
            assertThat(own.aors()).containsExactly("alice");
            DbLocationStore all = instance(1, mode, false, false);
            assertThat(all.load(now)).as(mode + " without").isEqualTo(2);
            assertThat(all.aors()).containsExactlyInAnyOrder("alice", "bob");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "redis"})
    void inModeTwoDbTimerCleanDeletesEveryExpiredRowNotOnlyThoseOfBindingsItHolds(String kind) throws Exception {
        open(kind);
        // instance 4 writes dave's binding, which expires in a second; instance 3 holds carol's, the same
        instance(4, Mode.WRITE_THROUGH, false, false).put("dave", List.of(binding("sip:dave@10.0.0.4", inSeconds(1))));
        DbLocationStore three = instance(3, Mode.WRITE_BACK, false, false);
        three.put("carol", List.of(binding("sip:carol@10.0.0.3", inSeconds(1))));
        three.flush(System.currentTimeMillis());
        assertThat(serverIds()).containsOnlyKeys("sip:dave@10.0.0.4", "sip:carol@10.0.0.3");
        long later = inSeconds(10); // both expired then

        three.deleteExpired(later);
        assertThat(serverIds()).as("without db_timer_clean: only the rows of the bindings it held").containsOnlyKeys("sip:dave@10.0.0.4");
        instance(3, Mode.WRITE_BACK, false, true).deleteExpired(later);
        assertThat(serverIds()).as("with db_timer_clean: every expired row").isEmpty();
    }

    /** A db_url of that kind on a port where nothing listens. */
    private static String closedPort(String kind) {
        int port = FreePorts.udpAndTcp();
        return kind.equals("redis") ? "redis://127.0.0.1:" + port + "/1" : "postgres://sipway:sipway@127.0.0.1:" + port + "/sipway";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "redis"})
    void inDbOnlyModeAnUnreachableDatabaseFailsFast(String kind) {
        url = closedPort(kind);
        DbLocationStore store = instance(1, Mode.DB_ONLY, true, false);
        for (int attempt = 0; attempt < 2; attempt++) { // the first call and a later one, the outage known
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> store.bindings("alice", System.currentTimeMillis())).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.put("alice", List.of(binding("sip:alice@10.0.0.1", inSeconds(600)))))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(store::aors).isInstanceOf(StoreUnavailableException.class);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for three calls, attempt " + attempt).isLessThan(1500);
        }
    }
}
