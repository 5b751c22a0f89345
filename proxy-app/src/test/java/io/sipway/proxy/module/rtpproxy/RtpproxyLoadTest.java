package io.sipway.proxy.module.rtpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.cfg.ScriptLoader;
import io.sipway.proxy.module.KamailioCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a script may ask of rtpproxy, checked at load: what Sipway does not implement is refused, naming it. */
class RtpproxyLoadTest {
    @TempDir
    Path dir;

    private ScriptLoader.Result check(String params, String body) throws Exception {
        return KamailioCheck.sipway(dir, "loadmodule \"pv.so\"\nloadmodule \"rtpproxy.so\"\nmodparam(\"rtpproxy\", \"rtpproxy_sock\", \"udp:127.0.0.1:22222\")\n"
                + params + "request_route {\n" + body + "\n}\n");
    }

    @Test
    void theFunctionsOfKamailio56AreAccepted() throws Exception {
        ScriptLoader.Result r = check("modparam(\"rtpproxy\", \"rtpproxy_sock\", \"1 == udp:127.0.0.1:22223=2 udp:127.0.0.1:22224\")\n",
                "set_rtp_proxy_set(\"1\"); rtpproxy_offer(\"ie\", \"192.0.2.1\"); rtpproxy_answer(); rtpproxy_manage(\"co\");"
                        + " rtpproxy_destroy(\"t\"); unforce_rtp_proxy(); start_recording(); rtpproxy_stream2uac(\"/tmp/p\", \"-1\");"
                        + " rtpproxy_stream2uas(\"/tmp/p\", \"3\"); rtpproxy_stop_stream2uac(); rtpproxy_stop_stream2uas();"
                        + " $var(s) = $rtpstat;");
        assertThat(r.ok()).as(r.diagnostics().render()).isTrue();
    }

    @Test
    void whatIsNotImplementedIsRefusedNamingIt() throws Exception {
        ScriptLoader.Result db = check("modparam(\"rtpproxy\", \"db_url\", \"mysql://k@localhost/k\")\n", "rtpproxy_offer();");
        assertThat(db.ok()).isFalse();
        assertThat(db.diagnostics().render()).contains("db_url");
        ScriptLoader.Result ice = check("modparam(\"rtpproxy\", \"ice_candidate_priority_avp\", \"$avp(p)\")\n", "rtpproxy_offer();");
        assertThat(ice.ok()).isFalse();
        assertThat(ice.diagnostics().render()).contains("ice_candidate_priority_avp");
    }

    @Test
    void aSetThatIsNotConfiguredIsRefusedAsKamailiosFixupDoes() throws Exception {
        ScriptLoader.Result r = check("", "set_rtp_proxy_set(\"7\"); rtpproxy_offer();");
        assertThat(r.ok()).isFalse();
        assertThat(r.diagnostics().render()).contains("rtpp_proxy set 7 not configured");
        ScriptLoader.Result badCount = check("", "rtpproxy_stream2uac(\"/tmp/p\", \"many\");");
        assertThat(badCount.ok()).isFalse();
    }
}
