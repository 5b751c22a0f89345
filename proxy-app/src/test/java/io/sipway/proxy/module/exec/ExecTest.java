package io.sipway.proxy.module.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.KamailioCheck;
import io.sipway.proxy.module.ScriptOnLoopback;
import io.sipway.sip.SipMessage;
import io.sipway.sip.Via;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * exec in a running proxy with harmless commands (true, false, echo, printf, grep, yes, sleep): the
 * return codes, the output read as lines into the R-URI, branches and AVPs, the message on standard input,
 * the SIP_* environment; every expected value here is what Kamailio 5.6.3 answered to the same script.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExecTest {
    static final String SCRIPT = """
            loadmodule "pv.so"
            loadmodule "sl.so"
            loadmodule "exec.so"
            request_route {
                if ($rU == "cmd") {
                    exec_cmd("true");
                    $var(t) = $rc;
                    exec_cmd("false");
                    $var(f) = $rc;
                    exec_cmd("exit 3");
                    $var(e) = $rc;
                    exec_cmd("sleep 0.2; echo hi");
                    $var(o) = $rc;
                    sl_send_reply("200", "true=$var(t) false=$var(f) exit3=$var(e) output=$var(o)");
                    exit;
                }
                if ($rU == "avp") {
                    exec_avp("printf 'one\\\\n\\\\ntwo  \\\\nthree\\\\n'", "$avp(a);$avp(b)");
                    $var(rc) = $rc;
                    exec_avp("echo x; exit 1", "$avp(c)");
                    sl_send_reply("200", "rc=$var(rc) a=$avp(a) b=$avp(b) i3=$avp(i:3) failed=$rc c=$avp(c)");
                    exit;
                }
                if ($rU == "env") {
                    exec_avp("echo \\"$$SIP_USER|$$SIP_OUSER|$$SIP_HF_X_TEST|$$SIP_HF_CALLID|$$SIP_HF_MAX_FORWARDS|$$SIP_DID|$$SIP_SRCIP|$$SIP_HF_X_TWICE\\"");
                    sl_send_reply("200", "$avp(i:1)");
                    exit;
                }
                if ($rU == "tid") {
                    exec_avp("echo $$SIP_TID");
                    sl_send_reply("200", "$avp(i:1)");
                    exit;
                }
                if ($rU == "dset") {
                    exec_dset("echo sip:a@example.com; echo; echo");
                    $var(rc) = $rc;
                    sl_send_reply("200", "rc=$var(rc) ru=$ru");
                    exit;
                }
                if ($rU == "none") {
                    exec_dset("true");
                    sl_send_reply("200", "rc=$rc ru=$rU");
                    exit;
                }
                if ($rU == "msg") {
                    exec_msg("grep -q '^X-Test: yes' && exit 0 || exit 3");
                    sl_send_reply("200", "rc=$rc");
                    exit;
                }
                if ($rU == "big") {
                    exec_cmd("yes");
                    sl_send_reply("200", "rc=$rc");
                    exit;
                }
                sl_send_reply("404", "unknown");
            }
""";

    @TempDir
    Path work;

    @Test
    void theExitStatusIsTheReturnCode() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            // a command writing to exec_cmd's closed pipe dies of SIGPIPE, as under Kamailio
            assertThat(p.reason("cmd")).isEqualTo("true=1 false=-1 exit3=-1 output=-1");
            assertThat(p.reason("big")).as("an endless output ends the command").isEqualTo("rc=-1");
        }
    }

    @Test
    void execAvpPutsEachLineInAnAvp() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("avp")).isEqualTo("rc=1 a=one b=two i3=three failed=-1 c=x");
        }
    }

    @Test
    void execDsetRunsTheCommandWithTheRequestUriAndTakesItsFirstLine() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("dset")).isEqualTo("rc=1 ru=sip:a@example.com");
            assertThat(p.reason("none")).as("no line").isEqualTo("rc=-1 ru=none");
        }
    }

    @Test
    void execMsgWritesTheMessageToTheCommand() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            assertThat(p.reason("msg", "X-Test: yes")).isEqualTo("rc=1");
            assertThat(p.reason("msg")).isEqualTo("rc=-1");
        }
    }

    @Test
    void theCommandsSeeTheMessageInSipVariables() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, SCRIPT)) {
            SipMessage r = p.request("env", "X-Test: yes", "X-Twice: 1", "x-twice: 2");
            assertThat(r.reasonPhrase()).isEqualTo("env|env|yes|" + r.callId() + "|70||127.0.0.1|1,2");
            SipMessage t = p.request("tid");
            Via via = t.topVia();
            String key = t.fromTag() + t.callId() + "sip:tid@127.0.0.1:" + port(p) + "1"
                    + via.host() + via.port() + via.branch();
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
            assertThat(t.reasonPhrase()).as("char_msg_val").isEqualTo(md5);
        }
    }

    private static String port(ScriptOnLoopback p) {
        String l = p.proxy().listeners().get(0);
        return l.substring(l.lastIndexOf(':') + 1);
    }

    @Test
    void timeToKillEndsALongCommand() throws Exception {
        try (ScriptOnLoopback p = ScriptOnLoopback.start(work, """
                loadmodule "sl.so"
                loadmodule "exec.so"
                modparam("exec", "time_to_kill", 1)
                request_route {
                    exec_cmd("sleep 20");
                    sl_send_reply("200", "rc=$rc");
                }
                """)) {
            long start = System.nanoTime();
            assertThat(p.reason("x")).isEqualTo("rc=-1");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
        }
    }

    @Test
    void theOutputIsReadAsFgetsReadsIt() {
        byte[] out = ("a\r\n\n  \n" + "x".repeat(1030) + "\nlast").getBytes(StandardCharsets.UTF_8);
        assertThat(ShellCommand.lines(out)).containsExactly("a", "x".repeat(1023), "xxxxxxx", "last");
    }

    @Test
    void theScriptIsKamailios() throws Exception {
        assertThat(KamailioCheck.sipway(work, SCRIPT).ok()).isTrue();
        KamailioCheck.Verdict k = KamailioCheck.kamailio(work, SCRIPT);
        if (k != null) {
            assertThat(k.ok()).as(k.output()).isTrue();
        }
    }
}
