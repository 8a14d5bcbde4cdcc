package dev.pgqrs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Behaviour only PostgreSQL has: schemas, an application-owned pool, a server that can stop and
 * start again under a running store. (SQLite has no server to lose; its file cases are in
 * {@link SqliteOnlyTest}.)
 */
class PostgresOnlyTest {

    @TempDir
    Path dataDir;

    @Test
    void aCustomSchemaMustExist() {
        PgqrsConfig config = PgqrsConfig.builder().dsn(PostgresServer.get().dsn()).schema("no_such_schema").build();

        assertThatThrownBy(() -> Pgqrs.connect(config)).isInstanceOf(SchemaException.class)
                .hasMessageContaining("schema 'no_such_schema' does not exist")
                .hasMessageContaining("CREATE SCHEMA \"no_such_schema\"");
    }

    @Test
    void mixedCaseAndDollarSchemasWorkAndAreCaseSensitive() throws Exception {
        PostgresServer pg = PostgresServer.get();
        String mixed = pg.createSchema("MyApp_" + System.nanoTime() % 100_000);
        String lower = pg.createSchema(mixed.toLowerCase());
        String dollar = pg.createSchema("app$" + System.nanoTime() % 100_000);
        try (Store a = Pgqrs.connect(PgqrsConfig.builder().dsn(pg.dsn()).schema(mixed).installOnConnect(true).build());
             Store b = Pgqrs.connect(PgqrsConfig.builder().dsn(pg.dsn()).schema(lower).installOnConnect(true).build());
             Store c = Pgqrs.connect(PgqrsConfig.builder().dsn(pg.dsn()).schema(dollar).installOnConnect(true).build())) {
            a.queues().create("orders");
            a.enqueue("orders", Map.of("n", 1));
            c.queues().create("orders");

            assertThat(a.queues().metrics("orders").total()).isEqualTo(1);
            assertThat(b.queues().exists("orders")).as("'%s' and '%s' are two schemas", mixed, lower).isFalse();
            assertThat(c.queues().metrics("orders").total()).isZero();
            try (var jdbc = pg.connect(); var ps = jdbc.prepareStatement(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'pgqrs_messages'")) {
                for (String schema : List.of(mixed, lower, dollar)) {
                    ps.setString(1, schema);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("tables in %s", schema).isEqualTo(1);
                    }
                }
            }
        } finally {
            pg.dropSchema(mixed);
            pg.dropSchema(lower);
            pg.dropSchema(dollar);
        }
    }

    @Test
    void wakeUpsReachConsumersInAMixedCaseSchema() throws Exception {
        PostgresServer pg = PostgresServer.get();
        String schema = pg.createSchema("Notify_" + System.nanoTime() % 100_000);
        PgqrsConfig config = PgqrsConfig.builder().dsn(pg.dsn()).schema(schema).installOnConnect(true).build();
        try (Store producerSide = Pgqrs.connect(config); Store consumerSide = Pgqrs.connect(config)) {
            producerSide.queues().create("orders");
            Consumer consumer = consumerSide.consumer("orders");
            assertThat(consumer.dequeue(1)).isEmpty();

            producerSide.enqueue("orders", Map.of("n", 1));

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(consumerSide.notifications().received()).isPositive());
            assertThat(consumer.dequeue(1)).hasSize(1);
            consumer.close(ShutdownMode.RELEASE_HELD);
        } finally {
            pg.dropSchema(schema);
        }
    }

    @Test
    void schemaNamesFollowTheOriginalsRule() {
        for (String bad : List.of("", "1abc", "a-b", "a\"b", "café", "a b", "x".repeat(64))) {
            assertThatThrownBy(() -> PgqrsConfig.builder().schema(bad).build()).as("'%s'", bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("schema name");
        }
        for (String good : List.of("_x", "MyApp", "app$1", "x".repeat(63), "Z9_$")) {
            assertThat(PgqrsConfig.builder().schema(good).build().schema()).isEqualTo(good);
        }
    }

    @Test
    void aStoreCanRunOnTheApplicationsOwnDataSource() {
        String schema = PostgresServer.get().newSchema();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(PostgresServer.get().jdbcUrl());
        hc.setUsername("postgres");
        hc.setPassword("postgres");
        hc.setMaximumPoolSize(4);
        hc.addDataSourceProperty("currentSchema", schema);
        try (HikariDataSource appPool = new HikariDataSource(hc)) {
            try (Store store = Pgqrs.connect(appPool, PgqrsConfig.builder().schema(schema).build())) {
                store.admin().install();
                store.queues().create("orders");
                store.enqueue("orders", Map.of("n", 1));
                assertThat(store.queues().metrics("orders").pending()).isEqualTo(1);
            }
            assertThat(appPool.isClosed()).as("the application's pool is the application's").isFalse();

            assertThatThrownBy(() -> Pgqrs.connect(appPool, PgqrsConfig.builder().build()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("schema is configured as 'public' but the connections resolve tables in '" + schema + "'");
        } finally {
            PostgresServer.get().dropSchema(schema);
        }
    }

    @Test
    void anUnreachableServerFailsAtConnectNamingTheDsnWithoutThePassword() {
        PgqrsConfig config = PgqrsConfig.builder().dsn("postgres://app:hunter2@127.0.0.1:1/none")
                .connectionTimeout(Duration.ofMillis(500)).build();

        assertThatThrownBy(() -> Pgqrs.connect(config)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot connect to postgres://app:***@127.0.0.1:1/none")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void whenTheDatabaseGoesAwayMidRunCallsFailClearlyAndNothingIsLost() throws Exception {
        EmbeddedPostgres server = PostgresServer.startEmbedded(dataDir, 0);
        int port = server.getPort();
        String dsn = "postgres://postgres:postgres@localhost:" + port + "/postgres";
        PgqrsConfig config = PgqrsConfig.builder().dsn(dsn).connectionTimeout(Duration.ofSeconds(1))
                .maxConnections(2).build();
        try (Store store = Pgqrs.connect(config)) {
            store.admin().install();
            store.queues().create("orders");
            List<Long> before = store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3)));
            Consumer consumer = store.consumer("orders");
            List<Message> leased = consumer.dequeue(1, Duration.ofMinutes(5));

            server.close();

            assertThatThrownBy(() -> store.enqueue("orders", Map.of("n", 4)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("is unreachable")
                    .hasMessageContaining("nothing was applied");
            assertThatThrownBy(() -> consumer.archive(leased.get(0))).isInstanceOf(StoreUnavailableException.class);

            server = PostgresServer.startEmbedded(dataDir, port);

            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
                    .untilAsserted(() -> assertThat(consumer.archive(leased.get(0))).isTrue());
            long after = store.enqueue("orders", Map.of("n", 5));
            QueueMetrics m = store.queues().metrics("orders");
            assertThat(m.total()).as("three from before, one after; the failed one was never applied").isEqualTo(4);
            assertThat(m.archived()).isEqualTo(1);
            assertThat(after).isGreaterThan(before.get(2));
            consumer.close(ShutdownMode.RELEASE_HELD);
        } finally {
            server.close();
        }
    }
}
