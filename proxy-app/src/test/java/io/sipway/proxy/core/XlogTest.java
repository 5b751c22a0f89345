package io.sipway.proxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sipway.cfg.CompiledScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** xlog and its level functions: what is printed at which debug= level, with pseudo-variables filled in. */
class XlogTest {
    private final ModuleHarness h = new ModuleHarness();
    private final Logger xlog = (Logger) LoggerFactory.getLogger("xlog");
    private final ListAppender<ILoggingEvent> printed = new ListAppender<>();

    @BeforeEach
    void listen() {
        printed.start();
        xlog.addAppender(printed);
    }

    @AfterEach
    void close() {
        xlog.detachAppender(printed);
        h.close();
    }

    private java.util.List<String> run(int debug, String route) {
        h.core.debug(debug);
        CompiledScript s = h.load("request_route {\n" + route + "\n}\n");
        h.run(s, h.msg("invite-sdp.sip"));
        return printed.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aMessageAboveTheDebugLevelIsNotPrinted() {
        String route = "xlog(\"L_ERR\", \"err $rm\\n\"); xlog(\"L_WARN\", \"warn\\n\"); xnotice(\"notice\\n\");"
                + " xlog(\"L_INFO\", \"info\\n\"); xlog(\"plain\\n\"); xdbg(\"dbg\\n\");";
        assertThat(run(0, route)).containsExactly("ERROR err INVITE", "WARN warn"); // Kamailio's default debug=0
        printed.list.clear();
        assertThat(run(2, route)).containsExactly("ERROR err INVITE", "WARN warn", "INFO notice", "INFO info", "INFO plain");
        printed.list.clear();
        assertThat(run(3, route)).hasSize(6).last().isEqualTo("DEBUG dbg");
    }

    @Test
    void theLevelIsTheArgumentBeforeTheTextAfterAFacility() {
        assertThat(run(1, "xlog(\"LOG_LOCAL0\", \"L_ERR\", \"from local0 $rU\\n\");")).containsExactly("ERROR from local0 +4930123456");
    }

    @Test
    void anUnknownLevelIsRefusedWhenTheScriptLoads() {
        assertThat(h.loadErrors("request_route { xlog(\"L_LOUD\", \"x\\n\"); }\n")).contains("L_LOUD");
    }
}
