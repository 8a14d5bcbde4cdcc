package dev.pgqrs.camel;

import dev.pgqrs.PermanentFailureException;
import dev.pgqrs.RetryLaterException;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;

import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The building blocks of the delivery guarantees, one at a time (their crash test is
 * {@code dev.pgqrs.fault.ExactlyOnceCrashTest}): idempotent requests, offsets and idempotency keys written in the
 * enqueue's transaction, the HTTP sink's judgement of an answer, a Kafka record's key and dedup header, and a row
 * written with the acknowledgement.
 */
class DeliveryGuaranteeRouteTest extends PgqrsCamelTestSupport {

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        registry.bind("pgqrsTx", new PgqrsTransactionPolicy());
        PgqrsTransactionPolicy ackTx = new PgqrsTransactionPolicy();
        ackTx.setAcknowledge(true);
        registry.bind("ackTx", ackTx);
        registry.bind("requests", new PgqrsIdempotencyPolicy("http:/orders"));
        registry.bind("offsets", new PgqrsOffsetRepository(null, "orders-in"));
        registry.bind("fileKeys", new PgqrsIdempotentRepository(null, "files"));
        registry.bind("httpSink", new PgqrsHttpSinkPolicy());
        registry.bind("txDataSource", new PgqrsTransactionDataSource());
        PgqrsSinkHeaders byCustomer = new PgqrsSinkHeaders();
        byCustomer.setKeyField("customer");
        registry.bind("kafkaRecord", byCustomer);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:request").policy("requests")
                        .to("pgqrs:orders")
                        .filter(simple("${body[fail]} == true")).throwException(new IllegalStateException("enqueued, then failed")).end()
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                        .setBody(simple("{\"messageId\":${header.CamelPgqrsMessageId}}"))
                        .end();
                from("direct:kafka").transacted("pgqrsTx")
                        .to("pgqrs:orders")
                        .bean("offsets", "record")
                        .filter(header("fail")).throwException(new IllegalStateException("died before the commit"));
                from("direct:kafkaUntransacted").bean("offsets", "record");
                from("direct:file").transacted("pgqrsTx")
                        .idempotentConsumer(header("key")).idempotentRepository("fileKeys")
                            .to("pgqrs:orders")
                            .filter(header("fail")).throwException(new IllegalStateException("died before the move")).end()
                        .end();
                from("direct:sink").policy("httpSink")
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, header("answer"))
                        .end();
                from("direct:toKafka").process("kafkaRecord");
                from("pgqrs:rows?retryDelay=60s").transacted("ackTx")
                        .to("sql:INSERT INTO shipped (message_id) VALUES (:#${header.CamelPgqrsMessageId})?dataSource=#txDataSource")
                        .filter(simple("${body} contains 'fail'")).throwException(new IllegalStateException("after the row"));
            }
        };
    }

    @ConformanceTest
    void aRetriedRequestGetsTheFirstAnswerAndEnqueuesNothing() {
        Exchange first = template.request("direct:request", e -> {
            e.getIn().setHeader("Idempotency-Key", "k-1");
            e.getIn().setBody(Map.of("order", 1));
        });
        Exchange retry = template.request("direct:request", e -> {
            e.getIn().setHeader("Idempotency-Key", "k-1");
            e.getIn().setBody(Map.of("order", 1));
        });

        assertThat(first.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        assertThat(retry.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(202);
        assertThat(retry.getMessage().getBody(String.class)).isEqualTo(first.getMessage().getBody(String.class));
        assertThat(retry.getMessage().getHeader(PgqrsIdempotencyPolicy.REPLAYED)).isEqualTo(true);
        assertThat(store.queues().metrics("orders").total()).isEqualTo(1);
    }

    @ConformanceTest
    void aRequestThatFailedAfterItsEnqueueTakesNeitherTheKeyNorTheMessage() {
        Exchange failed = template.request("direct:request", e -> {
            e.getIn().setHeader("Idempotency-Key", "k-2");
            e.getIn().setBody(Map.of("order", 2, "fail", true));
        });
        assertThat(failed.getException()).hasMessage("enqueued, then failed");
        assertThat(store.queues().metrics("orders").total()).isZero();

        Exchange retry = template.request("direct:request", e -> {
            e.getIn().setHeader("Idempotency-Key", "k-2");
            e.getIn().setBody(Map.of("order", 2));
        });
        assertThat(retry.getMessage().getHeader(PgqrsIdempotencyPolicy.REPLAYED)).isNull();
        assertThat(store.queues().metrics("orders").total()).isEqualTo(1);
    }

    @ConformanceTest
    void aKafkaOffsetCommitsWithItsEnqueueAndOnlyInATransaction() {
        template.sendBodyAndHeaders("direct:kafka", "{\"n\":1}", kafkaRecord(41));
        assertThatThrownBy(() -> template.sendBodyAndHeaders("direct:kafka", "{\"n\":2}", Map.of(
                "kafka.TOPIC", "orders-in", "kafka.PARTITION", 0, "kafka.OFFSET", 42L, "fail", true)))
                .hasStackTraceContaining("died before the commit");

        PgqrsOffsetRepository offsets = context.getRegistry().lookupByNameAndType("offsets", PgqrsOffsetRepository.class);
        assertThat(offsets.getState("orders-in/0")).isEqualTo("41");
        assertThat(store.queues().metrics("orders").total()).isEqualTo(1);
        assertThatThrownBy(() -> template.sendBodyAndHeaders("direct:kafkaUntransacted", "{}", kafkaRecord(43)))
                .hasStackTraceContaining("record() must run in the route's pgqrs transaction");
        assertThat(offsets.getState("orders-in/0")).isEqualTo("41");
    }

    @ConformanceTest
    void aFileReadAgainIsSkippedUnlessItsFirstReadRolledBack() {
        template.sendBodyAndHeader("direct:file", "{\"line\":1}", "key", "a.ndjson:0");
        template.sendBodyAndHeader("direct:file", "{\"line\":1}", "key", "a.ndjson:0");
        assertThatThrownBy(() -> template.sendBodyAndHeaders("direct:file", "{\"line\":2}", Map.of("key", "a.ndjson:1", "fail", true)))
                .isInstanceOf(CamelExecutionException.class);
        template.sendBodyAndHeader("direct:file", "{\"line\":2}", "key", "a.ndjson:1");

        assertThat(store.queues().metrics("orders").total()).isEqualTo(2);
        assertThat(store.idempotencyKeys().find("files", "a.ndjson:1")).isPresent();
    }

    @ConformanceTest
    void theHttpSinkRetriesWhatMayHealAndDeadLettersTheRest() {
        Map<String, Object> delivery = Map.of(PgqrsConstants.MESSAGE_ID, 7L, PgqrsConstants.QUEUE, "hooks");
        Exchange ok = template.request("direct:sink", e -> e.getIn().setHeaders(with(delivery, "answer", 204)));
        Exchange notFound = template.request("direct:sink", e -> e.getIn().setHeaders(with(delivery, "answer", 404)));
        Exchange busy = template.request("direct:sink", e -> {
            e.getIn().setHeaders(with(delivery, "answer", 503));
            e.getIn().setHeader("Retry-After", "7");
        });
        Exchange tooMany = template.request("direct:sink", e -> e.getIn().setHeaders(with(delivery, "answer", 429)));

        assertThat(ok.getException()).isNull();
        assertThat(ok.getIn().getHeader("Idempotency-Key")).isEqualTo("pgqrs:hooks:7");
        assertThat(notFound.getException()).isInstanceOf(PermanentFailureException.class).hasMessageContaining("HTTP 404");
        assertThat(busy.getException()).isInstanceOfSatisfying(RetryLaterException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        assertThat(tooMany.getException()).isInstanceOf(PgqrsHttpSinkPolicy.HttpStatusException.class);
    }

    @ConformanceTest
    void aRowAndTheAcknowledgementCommitTogether() throws Exception {
        try (var c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shipped (message_id BIGINT NOT NULL)");
        }
        long good = store.enqueue("rows", Map.of("n", 1));
        long bad = store.enqueue("rows", Map.of("n", "fail"));

        await().atMost(Duration.ofSeconds(30)).until(() -> store.queues().metrics("rows").archived() == 1
                && store.queues().metrics("rows").delayed() == 1);
        try (var c = store.dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT message_id FROM shipped")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(good);
            assertThat(rs.next()).as("the failed message's row rolled back with it (message %s)", bad).isFalse();
        }
    }

    @ConformanceTest
    void aKafkaRecordGetsAStableKeyAndTheMessageAsItsDedupHeader() {
        Map<String, Object> delivery = Map.of(PgqrsConstants.MESSAGE_ID, 9L, PgqrsConstants.QUEUE, "events");
        Exchange keyed = template.request("direct:toKafka", e -> {
            e.getIn().setHeaders(new java.util.HashMap<>(delivery));
            e.getIn().setBody("{\"customer\":\"c-17\",\"n\":1}");
        });
        Exchange unkeyed = template.request("direct:toKafka", e -> {
            e.getIn().setHeaders(new java.util.HashMap<>(delivery));
            e.getIn().setBody("{\"n\":2}");
        });
        Exchange notFromAQueue = template.request("direct:toKafka", e -> e.getIn().setBody("{}"));

        assertThat(keyed.getMessage().getHeader("kafka.KEY")).isEqualTo("c-17");
        assertThat(keyed.getMessage().getHeader("pgqrs-message-id")).isEqualTo("events:9");
        assertThat(unkeyed.getMessage().getHeader("kafka.KEY")).as("no such field: the message id").isEqualTo("9");
        assertThat(unkeyed.getMessage().getHeader("pgqrs-message-id")).isEqualTo("events:9");
        assertThat(notFromAQueue.getException()).hasMessageContaining("not consumed from a pgqrs queue");
    }

    private static Map<String, Object> kafkaRecord(long offset) {
        return Map.of("kafka.TOPIC", "orders-in", "kafka.PARTITION", 0, "kafka.OFFSET", offset);
    }

    private static Map<String, Object> with(Map<String, Object> headers, String name, Object value) {
        Map<String, Object> all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return all;
    }
}
