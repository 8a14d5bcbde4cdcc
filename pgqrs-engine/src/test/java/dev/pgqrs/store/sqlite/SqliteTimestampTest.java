package dev.pgqrs.store.sqlite;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SQLite-only: the timestamps are SQLite's text; the fast path must agree with the formatter. */
class SqliteTimestampTest {

    @Test
    void readsTheShapeTheDialectWrites() {
        assertThat(SqliteDialect.parseTimestamp("2026-11-29 11:26:10.123")).isEqualTo(Instant.parse("2026-11-29T11:26:10.123Z"));
        assertThat(SqliteDialect.parseTimestamp("1999-12-31 23:59:59.999")).isEqualTo(Instant.parse("1999-12-31T23:59:59.999Z"));
    }

    @Test
    void readsOtherShapesThroughTheFormatter() {
        assertThat(SqliteDialect.parseTimestamp("2026-11-29 11:26:10")).isEqualTo(Instant.parse("2026-11-29T11:26:10Z"));
        assertThat(SqliteDialect.parseTimestamp("2026-11-29T11:26:10.5Z")).isEqualTo(Instant.parse("2026-11-29T11:26:10.500Z"));
        assertThat(SqliteDialect.parseTimestamp("2026-11-29 11:26:10.123456")).isEqualTo(Instant.parse("2026-11-29T11:26:10.123456Z"));
    }

    @Test
    void rejectsWhatIsNoTimestamp() {
        assertThatThrownBy(() -> SqliteDialect.parseTimestamp("2026-13-29 11:26:10.123")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> SqliteDialect.parseTimestamp("2026-1x-29 11:26:10.123")).isInstanceOf(RuntimeException.class);
    }
}
