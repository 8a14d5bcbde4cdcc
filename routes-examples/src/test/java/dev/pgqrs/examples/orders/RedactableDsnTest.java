package dev.pgqrs.examples.orders;

import dev.pgqrs.ConfigException;
import dev.pgqrs.config.Dsn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A DSN's password moves where every message of the store redacts it, and the connection stays the same. */
class RedactableDsnTest {

    @Test
    void aQueryPasswordMovesIntoTheUserinfo() {
        String dsn = RedactableDsn.of("postgres://app@db:5432/orders?sslmode=require&password=s3cr%40t:x&ApplicationName=a");

        assertThat(dsn).isEqualTo("postgres://app:s3cr%40t%3Ax@db:5432/orders?sslmode=require&ApplicationName=a");
        Dsn parsed = Dsn.parse(dsn);
        assertThat(parsed.password()).isEqualTo("s3cr@t:x");
        assertThat(parsed.user()).isEqualTo("app");
        assertThat(parsed.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/orders?sslmode=require&ApplicationName=a");
        assertThat(parsed.toString()).doesNotContain("s3cr").contains("app:***@db");
    }

    @Test
    void otherFormsAreLeftAsTheyAre() {
        for (String dsn : new String[] {"postgres://app:pw@db/orders", "postgresql://db/orders?sslmode=disable",
                "sqlite:/var/lib/app/pgqrs.db", "jdbc:postgresql://db/orders?user=app&password=pw"}) {
            assertThat(RedactableDsn.of(dsn)).isEqualTo(dsn);
        }
    }

    @Test
    void aPasswordWithoutAUserOrTwoPasswordsAreRefused() {
        assertThatThrownBy(() -> RedactableDsn.of("postgres://db/orders?password=Pw-Alone")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("has a password but no user").hasMessageNotContaining("Pw-Alone");
        assertThatThrownBy(() -> RedactableDsn.of("postgres://app:Pw-First@db/orders?password=Pw-Second"))
                .hasMessageContaining("two passwords").hasMessageNotContaining("Pw-First").hasMessageNotContaining("Pw-Second");
    }
}
