package dev.pgqrs.config;

import dev.pgqrs.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration loading needs no database: these run once, not per backend. */
class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsMatchPgqrs() {
        PgqrsConfig c = PgqrsConfig.builder().build();

        assertThat(c.schema()).isEqualTo("public");
        assertThat(c.maxConnections()).isEqualTo(16);
        assertThat(c.maxReadCount()).isEqualTo(5);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.payloadLimits()).isEqualTo(PayloadLimits.DEFAULTS);
        assertThat(c.archiveRetention()).as("archived messages are kept unless asked").isNull();
    }

    @Test
    void environmentVariablesConfigureEveryKey() {
        PgqrsConfig c = PgqrsConfig.load(Map.of(
                "PGQRS_DSN", "sqlite:env.db",
                "PGQRS_SCHEMA", "queues",
                "PGQRS_MAX_CONNECTIONS", "4",
                "PGQRS_MAX_READ_CT", "9",
                "PGQRS_HEARTBEAT_INTERVAL", "2",
                "PGQRS_POLL_INTERVAL_MS", "100",
                "PGQRS_VISIBILITY_TIMEOUT", "1m",
                "PGQRS_NOTIFICATIONS", "false",
                "PGQRS_ARCHIVE_RETENTION", "168h",
                "PGQRS_PAYLOAD_REQUIRED_KEYS", "type, id"));

        assertThat(c.dsn()).isEqualTo("sqlite:env.db");
        assertThat(c.schema()).isEqualTo("queues");
        assertThat(c.maxConnections()).isEqualTo(4);
        assertThat(c.maxReadCount()).isEqualTo(9);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.visibilityTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.notifications()).isFalse();
        assertThat(c.archiveRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.payloadLimits().requiredKeys()).containsExactly("type", "id");
    }

    @Test
    void retentionKeysSetTheDefaultsOfQueuesAndWorkflowsAndBadValuesAreNamed() throws IOException {
        Path file = dir.resolve("retention.yaml");
        Files.writeString(file, """
                archive_retention: 168h
                archive_max_count: 100000
                run_retention: 30m
                run_max_count: off
                retention_interval: 30s
                retention_batch_size: 500
                retention_batch_pause: 0
                """);
        PgqrsConfig c = ConfigLoader.fromYaml(file).build();
        assertThat(c.archiveRetentionDefaults()).isEqualTo(new dev.pgqrs.Retention(Duration.ofDays(7), 100_000L));
        assertThat(c.runRetentionDefaults()).isEqualTo(dev.pgqrs.Retention.deleteOlderThan(Duration.ofMinutes(30)));
        assertThat(c.retentionInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.retentionBatchSize()).isEqualTo(500);
        assertThat(c.retentionBatchPause()).isZero();

        PgqrsConfig defaults = PgqrsConfig.builder().build();
        assertThat(defaults.archiveRetentionDefaults().keepsForever()).isTrue();
        assertThat(defaults.runRetentionDefaults().keepsForever()).isTrue();
        assertThat(defaults.retentionBatchSize()).isEqualTo(1_000);
        assertThat(defaults.retentionBatchPause()).isEqualTo(Duration.ofMillis(10));

        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_ARCHIVE_MAX_COUNT", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PGQRS_ARCHIVE_MAX_COUNT").hasMessageContaining("'lots'");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_RUN_MAX_COUNT", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("run_max_count must be at least 1, was 0");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_RETENTION_BATCH_SIZE", "1000000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention_batch_size must be at most 100000");
    }

    @Test
    void yamlFileNamedByTheEnvironmentIsReadAndVariablesWin() throws IOException {
        Path file = dir.resolve("pgqrs.yaml");
        Files.writeString(file, """
                dsn: "postgresql://postgres:postgres@localhost:5432/postgres"
                schema: pgqrs
                max_connections: 32
                max_read_ct: 7
                heartbeat_interval: 500ms
                poll_interval_ms: 50
                payload_required_keys: [type]
                """);

        PgqrsConfig c = PgqrsConfig.load(Map.of("PGQRS_CONFIG_FILE", file.toString(), "PGQRS_MAX_READ_CT", "3"));

        assertThat(c.dsn()).startsWith("postgresql://");
        assertThat(c.schema()).isEqualTo("pgqrs");
        assertThat(c.maxConnections()).isEqualTo(32);
        assertThat(c.maxReadCount()).isEqualTo(3);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.payloadLimits().requiredKeys()).isEqualTo(List.of("type"));
    }

    @Test
    void aValueThatDoesNotParseIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_MAX_CONNECTIONS", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("PGQRS_MAX_CONNECTIONS: 'lots' is not a whole number");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_HEARTBEAT_INTERVAL", "soon")))
                .hasMessageContaining("PGQRS_HEARTBEAT_INTERVAL: 'soon' is not a duration");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_NOTIFICATIONS", "maybe")))
                .hasMessageContaining("PGQRS_NOTIFICATIONS: 'maybe' is not a boolean");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_MAX_READ_CT", "0")))
                .hasMessageContaining("max_read_ct must be at least 1, was 0");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_SCHEMA", "Robert'); DROP TABLE x;--")))
                .hasMessageContaining("invalid schema name");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_DSN", "oracle://x")))
                .hasMessageContaining("unsupported DSN");
    }

    @Test
    void yamlMistakesNameTheKeyAndTheFile() throws IOException {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "max_conections: 4\n");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "max_connections: many\n");

        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_CONFIG_FILE", typo.toString())))
                .hasMessageContaining("unknown key 'max_conections'").hasMessageContaining("max_connections");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_CONFIG_FILE", bad.toString())))
                .hasMessageContaining("max_connections (in " + bad + "): 'many' is not a whole number");
        assertThatThrownBy(() -> PgqrsConfig.load(Map.of("PGQRS_CONFIG_FILE", dir.resolve("missing.yaml").toString())))
                .hasMessageContaining("does not exist");
    }

    @Test
    void inconsistentTimingsAreRefused() {
        assertThatThrownBy(() -> PgqrsConfig.builder().heartbeatInterval(Duration.ofSeconds(20))
                .staleWorkerTimeout(Duration.ofSeconds(30)).build())
                .hasMessageContaining("stale_worker_timeout (PT30S) must be at least twice heartbeat_interval (PT20S)");
        assertThatThrownBy(() -> PgqrsConfig.builder().pollInterval(Duration.ZERO).build())
                .hasMessageContaining("poll_interval_ms must be a positive duration");
    }
}
