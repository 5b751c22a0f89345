package io.sipway.proxy.module.uac;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.ScriptOnLoopback;
import io.sipway.proxy.db.Database;
import io.sipway.proxy.db.Databases;
import io.sipway.proxy.db.Schema;
import io.sipway.proxy.db.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * uac's remote registrations (Kamailio 5.6's uac_reg) from a uacreg table in SQLite, against a
 * registrar of the test's own on loopback that challenges with 401: the proxy registers, answers
 * the challenge with the row's credentials (the registrar checks the digest), is online, and
 * registers again before the granted expiry ends.
 */
@Timeout(40)
@DisplayName("uac remote registrations (uacreg)")
class UacRegTest {
    @TempDir
    Path work;
    private final UdpParty registrar;
    private ScriptOnLoopback proxy;

    UacRegTest() throws Exception {
        registrar = new UdpParty();
        registrar.socket.setSoTimeout(6000);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        registrar.close();
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String param(String header, String name) {
        Matcher m = Pattern.compile(name + "=(?:\"([^\"]*)\"|([^\\s,]+))").matcher(header);
        return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    @Test
    @DisplayName("REGISTER, 401, REGISTER with the row's credentials, 200: online; registered again before the expiry; RPCs and script functions see it")
    void registersAnswersTheChallengeAndRefreshes() throws Exception {
        String url = TestDatabases.sqlite();
        String domain = "127.0.0.1:" + registrar.port();
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            Schema.create(db, "uacreg"); // Kamailio's uacreg table (version 5), as kamdbctl makes it
            ScriptOnLoopback.prepare(db, "INSERT INTO uacreg (l_uuid, l_username, l_domain, r_username, r_domain, realm, auth_username,"
                    + " auth_password, auth_proxy, expires, flags, reg_delay) VALUES ('gw1', 'alice', 'local.test', 'acc1', '" + domain
                    + "', 'reg.test', 'acc1', 'pw', '', 60, 0, 0)");
        }
        proxy = ScriptOnLoopback.start(work, """
                loadmodule "tm.so"
                loadmodule "sl.so"
                loadmodule "pv.so"
                loadmodule "db_sqlite.so"
                loadmodule "uac.so"
                modparam("uac", "restore_mode", "none")
                modparam("uac", "reg_db_url", "%s")
                modparam("uac", "reg_contact_addr", "127.0.0.1:5999")
                modparam("uac", "reg_timer_interval", 1)
                request_route {
                    uac_reg_status("gw1");
                    $var(status) = $rc;
                    if (uac_reg_lookup("$rU", "$var(local)")) {
                        sl_send_reply("200", "$var(status) $var(local)");
                        exit;
                    }
                    sl_send_reply("404", "$var(status)");
                }
                """.formatted(url));

        UdpParty.Received first = registrar.request("REGISTER");
        assertThat(first.msg().requestUriString()).isEqualTo("sip:" + domain);
        assertThat(first.msg().from().uriString()).isEqualTo("sip:acc1@" + domain);
        assertThat(first.msg().to().uriString()).isEqualTo("sip:acc1@" + domain);
        assertThat(first.msg().header("Contact")).isEqualTo("<sip:gw1@127.0.0.1:5999>");
        assertThat(first.msg().header("Expires")).isEqualTo("60");
        assertThat(first.msg().header("Authorization")).isNull();
        registrar.answer(first, 401, "Unauthorized", "r1", "WWW-Authenticate: Digest realm=\"reg.test\", nonce=\"rn1\", qop=\"auth\"");

        // (a retransmission of the first may still come: the one that answers the challenge is the one with credentials)
        UdpParty.Received second = registrar.next(m -> m.isRequest() && m.header("Authorization") != null);
        String auth = second.msg().header("Authorization");
        assertThat(auth).isNotNull();
        assertThat(param(auth, "username")).isEqualTo("acc1");
        assertThat(param(auth, "uri")).isEqualTo("sip:" + domain);
        assertThat(param(auth, "response")).as("the registrar's own check of the digest").isEqualTo(md5(md5("acc1:reg.test:pw") + ":rn1:"
                + param(auth, "nc") + ":" + param(auth, "cnonce") + ":auth:" + md5("REGISTER:sip:" + domain)));
        assertThat(second.msg().callId()).as("within the same registration").isEqualTo(first.msg().callId());
        assertThat(second.msg().fromTag()).isEqualTo(first.msg().fromTag());
        assertThat(second.msg().cseq().number()).isEqualTo(first.msg().cseq().number() + 1);
        assertThat(second.msg().toTag()).as("To as Kamailio's dialog from the reply: no tag").isNull();
        long granted = System.nanoTime();
        registrar.answer(second, 200, "OK", "r2", "Contact: <sip:gw1@127.0.0.1:5999>;expires=7");

        Thread.sleep(300);
        assertThat(proxy.reason("gw1")).isEqualTo("1 sip:alice@local.test");
        assertThat(proxy.request("nobody").statusCode()).isEqualTo(404);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> dump = (List<Map<String, Object>>) proxy.rpc("uac.reg_dump");
        assertThat(dump).hasSize(1);
        assertThat(dump.get(0)).containsEntry("l_uuid", "gw1").containsEntry("r_domain", domain).containsEntry("expires", 60L)
                .containsEntry("flags", (long) (UacReg.ONLINE | UacReg.INIT));

        // refreshed when the registration ends within the next interval and 3 s: after 3 s of the 7 granted
        UdpParty.Received again = registrar.next(m -> m.isRequest() && !m.callId().equals(first.msg().callId()));
        assertThat((System.nanoTime() - granted) / 1_000_000).isBetween(1500L, 7000L);
        assertThat(again.msg().header("Authorization")).as("a new registration starts without credentials").isNull();
        registrar.answer(again, 200, "OK", "r3", "Contact: <sip:gw1@127.0.0.1:5999>", "Expires: 60");
        Thread.sleep(300);
        assertThat(proxy.reason("gw1")).startsWith("1 ");

        proxy.rpc("uac.reg_disable", "l_uuid", "gw1");
        assertThat(proxy.reason("gw1")).as("disabled, though the registration still runs").startsWith("1 ");
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) proxy.rpc("uac.reg_info", "l_username", "alice");
        assertThat((Long) info.get("flags") & UacReg.DISABLED).isEqualTo(UacReg.DISABLED);
    }

    @Test
    @DisplayName("a registrar answering 403: the registration is disabled (reg_retry_interval 0), uac_reg_status says -3")
    void failureDisables() throws Exception {
        String url = TestDatabases.sqlite();
        String domain = "127.0.0.1:" + registrar.port();
        try (Databases dbs = new Databases(1)) {
            Database db = dbs.get(url);
            Schema.create(db, "uacreg");
            ScriptOnLoopback.prepare(db, "INSERT INTO uacreg (l_uuid, l_username, l_domain, r_username, r_domain, realm, auth_username,"
                    + " auth_password, auth_proxy, expires, flags, reg_delay) VALUES ('gw2', 'bob', 'local.test', 'acc2', '" + domain
                    + "', '', 'acc2', 'pw', '', 60, 0, 0)");
        }
        proxy = ScriptOnLoopback.start(work, """
                loadmodule "tm.so"
                loadmodule "sl.so"
                loadmodule "pv.so"
                loadmodule "db_sqlite.so"
                loadmodule "uac.so"
                modparam("uac", "restore_mode", "none")
                modparam("uac", "reg_db_url", "%s")
                modparam("uac", "reg_contact_addr", "127.0.0.1:5999")
                modparam("uac", "reg_timer_interval", 1)
                modparam("uac", "auth_username_avp", "$avp(au)")
                modparam("uac", "auth_password_avp", "$avp(ap)")
                modparam("uac", "auth_realm_avp", "$avp(ar)")
                request_route {
                    if ($rU == "to") {
                        if (uac_reg_request_to("gw2", "0")) {
                            sl_send_reply("200", "$ru $avp(au) $avp(ap) [$avp(ar)]");
                        }
                        exit;
                    }
                    uac_reg_status("$rU");
                    sl_send_reply("200", "$rc");
                }
                """.formatted(url));
        UdpParty.Received first = registrar.request("REGISTER");
        assertThat(proxy.reason("gw2")).as("a REGISTER under way").isEqualTo("-2");
        registrar.answer(first, 403, "Forbidden", "r1");
        Thread.sleep(300);
        assertThat(proxy.reason("gw2")).isEqualTo("-3");
        assertThat(proxy.reason("unknown")).isEqualTo("-1");
        assertThat(proxy.reason("to")).as("uac_reg_request_to: the remote URI and the credentials for uac_auth")
                .isEqualTo("sip:acc2@" + domain + " acc2 pw []");

        proxy.rpc("uac.reg_enable", "l_uuid", "gw2");
        UdpParty.Received again = registrar.next(m -> m.isRequest() && !m.callId().equals(first.msg().callId()));
        assertThat(again.msg().header("Contact")).isEqualTo("<sip:gw2@127.0.0.1:5999>");

        try (Databases dbs = new Databases(1)) {
            ScriptOnLoopback.prepare(dbs.get(url), "INSERT INTO uacreg (l_uuid, l_username, l_domain, r_username, r_domain, realm,"
                    + " auth_username, auth_password, auth_proxy, expires, flags, reg_delay) VALUES ('gw3', 'carol', 'local.test',"
                    + " 'acc3', '" + domain + "', '', 'acc3', 'pw', '', 0, 0, 0)");
        }
        assertThat(proxy.reason("gw3")).isEqualTo("-1");
        proxy.rpc("uac.reg_refresh", "gw3");
        assertThat(proxy.reason("gw3")).as("known now; expires 0: never sent").isEqualTo("-99");
    }
}
