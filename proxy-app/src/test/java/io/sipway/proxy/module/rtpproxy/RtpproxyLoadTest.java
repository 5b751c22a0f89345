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
        for (String param : java.util.List.of("db_url", "table_name", "ice_candidate_priority_avp")) {
            ScriptLoader.Result r = check("modparam(\"rtpproxy\", \"" + param + "\", \"x\")\n", "rtpproxy_offer();");
            assertThat(r.ok()).as(param).isFalse();
            assertThat(r.diagnostics().render()).contains(param);
        }
        ScriptLoader.Result unix = KamailioCheck.sipway(dir, "loadmodule \"rtpproxy.so\"\n"
                + "modparam(\"rtpproxy\", \"rtpproxy_sock\", \"unix:/run/rtpproxy.sock\")\nrequest_route {\n rtpproxy_offer();\n}\n");
        assertThat(unix.ok()).as("a unix control socket").isFalse();
    }

    @Test
    void aSetThatIsNotConfiguredIsRefusedAsKamailiosFixupDoes() throws Exception {
        assertThat(check("", "set_rtp_proxy_set(\"7\"); rtpproxy_offer();").diagnostics().render())
                .contains("rtpp_proxy set 7 not configured");
        assertThat(check("", "rtpproxy_stream2uac(\"/tmp/p\", \"many\");").diagnostics().render()).contains("bad number <many>");
    }
}
