package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.sipway.proxy.log.KamailioLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** Logs as Kamailio writes them, at the level the script's debug= asks for. */
class LogLevelTest {

    @ParameterizedTest
    @CsvSource({"3, DEBUG", "4, DEBUG", "2, INFO", "1, WARN", "0, WARN", "-1, ERROR", "-3, ERROR"})
    void debugSetsTheLogLevelAsKamailiosLevelsRank(int debug, String level) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            Main.applyDebugLevel(debug);
            assertThat(root.getLevel()).isEqualTo(Level.toLevel(level));
        } finally {
            root.setLevel(before);
        }
    }

    @Test
    void aLineHasKamailiosShapeAndXlogSpeaksAsTheScript() throws Exception {
        assertThat(Files.readString(Path.of("src/main/resources/logback.xml"))).contains("io.sipway.proxy.log.KamailioLayout");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        KamailioLayout layout = new KamailioLayout();
        layout.setContext(context);
        layout.start();
        String pid = Long.toString(ProcessHandle.current().pid());
        Logger xlog = context.getLogger("xlog");
        Logger transport = context.getLogger("io.sipway.transport.Transport");
        assertThat(layout.doLayout(new LoggingEvent("x", xlog, Level.INFO, "call from {}", null, new Object[] {"alice"})))
                .isEqualTo(" 0(" + pid + ") INFO: <script>: call from alice\n");
        assertThat(layout.doLayout(new LoggingEvent("x", transport, Level.WARN, "no connection", null, null)))
                .isEqualTo(" 0(" + pid + ") WARNING: <Transport>: no connection\n");
    }
}
