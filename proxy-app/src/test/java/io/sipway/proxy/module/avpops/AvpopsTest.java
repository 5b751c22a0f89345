package io.sipway.proxy.module.avpops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.DbResult;
import io.sipway.proxy.db.DbUrl;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import io.sipway.proxy.db.Where;
import io.sipway.proxy.module.KamailioCheck;
import io.sipway.proxy.module.ScriptOnLoopback;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * avpops in a running proxy: the AVP operations of avpops_impl.c with their return codes, and the
 * preferences table (usr_preferences) on SQLite, MariaDB and PostgreSQL; its scripts are accepted or
 * refused by {@code sipway -c} as by {@code kamailio -c}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AvpopsTest {
    static final String MEMORY = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "avpops.so"
            request_route {
                if ($rU == "copy") {
                    $avp(a) = "one";
                    $avp(a) = "two";
                    avp_copy("$avp(a)", "$avp(b)/g");
                    $var(r1) = $rc;
                    avp_copy("$avp(a)", "$avp(c)/d");
                    avp_copy("$avp(nope)", "$avp(c)");
                    $var(r2) = $rc;
                    $avp(n) = "42";
                    avp_copy("$avp(n)", "$avp(m)/n");
                    avp_op("$avp(m)", "add/i:1");
                    $avp(bad) = "x1";
                    avp_copy("$avp(bad)", "$avp(m2)/n");
                    $var(r3) = $rc;
                    sl_send_reply("200", "b=$(avp(b)[0]),$(avp(b)[1]) c=$avp(c) a=$(avp(a)[0]),$(avp(a)[1]) m=$(avp(m)[0]),$(avp(m)[1]) r=$var(r1) $var(r2) $var(r3)");
                    exit;
                }
                if ($rU == "delete") {
                    $avp(x) = 1;
                    $avp(x) = 2;
                    $avp(i:7) = 3;
                    $avp(y) = "s";
                    avp_delete("$avp(x)");
                    avp_delete("i");
                    $var(before) = "x=" + $avp(x) + " i7=" + $avp(i:7) + " y=" + $avp(y);
                    avp_delete("s");
                    $var(r) = $rc;
                    is_avp_set("$avp(y)");
                    $var(ys) = $rc;
                    avp_delete("s");
                    sl_send_reply("200", "$var(before) r=$var(r) y=$var(ys) again=$rc");
                    exit;
                }
                if ($rU == "check") {
                    $avp(s) = "Sip:Alice@Example.com";
                    $avp(n) = 12;
                    $avp(n) = 3;
                    $avp(who) = "alice";
                    $avp(who) = "bob";
                    $var(o) = "";
                    avp_check("$avp(s)", "eq/sip:alice@example.com/i"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(s)", "eq/sip:alice@example.com"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(s)", "re/^sip:alice@"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(s)", "fm/*@example.*/i"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(s)", "fm/*@example.*"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(n)", "gt/i:10"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(n)", "gt/i:10/g"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(n)", "eq/s:3"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(n)", "and/i:0x4/g"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$fU", "eq/$avp(who)"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(s)", "lt/sip:b"); $var(o) = $var(o) + $rc + ",";
                    avp_check("$avp(missing)", "ne/x"); $var(o) = $var(o) + $rc;
                    sl_send_reply("200", "$var(o)");
                    exit;
                }
                if ($rU == "op") {
                    $avp(v) = 10;
                    $avp(v) = 20;
                    avp_op("$avp(v)", "add/i:5");
                    $var(v) = "" + $(avp(v)[0]) + "," + $(avp(v)[1]) + "," + $(avp(v)[2]) + "," + $(avp(v)[3]);
                    avp_op("$avp(v)/$avp(w)", "mul/i:2/d");
                    $avp(z) = 7;
                    avp_op("$avp(z)", "div/i:0");
                    avp_op("$avp(z)/$avp(nz)", "not/i:5");
                    $avp(s) = "str";
                    avp_op("$avp(s)", "add/i:1");
                    sl_send_reply("200", "v=$var(v) after=$avp(v) w=$(avp(w)[0]),$(avp(w)[3]) z=$avp(z) nz=$avp(nz) str=$rc");
                    exit;
                }
                if ($rU == "subst") {
                    $avp(e) = "alice@old.example";
                    $avp(e) = "bob@old.example";
                    avp_subst("$avp(e)/$avp(f)/g", "/(.*)@(.*)/\\1@$rd/");
                    avp_subst("$avp(e)", "/old/new/");
                    avp_subst("$avp(e)", "/zzz/y/");
                    $var(rc) = $rc;
                    $var(x) = "/new/NEW/";
                    avp_subst_pv("$avp(e)", "$var(x)");
                    sl_send_reply("200", "f=$(avp(f)[0]),$(avp(f)[1]) e=$(avp(e)[0]),$(avp(e)[1]) rc=$var(rc)");
                    exit;
                }
                if ($rU == "isset") {
                    $avp(k) = "";
                    $avp(k) = 5;
                    $var(o) = "";
                    is_avp_set("$avp(k)"); $var(o) = $var(o) + $rc + ",";
                    is_avp_set("$avp(k)/n"); $var(o) = $var(o) + $rc + ",";
                    is_avp_set("$avp(k)/s"); $var(o) = $var(o) + $rc + ",";
                    is_avp_set("$(avp(k)[1])/e"); $var(o) = $var(o) + $rc + ",";
                    is_avp_set("$(avp(k)[1])/s"); $var(o) = $var(o) + $rc + ",";
                    is_avp_set("$(avp(k)[2])"); $var(o) = $var(o) + $rc + ",";
                    is_avp_set("$avp(none)"); $var(o) = $var(o) + $rc;
                    sl_send_reply("200", "$var(o)");
                    exit;
                }
                if ($rU == "push") {
                    $avp(d) = "b.example";
                    $avp(d) = "a.example";
                    avp_pushto("$ru/domain", "$avp(d)");
                    $avp(u) = "sip:gw@b.example";
                    avp_pushto("$du", "$avp(u)");
                    avp_pushto("$ru/username", "$fU");
                    $avp(i:9) = 3;
                    avp_pushto("$du", "$avp(i:9)");
                    sl_send_reply("200", "rd=$rd rU=$rU du=$du int=$rc");
                    exit;
                }
                sl_send_reply("404", "unknown");
            }
            """;

    @TempDir
    Path work;

    @Test
    void avpCopyCopiesTheNewestValueOrAllReversedAndCasts() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MEMORY)) {
            assertThat(p.reason("copy")).isEqualTo("b=one,two c=two a=one,<null> m=43,42 r=1 -1 -1");
        }
    }

    @Test
    void avpDeleteTakesTheNewestValueOrEveryAvpOfANameType() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MEMORY)) {
            assertThat(p.reason("delete")).isEqualTo("x=1 i7= y=s r=1 y=-1 again=-1");
        }
    }

    @Test
    void avpCheckComparesAsAvpopsDoes() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MEMORY)) {
            // eq/i, eq, re (ignores case), fm/i (Kamailio 5.6.3's fnmatch ignores the i flag), fm, gt first value,
            // gt/g, type mismatch, and/g, eq over every value of an AVP, lt (ignores case), a missing AVP;
            // as Kamailio 5.6.3 answers the same script
            assertThat(p.reason("check")).isEqualTo("1,-1,1,-1,-1,-1,1,-1,1,1,1,-1");
        }
    }

    @Test
    void avpOpWorksOnEveryIntegerValueAndAddsTheResultsOnTop() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MEMORY)) {
            assertThat(p.reason("op")).isEqualTo("v=15,25,20,10 after=<null> w=20,30 z=0 nz=-6 str=-1");
        }
    }

    @Test
    void avpSubstReplacesOrAddsTheSubstitutedValues() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MEMORY)) {
            assertThat(p.reason("subst"))
                    .isEqualTo("f=alice@127.0.0.1,bob@127.0.0.1 e=bob@NEW.example,alice@old.example rc=-1");
        }
    }

    @Test
    void isAvpSetLooksAtTheValueAtTheIndex() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MEMORY)) {
            assertThat(p.reason("isset")).isEqualTo("1,1,-1,1,1,-1,-1");
        }
    }

    @Test
    void avpPushtoWritesTheRequestUriAndTheDestination() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, MEMORY)) {
            assertThat(p.reason("push")).isEqualTo("rd=a.example rU=alice du=sip:gw@b.example int=-1");
        }
    }

    // ---- the preferences table -------------------------------------------------------------------

    static final String DB_SCRIPT = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "db_%s.so"
            loadmodule "avpops.so"
            modparam("avpops", "db_url", "%s")
            modparam("avpops", "avp_table", "usr_preferences")
            modparam("avpops", "db_scheme", "ha:table=subscriber;uuid_col=username;value_col=ha1")
            request_route {
                if ($rU == "load") {
                    $var(o) = "";
                    avp_db_load("$fu", "$avp(fwd)"); $var(o) = $var(o) + $rc + ",";
                    avp_db_load("$fu", "$avp(i:678)"); $var(o) = $var(o) + $rc + ",";
                    avp_db_load("$fu", "s"); $var(o) = $var(o) + $rc + ",";
                    avp_db_load("u-1", "$avp(color)"); $var(o) = $var(o) + $rc + ",";
                    avp_db_load("$fu", "$avp(nothing)"); $var(o) = $var(o) + $rc + ",";
                    avp_db_load("$fU", "$avp(h)/$ha"); $var(o) = $var(o) + $rc;
                    avp_check("$avp(i:678)", "eq/i:42");
                    sl_send_reply("200", "$var(o) fwd=$avp(fwd) n=$avp(i:678) int=$rc lang=$avp(lang) color=$avp(color) h=$avp(h)");
                    exit;
                }
                if ($rU == "store") {
                    $avp(pref) = "x";
                    $avp(i:9) = 7;
                    $var(o) = "";
                    avp_db_store("$fu", "$avp(pref)"); $var(o) = $var(o) + $rc + ",";
                    avp_db_store("$fu", "$avp(pref)"); $var(o) = $var(o) + $rc + ",";
                    avp_db_store("$fu", "i"); $var(o) = $var(o) + $rc + ",";
                    avp_db_load("$fu", "$avp(fwd)");
                    avp_db_store("$fu", "a"); $var(o) = $var(o) + $rc;
                    sl_send_reply("200", "$var(o)");
                    exit;
                }
                if ($rU == "delete") {
                    avp_db_delete("$fu", "$avp(pref)");
                    sl_send_reply("200", "$rc");
                    exit;
                }
                if ($rU == "query") {
                    avp_db_query("select attribute, value from usr_preferences where username='$fU' and attribute <> 'pref' order by attribute", "$avp(att);$avp(val)");
                    $var(o) = $rc;
                    avp_db_query("select value from usr_preferences where attribute='none'");
                    $var(none) = $rc;
                    avp_db_query("select type, value from usr_preferences where attribute='lang'");
                    sl_send_reply("200", "$var(o) att=$(avp(att)[0]),$(avp(att)[2]) val=$(avp(val)[0]) none=$var(none) i1=$avp(i:1) i2=$avp(i:2)");
                    exit;
                }
                sl_send_reply("404", "unknown");
            }
            """;

    private static String preferences(String kind) throws Exception {
        String url = switch (kind) {
            case "mysql" -> TestDatabases.mysql();
            case "postgres" -> TestDatabases.postgres();
            default -> TestDatabases.sqlite();
        };
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            ScriptOnLoopback.prepare(db, "SELECT 1");
            Schema.create(db, "usr_preferences", "subscriber");
            row(db, "", "alice", "127.0.0.1", "fwd", 0, "sip:voicemail@example.com");
            row(db, "", "alice", "127.0.0.1", "678", 3, "42");
            row(db, "", "alice", "127.0.0.1", "lang", 0, "en");
            row(db, "u-1", "", "", "color", 0, "blue");
            db.insert("subscriber", Map.of("username", "alice", "domain", "127.0.0.1", "password", "pw", "ha1", "0123abcd"));
        }
        return url;
    }

    private static void row(Database db, String uuid, String user, String domain, String attribute, int type, String value)
            throws Exception {
        db.insert("usr_preferences", Map.of("uuid", uuid, "username", user, "domain", domain, "attribute", attribute,
                "type", (long) type, "value", value));
    }

    private ScriptOnLoopback proxy(String url) throws Exception {
        return ScriptOnLoopback.start(work, DB_SCRIPT.formatted(DbUrl.parse(url).module().substring(3), url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void avpDbLoadReadsTheOwnersPreferencesByTheirType(String kind) throws Exception {
        try (ScriptOnLoopback p = proxy(preferences(kind))) {
            assertThat(p.reason("load")).isEqualTo(
                    "1,1,1,1,-1,1 fwd=sip:voicemail@example.com n=42 int=1 lang=en color=blue h=0123abcd");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void avpDbStoreWritesWhatIsNotInTheTableYetAndAvpDbDeleteRemovesIt(String kind) throws Exception {
        String url = preferences(kind);
        try (ScriptOnLoopback p = proxy(url)) {
            // stored; already stored; the integer-named ones; none left that is not in the table
            assertThat(p.reason("store")).isEqualTo("1,-1,1,-1");
            try (Databases dbs = new Databases(1)) {
                DbResult r = dbs.get(url).query("usr_preferences", List.of("uuid", "username", "domain", "type", "value"),
                        Where.eq("attribute", "pref"), null);
                assertThat(r.size()).isEqualTo(1);
                assertThat(r.text(0, "username")).isEqualTo("alice");
                assertThat(r.text(0, "domain")).as("use_domain is 0").isEmpty();
                assertThat(r.number(0, "type", -1)).isZero();
                assertThat(r.text(0, "value")).isEqualTo("x");
                DbResult id = dbs.get(url).query("usr_preferences", List.of("type", "value"), Where.eq("attribute", "9"), null);
                assertThat(id.number(0, "type", -1)).as("integer name and value").isEqualTo(3);
                assertThat(id.text(0, "value")).isEqualTo("7");
            }
            assertThat(p.reason("delete")).isEqualTo("1");
            try (Databases dbs = new Databases(1)) {
                assertThat(dbs.get(url).query("usr_preferences", List.of("value"), Where.eq("attribute", "pref"), null).size()).isZero();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mysql", "postgres"})
    void avpDbQueryPutsTheRowsInAvpsFirstRowOnTop(String kind) throws Exception {
        try (ScriptOnLoopback p = proxy(preferences(kind))) {
            assertThat(p.reason("query")).isEqualTo("1 att=678,lang val=42 none=-2 i1=0 i2=en");
        }
    }

    // ---- what the checks say -----------------------------------------------------------------------

    private static final String BASE = "loadmodule \"pv.so\"\nloadmodule \"sl.so\"\nloadmodule \"avpops.so\"\n";

    @Test
    void theScriptsOfTheseTestsAreKamailios() throws Exception {
        for (String script : List.of(MEMORY, DB_SCRIPT.formatted("mysql", "mysql://u:p@127.0.0.1/k"))) {
            assertThat(KamailioCheck.sipway(work, script).ok()).as(KamailioCheck.sipway(work, script).diagnostics().render()).isTrue();
            KamailioCheck.Verdict k = KamailioCheck.kamailio(work, script);
            if (k != null) {
                assertThat(k.ok()).as(k.output()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "request_route { avp_db_load(\"$fu\", \"$avp(x)\"); }",
        "request_route { avp_delete(\"$avp(x)/q\"); }",
        "request_route { avp_check(\"$avp(x)\", \"zz/i:1\"); }",
        "request_route { avp_op(\"$avp(x)\", \"add/s:one\"); }",
        "request_route { avp_pushto(\"$hdr(X)\", \"$avp(x)\"); }",
        "request_route { avp_copy(\"$var(x)\", \"$avp(y)\"); }",
        "request_route { is_avp_set(\"$avp(x)/ns\"); }",
        "modparam(\"avpops\", \"db_url\", \"mysql://u:p@127.0.0.1/k\")\nmodparam(\"avpops\", \"avp_table\", \"t\")\nrequest_route { avp_db_load(\"$fu\", \"$avp(x)/$nosuch\"); }",
    })
    void badArgumentsAreRefusedByBothChecks(String route) throws Exception {
        String script = BASE + (route.contains("db_url") ? "loadmodule \"db_mysql.so\"\n" : "") + route + "\n";
        assertThat(KamailioCheck.sipway(work, script).ok()).as("sipway -c").isFalse();
        // kamailio -c runs no fixups: Kamailio refuses these when it starts
        KamailioCheck.Verdict k = KamailioCheck.kamailioStarts(work, script, 5);
        if (k != null) {
            assertThat(k.ok()).as("kamailio\n" + k.output()).isFalse();
            assertThat(k.output()).contains("fix");
        }
    }
}
