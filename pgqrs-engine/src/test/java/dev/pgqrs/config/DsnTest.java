package dev.pgqrs.config;

import dev.pgqrs.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
