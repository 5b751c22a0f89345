package io.sipway.proxy.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** log_prefix goes in front of every line logged while a message is processed, Sipway's own lines included. */
class KamailioLayoutTest {
    private static final byte[] OPTIONS = ("OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 7 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private static String body(LoggingEvent e) {
        StringBuilder b = new StringBuilder();
        KamailioLayout.body(e, b);
        return b.toString();
    }

    @Test
    void theLinesOfAMessageCarryItsPrefixComputedOnceAndOthersNone() {
        Logger transport = (Logger) LoggerFactory.getLogger("io.sipway.transport.Transport");
        int[] computed = {0};
        LogPrefix.Source prefix = (msg, from) -> {
            computed[0]++;
            return "{" + msg.cseq().number() + " " + msg.methodName() + " " + msg.callId() + "} ";
        };
        LogPrefix.enter(prefix, OPTIONS, null);
        try {
            assertThat(body(new LoggingEvent("x", transport, Level.WARN, "no connection", null, null)))
                    .isEqualTo("WARNING: {7 OPTIONS c1} <Transport>: no connection\n");
            assertThat(body(new ScriptLog.Line((Logger) LoggerFactory.getLogger("xlog"), KamailioLevel.NOTICE, SyslogFacility.DEFAULT,
                    "<script>: ", "hello\n"))).isEqualTo("NOTICE: {7 OPTIONS c1} <script>: hello\n");
        } finally {
            LogPrefix.exit();
        }
        assertThat(computed[0]).as("the prefix is computed once per message").isEqualTo(1);
        assertThat(body(new LoggingEvent("x", transport, Level.ERROR, "later", null, null))).isEqualTo("ERROR: <Transport>: later\n");
    }
}
