package io.sipway.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code -m MB}: Kamailio's shared memory size, Sipway's memory budget for transactions. */
@DisplayName("-m, the shared memory size")
class SharedMemoryOptionTest {

    @Test
    @DisplayName("a whole number of megabytes, as Kamailio's main.c reads it")
    void megabytes() {
        assertThat(MemorySize.megabytes("64")).isEqualTo(64L << 20);
        assertThat(MemorySize.megabytes("1024")).isEqualTo(1L << 30);
    }

    @Test
    @DisplayName("anything else is Kamailio's 'bad shmem size number'")
    void badSizes() {
        for (String bad : new String[] {"abc", "64M", "0", "-1", ""}) {
            assertThatThrownBy(() -> MemorySize.megabytes(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("bad shmem size number: -m " + bad);
        }
    }

    @Test
    @DisplayName("a bad -m stops the start with the message and status 1, before any listener opens")
    void badSizeStopsTheStart() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("-m", "lots", "-f", "src/test/resources/peers/relay.cfg");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("bad shmem size number: -m lots\n");
    }
}
