package io.sipway.proxy.cli;

import static io.sipway.proxy.cli.CliRun.sipway;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.transport.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sipway -f} that cannot start: one line saying what failed and why, naming the listener as
 * the script wrote it or the TLS setting and its file, and exit status 1.
 */
@Timeout(60)
class StartupMessagesTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path script(String listen, String tls) throws Exception {
        Path cfg = dir.resolve("start.cfg");
        Files.writeString(cfg, "#!KAMAILIO\nlisten=" + listen + "\n" + (tls.isEmpty() ? "" : "enable_tls=yes\nloadmodule \"tls.so\"\n" + tls)
                + "loadmodule \"sl.so\"\nrequest_route {\n\tsl_send_reply(\"200\", \"OK\");\n}\n");
        return cfg;
    }

    @Test
    void aBusyPortNamesTheListenerAsTheScriptWroteIt() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun run = sipway("-f", script("tcp:127.0.0.1:" + busy.getLocalPort(), "").toString());
            assertThat(run.err()).isEqualTo("listen=tcp:127.0.0.1:" + busy.getLocalPort() + ": address already in use\n");
            assertThat(run.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void aMissingTlsCfgSaysSo() throws Exception {
        CliRun run = sipway("-f", script("tls:127.0.0.1:" + freePort(), "modparam(\"tls\", \"config\", \"missing.cfg\")\n").toString());
        assertThat(run.err()).isEqualTo(dir.resolve("start.cfg") + ": modparam(\"tls\", \"config\"): cannot read "
                + dir.resolve("missing.cfg") + ": file not found\n");
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void aMissingCertificateNamesTheSettingAndTheFile() throws Exception {
        TestCertificates.create(dir);
        Files.writeString(dir.resolve("tls.cfg"), "[server:default]\ncertificate = nowhere.pem\nprivate_key = server-key.pem\n");
        CliRun run = sipway("-f", script("tls:127.0.0.1:" + freePort(), "modparam(\"tls\", \"config\", \"tls.cfg\")\n").toString());
        assertThat(run.err()).isEqualTo("tls: certificate " + dir.resolve("nowhere.pem") + ": file not found\n");
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void aCipherListThatSelectsNothingIsRefused() throws Exception {
        TestCertificates.create(dir);
        Files.writeString(dir.resolve("tls.cfg"), "[server:default]\nmethod = TLSv1.2+\ncipher_list = RC4-SHA\n"
                + "certificate = server.pem\nprivate_key = server-key.pem\n");
        CliRun run = sipway("-f", script("tls:127.0.0.1:" + freePort(), "modparam(\"tls\", \"config\", \"tls.cfg\")\n").toString());
        assertThat(run.err()).startsWith(dir.resolve("start.cfg") + ": cipher_list \"RC4-SHA\" selects none of the TLS 1.2 suites");
        assertThat(run.exitCode()).isEqualTo(1);
    }
}
