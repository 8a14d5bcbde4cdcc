package dev.pgqrs;

import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Idempotency keys: the first taker wins and keeps the first answer; keys commit with the enqueue; retention. */
class IdempotencyKeysConformanceTest {

    @ConformanceTest
    void theFirstTakerWinsAndTheFirstAnswerIsKept(TestBackend backend) {
        Store store = backend.open();
        IdempotencyKeys keys = store.idempotencyKeys();
        Instant before = Instant.now().minusSeconds(60);

        assertThat(store.<Boolean>inTransaction(c -> keys.add(c, "http:/orders", "key-1")
                && keys.answer(c, "http:/orders", "key-1", "{\"messageId\": 17}"))).isTrue();
        assertThat(store.<Boolean>inTransaction(c -> keys.add(c, "http:/orders", "key-1"))).isFalse();
        assertThat(store.<Boolean>inTransaction(c -> keys.answer(c, "http:/orders", "key-1", "{\"messageId\":18}"))).isFalse();
        assertThat(keys.add("http:/orders", "key-2")).isTrue();
        assertThat(keys.add("http:/returns", "key-1")).as("another scope").isTrue();

        IdempotencyKey found = keys.find("http:/orders", "key-1").orElseThrow();
        assertThat(found.answer()).isEqualTo("{\"messageId\":17}");
        assertThat(found.createdAt()).isAfter(before);
        assertThat(keys.find("http:/orders", "key-2").orElseThrow().answer()).isNull();
        assertThat(keys.find("http:/orders", "key-3")).isEmpty();

        assertThat(keys.remove("http:/orders", "key-2")).isTrue();
        assertThat(keys.add("http:/orders", "key-2")).as("a removed key is free again").isTrue();
        assertThat(keys.removeScope("http:/orders")).isEqualTo(2);
    }

    @ConformanceTest
    void aKeyTakenBesideAnEnqueueThatRolledBackIsFreeAgain(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("orders");
        IdempotencyKeys keys = store.idempotencyKeys();

        assertThatThrownBy(() -> store.inTransaction(c -> {
            assertThat(keys.add(c, "files", "inbox/a.ndjson")).isTrue();
            store.enqueue(c, "orders", Map.of("line", 1));
            throw new IllegalStateException("died before the commit");
        })).hasMessage("died before the commit");

        assertThat(keys.find("files", "inbox/a.ndjson")).isEmpty();
        assertThat(store.<Long>inTransaction(c -> keys.add(c, "files", "inbox/a.ndjson") ? store.enqueue(c, "orders", Map.of("line", 1)) : -1L))
                .isPositive();
        assertThat(store.queues().metrics("orders").total()).isEqualTo(1);
    }

    /**
     * Two requests with one key at once: the second waits for the first's transaction (PostgreSQL's unique index;
     * SQLite's one writer) and then reads its committed answer instead of enqueuing again.
     */
    @ConformanceTest
    void aSecondTakerWaitsForTheFirstAndReadsItsCommittedAnswer(TestBackend backend) throws Exception {
        Store store = backend.open();
        store.queues().create("orders");
        IdempotencyKeys keys = store.idempotencyKeys();
        CountDownLatch firstTook = new CountDownLatch(1);
        CountDownLatch secondStarting = new CountDownLatch(1);

        CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> store.inTransaction(c -> {
            assertThat(keys.add(c, "http", "k")).isTrue();
            long id = store.enqueue(c, "orders", Map.of("n", 1));
            keys.answer(c, "http", "k", "{\"messageId\":" + id + "}");
            firstTook.countDown();
            awaitQuietly(secondStarting);
            return id;
        }));
        assertThat(firstTook.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Optional<IdempotencyKey>> second = CompletableFuture.supplyAsync(() -> {
            secondStarting.countDown();
            return store.inTransaction(c -> keys.add(c, "http", "k") ? Optional.empty() : keys.find(c, "http", "k"));
        });

        long id = first.get(30, TimeUnit.SECONDS);
        assertThat(second.get(30, TimeUnit.SECONDS)).hasValueSatisfying(k -> assertThat(k.answer()).isEqualTo("{\"messageId\":" + id + "}"));
        assertThat(store.queues().metrics("orders").total()).isEqualTo(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @ConformanceTest
    void keysOlderThanTheRetentionAreDeletedAndNoOthers(TestBackend backend) {
        Store store = backend.open();
        IdempotencyKeys keys = store.idempotencyKeys();
        keys.add("files", "old-1");
        keys.add("http", "old-2");
        keys.add("http", "recent");
        backend.execute("UPDATE pgqrs_idempotency_keys SET created_at = " + backend.ago(Duration.ofDays(8))
                + " WHERE idem_key LIKE 'old-%'");

        assertThat(keys.deleteOlderThan(Duration.ofDays(7))).isEqualTo(2);
        assertThat(keys.find("http", "recent")).isPresent();
        assertThat(keys.find("files", "old-1")).isEmpty();
        assertThat(store.config().idempotencyRetention()).as("the maintenance service's default").isEqualTo(Duration.ofDays(7));
    }

    @ConformanceTest
    void badKeysAndAnswersThatAreNotJsonAreRefusedAndChangeNothing(TestBackend backend) {
        Store store = backend.open();
        IdempotencyKeys keys = store.idempotencyKeys();
        keys.add("http", "k");

        assertThatThrownBy(() -> store.inTransaction(c -> keys.answer(c, "http", "k", "202 Accepted")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the answer of idempotency key 'k' of scope 'http' is not JSON");
        assertThatThrownBy(() -> keys.add("http", "bad\u0000key")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("idempotency key").hasMessageContaining("NUL");
        assertThatThrownBy(() -> keys.add(null, "k")).isInstanceOf(InvalidNameException.class)
                .hasMessage("idempotency scope must not be null");
        assertThat(keys.find("http", "k").orElseThrow().answer()).isNull();
    }
}
