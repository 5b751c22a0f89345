package io.sipway.proxy.cli;

import static io.sipway.proxy.cli.CliRun.sipway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipway.proxy.db.Databases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The db_* modules in a script: loaded and set as Kamailio's are, and a db_url needs its module. */
class DbModulesCheckTest {
    private static final String HEAD = """
            #!KAMAILIO
            loadmodule "sl.so"
            loadmodule "db_mysql.so"
            loadmodule "db_postgres.so"
            loadmodule "db_sqlite.so"
            loadmodule "db_text.so"
            loadmodule "db_redis.so"
            modparam("db_redis", "keys", "version=entry:table_name")
            modparam("db_redis", "keys", "location=entry:ruid&usrdom:username,domain&timer:partition,keepalive")
            modparam("db_mysql", "timeout_interval", 3)
            modparam("db_mysql", "ping_interval", 60)
            modparam("db_mysql", "auto_reconnect", 1)
            modparam("db_postgres", "timeout", 5)
            modparam("db_text", "db_mode", 1)
            """;
    private static final String ROUTE = "request_route {\n\tsl_send_reply(\"404\", \"Not Found\");\n}\n";

    @Test
    void theDbModulesAndTheirParametersCheckOk(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("db.cfg");
        Files.writeString(cfg, HEAD + ROUTE);
        CliRun run = sipway("-c", "-f", cfg.toString());
        assertThat(run.err()).endsWith("config file ok, exiting...\n");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void aValueSipwayDoesNotImplementIsRefused(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("db.cfg");
        Files.writeString(cfg, HEAD + "modparam(\"db_text\", \"db_delim\", \"|\")\n" + ROUTE);
        CliRun run = sipway("-c", "-f", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("db_delim");
    }

    @Test
    void dbRedisKeysThatAreNotTableDefinitionsAreRefused(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("db.cfg");
        Files.writeString(cfg, HEAD + "modparam(\"db_redis\", \"keys\", \"subscriber:username,domain\")\n" + ROUTE);
        CliRun run = sipway("-c", "-f", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("keys").contains("<table>=");
    }

    @Test
    void aDbUrlWhoseModuleIsNotLoadedIsRefusedAsDbBindModRefusesIt() {
        try (Databases dbs = new Databases(1)) {
            dbs.configure(Set.of("sl", "db_mysql"), (m, p, d) -> d);
            assertThatThrownBy(() -> dbs.get("postgres://kamailio:kamailiorw@localhost/kamailio"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs module db_postgres: add loadmodule \"db_postgres.so\"");
            assertThat(dbs.get("mysql://kamailio:kamailiorw@localhost/kamailio").url().module()).isEqualTo("db_mysql");
            assertThatThrownBy(() -> dbs.get("redis://127.0.0.1/1")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
