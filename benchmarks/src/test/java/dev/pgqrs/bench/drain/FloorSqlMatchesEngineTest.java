package dev.pgqrs.bench.drain;

import dev.pgqrs.store.postgres.PostgresDialect;
import dev.pgqrs.store.sqlite.SqliteDialect;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The floor must run exactly the engine's claim and ack SQL, or it is no floor. */
class FloorSqlMatchesEngineTest {

    @Test
    void postgresStatementsAreTheEngines() {
        PostgresDialect engine = new PostgresDialect();
        assertThat(FloorSql.POSTGRES_CLAIM).isEqualTo(engine.dequeue());
        assertThat(FloorSql.POSTGRES_ACK).isEqualTo(engine.archive());
    }

    @Test
    void sqliteStatementsAreTheEngines() {
        SqliteDialect engine = new SqliteDialect();
        assertThat(FloorSql.SQLITE_CLAIM).isEqualTo(engine.dequeue());
        assertThat(FloorSql.SQLITE_ACK).isEqualTo(engine.archive());
    }
}
