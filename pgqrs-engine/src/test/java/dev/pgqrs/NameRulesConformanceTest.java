package dev.pgqrs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunHandle;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.Workflows;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Names as pgqrs (Rust) accepts them: a queue name is any string it can store, bound as a parameter
 * everywhere; a workflow name is one too, at most 255 characters (PostgreSQL keeps it in
 * varchar(255), and it names its queue). Only what cannot be stored or would be unsafe is refused.
 */
class NameRulesConformanceTest {

    private static final List<String> QUEUE_NAMES = List.of("orders:eu", "commandes-été", "my queue", "Orders", "orders",
            "'; DROP TABLE pgqrs_messages; --", "../../etc/passwd", "q\"uote", "注文", "emoji 📦", "%s%n", "x".repeat(255));

    @ConformanceTest
    void queueNamesTheOriginalAcceptsWorkEndToEnd(TestBackend backend) {
        Store store = backend.open();

        for (String name : QUEUE_NAMES) {
            QueueInfo q = store.queues().create(name);
            assertThat(q.name()).isEqualTo(name);
            Producer producer = store.producer(name);
            producer.enqueue(Map.of("queue", name));
            producer.enqueueBatch(List.of(Map.of("n", 1), Map.of("n", 2)));
            try (Consumer consumer = store.consumer(name)) {
                List<Message> got = consumer.dequeue(10);
                assertThat(got).as(name).hasSize(3).allSatisfy(m -> assertThat(m.queue()).isEqualTo(name));
                assertThat(got.get(0).payload().get("queue").asText()).isEqualTo(name);
                assertThat(consumer.archive(got.get(0))).isTrue();
                consumer.close(ShutdownMode.RELEASE_HELD);
            }
            QueueMetrics m = store.queues().metrics(name);
            assertThat(m.queue()).isEqualTo(name);
            assertThat(m.total()).isEqualTo(3);
            assertThat(m.archived()).isEqualTo(1);
            producer.close();
        }
        assertThat(store.queues().list()).extracting(QueueInfo::name).containsExactlyInAnyOrderElementsOf(QUEUE_NAMES);
        // Names are matched exactly: case and every character count.
        assertThat(store.queues().get("Orders").id()).isNotEqualTo(store.queues().get("orders").id());
        assertThat(store.queues().find("orders:EU")).isEmpty();

        for (String name : QUEUE_NAMES) {
            assertThat(store.queues().purge(name)).as(name).isEqualTo(3);
            store.queues().delete(name);
        }
        assertThat(store.queues().list()).isEmpty();
        assertThat(store.queues().metrics()).isEmpty();
        // The statement above was a name, never SQL: the tables are all there.
        store.queues().create("after");
        store.enqueue("after", Map.of("ok", true));
        assertThat(store.queues().metrics("after").total()).isEqualTo(1);
        assertThat(store.admin().verify().ok()).isTrue();
    }

    @ConformanceTest
    void namesThatCannotBeStoredAreRefusedNamingTheRule(TestBackend backend) {
        Store store = backend.open();

        assertThatThrownBy(() -> store.queues().create("")).isInstanceOf(InvalidNameException.class)
                .hasMessage("queue name must not be empty");
        assertThatThrownBy(() -> store.queues().create(null)).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("must not be null");
        assertThatThrownBy(() -> store.queues().create("a\u0000b")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("NUL").hasMessageContaining("a\\u0000b").hasMessageNotContaining("\u0000");
        assertThatThrownBy(() -> store.queues().create("two\nlines")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("control character");
        assertThatThrownBy(() -> store.queues().create("half \udc00")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> store.queues().create("x".repeat(256))).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("256 characters, more than the limit of 255");
        // Characters, not UTF-16 units or bytes: 255 emoji are 255 characters.
        assertThat(store.queues().create("📦".repeat(255)).name()).hasSize(510);
        assertThatThrownBy(() -> store.queues().get("x".repeat(300))).isInstanceOf(InvalidNameException.class);
        assertThat(store.queues().list()).hasSize(1);
    }

    @ConformanceTest
    void unicodeWorkflowNamesRunEndToEnd(TestBackend backend) {
        Workflow<String, String> unicode = Workflow.define("commande-été:v2 ✓", String.class, String.class,
                (ctx, input) -> ctx.step("étape un", String.class, () -> "reçu " + input));
        Store store = backend.open();
        Workflows workflows = store.workflows();
        workflows.register(unicode);
        workflows.startWorker(unicode);

        RunHandle<String> run = workflows.trigger(unicode, "ok");
        assertThat(run.await(Duration.ofSeconds(30))).isEqualTo("reçu ok");
        assertThat(store.queues().exists("commande-été:v2 ✓")).isTrue();
        RunHandle<JsonNode> byName = workflows.trigger("commande-été:v2 ✓", "by name");
        assertThat(byName.await(Duration.ofSeconds(30)).asText()).isEqualTo("reçu by name");

        assertThatThrownBy(() -> Workflow.define("w".repeat(256), String.class, String.class, (ctx, in) -> in))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("workflow name")
                .hasMessageContaining("limit of 255");
        assertThatThrownBy(() -> workflows.register("bad\u0000name")).isInstanceOf(InvalidNameException.class);
    }
}
