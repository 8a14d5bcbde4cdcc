package dev.pgqrs.config;

import dev.pgqrs.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** DSN parsing needs no database: these run once, not per backend. */
class DsnTest {

    @Test
    void postgresUrlBecomesAJdbcUrlWithCredentialsApart() {
        Dsn dsn = Dsn.parse("postgresql://app:s3cr%40t@db.example.com:6432/orders?sslmode=require");

        assertThat(dsn.backend()).isEqualTo(Backend.POSTGRES);
        assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6432/orders?sslmode=require");
        assertThat(dsn.user()).isEqualTo("app");
        assertThat(dsn.password()).isEqualTo("s3cr@t");
        assertThat(dsn.toString()).doesNotContain("s3cr").contains("app:***@");
    }

    @Test
    void everyAcceptedFormParses() {
        assertThat(Dsn.parse("postgres://localhost/db").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/db");
        assertThat(Dsn.parse("postgres://h1:5432,h2:5433/db").jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db");
        assertThat(Dsn.parse("jdbc:postgresql://localhost:5432/db?user=u&password=p").toString()).contains("password=***");
        assertThat(Dsn.parse("sqlite:///var/data/q.db").sqlitePath()).isEqualTo("/var/data/q.db");
        assertThat(Dsn.parse("sqlite://data/q.db").sqlitePath()).isEqualTo("data/q.db");
        assertThat(Dsn.parse("sqlite:q.db").sqlitePath()).isEqualTo("q.db");
        assertThat(Dsn.parse("jdbc:sqlite:/tmp/q.db").sqlitePath()).isEqualTo("/tmp/q.db");
        assertThat(Dsn.parse("sqlite::memory:").isInMemory()).isTrue();
        assertThat(Dsn.parse("  SQLITE:q.db ").backend()).isEqualTo(Backend.SQLITE);
    }

    @Test
    void unsupportedAndMalformedDsnsSayWhatIsWrongWithoutLeakingPasswords() {
        assertThatThrownBy(() -> Dsn.parse("mysql://root:hunter2@localhost/db"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unsupported DSN")
                .hasMessageContaining("sqlite::memory:")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Dsn.parse("")).hasMessageContaining("DSN is empty");
        assertThatThrownBy(() -> Dsn.parse(null)).hasMessageContaining("DSN is empty");
        assertThatThrownBy(() -> Dsn.parse("postgres://u:hunter2@db:99999/x"))
                .hasMessageContaining("port 99999 is outside 1-65535").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Dsn.parse("postgres://u:hunter2@db:abc/x"))
                .hasMessageContaining("port 'abc' is not a number").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Dsn.parse("postgres:///x")).hasMessageContaining("the host is missing");
        assertThatThrownBy(() -> Dsn.parse("sqlite:")).hasMessageContaining("names no file");
    }

    @Test
    void aPasswordGivenAsAQueryParameterIsNeverShownAndGoesToTheDriverApart() {
        for (String text : List.of("postgres://h/db?user=u&password=X9secret", "postgres://h/db?user=u&PASSWORD=X9secret",
                "postgresql://h:5432/db?Password=X9secret&sslmode=require", "jdbc:postgresql://h/db?user=u&password=X9secret",
                "jdbc:postgresql://h/db?password=X9secret&user=u", "postgres://u@h/db?sslpassword=X9secret")) {
            Dsn dsn = Dsn.parse(text);
            assertThat(dsn.toString()).as(text).doesNotContain("X9secret").contains("***");
            assertThat(PgqrsConfig.of(text).toString()).as(text).doesNotContain("X9secret");
            if (!text.contains("sslpassword")) {
                assertThat(dsn.password()).as(text).isEqualTo("X9secret");
                assertThat(dsn.jdbcUrl()).as(text).doesNotContainIgnoringCase("password");
            }
        }
        Dsn dsn = Dsn.parse("postgres://h/db?user=u&password=p%2Fq&sslmode=require");
        assertThat(dsn.user()).isEqualTo("u");
        assertThat(dsn.password()).isEqualTo("p/q");
        assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?sslmode=require");
        assertThat(dsn).hasToString("postgres://h/db?user=u&password=***&sslmode=require");
    }

    @Test
    void aPasswordWithAnUnencodedSlashIsNotPrintedByTheParseError() {
        for (String text : List.of("postgres://app:Wr/ong@host/db", "postgres://app:Wr?ong@host/db", "postgres://app:Wr#ong@host/db",
                "postgresql://app:12/34@host:5432/db", "postgres://app:Wrong", "mysql://app:Wr/ong@host/db", "jdbc:postgresql://h/db?password=Wr#ong")) {
            Throwable error = catchThrowable(() -> Dsn.parse(text));
            if (error == null) {
                assertThat(Dsn.parse(text).toString()).as(text).doesNotContain("Wr").doesNotContain("ong");
                continue;
            }
            assertThat(error).as(text).isInstanceOf(ConfigException.class);
            assertThat(error.getMessage()).as(text).doesNotContain("Wr").doesNotContain("ong").doesNotContain("34");
        }
        assertThatThrownBy(() -> Dsn.parse("postgres://app:Wr/ong@host/db"))
                .hasMessageContaining("postgres://***@host")
                .hasMessageContaining("percent-encode");
    }

    @Test
    void aConfigNeverShowsThePassword() {
        PgqrsConfig config = PgqrsConfig.builder().dsn("postgresql://app:hunter2@db:5432/app?password=hunter3").build();

        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("hunter3").contains("app:***@db:5432/app");
    }
}
