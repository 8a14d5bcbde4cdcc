package dev.pgqrs.cli;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the store is found, how answers are printed, exit statuses and error lines. */
class GlobalOptionsConformanceTest {

    @ConformanceTest
    void theStoreIsFoundByPgqrsDsnOrAConfigFileAndTheOptionsWin(TestBackend backend) throws IOException {
        Cli.on(backend).json("admin", "install");
        Cli.on(backend).json("queue", "create", "orders");
        Cli byEnv = Cli.bare().env("PGQRS_DSN", backend.dsn());
        if (backend.schema() != null) {
            byEnv.env("PGQRS_SCHEMA", backend.schema());
        }
        assertThat(byEnv.json("queue", "list").findValuesAsText("name")).containsExactly("orders");

        Path dir = Files.createDirectories(Path.of("target", "config"));
        Path yaml = Files.createTempFile(dir, "pgqrs-", ".yaml");
        Files.writeString(yaml, "dsn: \"" + backend.dsn() + "\"\n"
                + (backend.schema() != null ? "schema: \"" + backend.schema() + "\"\n" : ""));
        assertThat(Cli.bare().json("queue", "list", "--config", yaml.toString()).findValuesAsText("name"))
                .containsExactly("orders");

        List<String> args = new ArrayList<>(List.of("queue", "list", "--format", "json"));
        args.addAll(Cli.target(backend));
        Cli.Result wins = Cli.bare().env("PGQRS_DSN", "sqlite:/nonexistent/dir/x.db").run(args.toArray(String[]::new));
        assertThat(wins.status()).as(wins.err()).isZero();
    }

    @ConformanceTest
    void jsonAnswersAreOneDocumentAndListsAreArrays(TestBackend backend) {
        Cli cli = Cli.on(backend);
        cli.json("admin", "install");
        assertThat(cli.json("queue", "list").isArray()).isTrue();
        assertThat(cli.json("worker", "list").isArray()).isTrue();
        assertThat(cli.json("workflow", "list").isArray()).isTrue();
        assertThat(cli.json("schedule", "list").isArray()).isTrue();
        assertThat(cli.json("admin", "stats").isObject()).isTrue();
        assertThat(cli.run("queue", "list", "--format", "JSON").status()).as("either case").isZero();
        assertThat(cli.run("queue", "list", "--format", "yaml").status()).isEqualTo(2);
    }

    @Test
    void noStoreIsAUsageErrorSayingWhatToPass() {
        Cli.Result r = Cli.bare().run("queue", "list");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("no store given: pass --dsn, set PGQRS_DSN").hasLineCount(1);
    }

    @Test
    void aDurationThatDoesNotParseIsAUsageErrorNamingTheForms() {
        Cli.Result r = Cli.bare().run("worker", "purge", "--older-than", "3 weeks", "--dsn", "sqlite::memory:");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("'3 weeks' is not a duration").contains("30s, 5m, 1h, 2d").hasLineCount(1);
    }

    @Test
    void aPasswordIsNeverPrinted() {
        Cli.Result r = Cli.bare().run("queue", "list", "--dsn", "postgres://app:Sup3rSecret@127.0.0.1:1/app");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("pgqrs: cannot connect to postgres://app:***@127.0.0.1:1/app").hasLineCount(1)
                .doesNotContain("Sup3rSecret");
        Cli.Result query = Cli.bare().run("queue", "list", "--dsn", "postgresql://127.0.0.1:1/app?user=app&password=Sup3rSecret");
        assertThat(query.err()).doesNotContain("Sup3rSecret").hasLineCount(1);
    }

    @Test
    void helpAndUsageErrors() {
        Cli.Result help = Cli.bare().run("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("admin").contains("queue").contains("message").contains("worker").contains("workflow")
                .contains("schedule");
        assertThat(Cli.bare().run("message", "send", "--help").out()).contains("--delay").contains("--file");
        Cli.Result unknown = Cli.bare().run("queue", "frobnicate");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate").hasLineCount(1);
        assertThat(Cli.bare().run("queue").status()).as("a group without a command").isEqualTo(2);
        assertThat(Cli.bare().run("schedule").status()).as("a group without a command").isEqualTo(2);
    }
}
