package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgqrs queue …} on every backend. */
class QueueCommandsConformanceTest {

    @ConformanceTest
    void queuesAreCreatedListedAndReadWithTheirMetrics(TestBackend backend) {
        Cli cli = Cli.on(backend);
        cli.json("admin", "install");

        JsonNode created = cli.json("queue", "create", "orders");
        assertThat(created.get("name").asText()).isEqualTo("orders");
        assertThat(created.get("id").asLong()).isPositive();
        assertThat(created.get("created_at").asText()).endsWith("Z");
        cli.json("queue", "create", "billing");
        Store store = backend.open();
        store.enqueueBatch("orders", List.of(Map.of("n", 1), Map.of("n", 2)));

        JsonNode list = cli.json("queue", "list");
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("name")).containsExactlyInAnyOrder("orders", "billing");
        JsonNode got = cli.json("queue", "get", "orders");
        assertThat(got.get("metrics").get("pending").asLong()).isEqualTo(2);
        JsonNode metrics = cli.json("queue", "metrics", "orders");
        assertThat(metrics.get("total").asLong()).isEqualTo(2);
        assertThat(metrics.get("oldest_pending_age_seconds").isNumber()).isTrue();
        assertThat(cli.json("queue", "metrics")).hasSize(2);
        JsonNode estimated = cli.json("queue", "metrics", "orders", "--estimated");
        assertThat(estimated.get("pending").asLong()).isEqualTo(2); // within the limit: exact
        assertThat(estimated.get("estimated").asBoolean()).isFalse();
        JsonNode estimatedAll = cli.json("queue", "metrics", "--estimated=1");
        assertThat(estimatedAll).hasSize(2);
        assertThat(estimatedAll.findValuesAsText("queue")).containsExactly("billing", "orders");
        // Past a limit of 1 PostgreSQL estimates (a lower bound before the table is analyzed); SQLite counts.
        assertThat(estimatedAll.get(1).get("pending").asLong()).isEqualTo(2);

        Cli.Result table = cli.run("queue", "list");
        assertThat(table.status()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("NAME").contains("CREATED_AT");
        assertThat(table.out()).contains("orders").contains("billing");
    }

    @ConformanceTest
    void aQueueInUseIsNotDeletedUntilPurged(TestBackend backend) {
        Cli cli = Cli.on(backend);
        cli.json("admin", "install");
        cli.json("queue", "create", "orders");
        cli.json("message", "send", "orders", "{\"n\":1}");

        Cli.Result refused = cli.run("queue", "delete", "orders");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).startsWith("pgqrs: ").contains("orders").hasLineCount(1);
        assertThat(cli.json("queue", "purge", "orders").get("purged_messages").asInt()).isEqualTo(1);
        assertThat(cli.json("queue", "delete", "orders").get("deleted").asText()).isEqualTo("orders");
        assertThat(cli.json("queue", "list")).isEmpty();

        Cli.Result missing = cli.run("queue", "get", "orders");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("queue not found: 'orders'").hasLineCount(1);
        Cli.Result duplicate = cli.run("queue", "create", "x");
        assertThat(duplicate.status()).isZero();
        assertThat(cli.run("queue", "create", "x").err()).contains("already exists");
    }
}
