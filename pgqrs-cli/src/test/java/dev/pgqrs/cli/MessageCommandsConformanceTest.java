package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgqrs message …} on every backend. */
class MessageCommandsConformanceTest {

    private static Cli installed(TestBackend backend, String... queues) {
        Cli cli = Cli.on(backend);
        cli.json("admin", "install");
        for (String q : queues) {
            cli.json("queue", "create", q);
        }
        return cli;
    }

    private static Path ndjson(String... lines) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "ndjson"));
        Path file = Files.createTempFile(dir, "messages-", ".ndjson");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @ConformanceTest
    void oneJsonPayloadIsSentAtOnceOrDelayed(TestBackend backend) {
        Cli cli = installed(backend, "orders");

        JsonNode sent = cli.json("message", "send", "orders", "{\"order\":1001}");
        assertThat(sent.get("queue").asText()).isEqualTo("orders");
        assertThat(sent.get("sent").asInt()).isEqualTo(1);
        cli.json("message", "send", "orders", "{\"order\":1002}", "--delay", "1h");

        Store store = backend.open();
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(1);
        assertThat(store.queues().metrics("orders").delayed()).isEqualTo(1);
        try (Consumer consumer = store.consumer("orders")) {
            Message m = consumer.dequeueOne().orElseThrow();
            assertThat(m.id()).isEqualTo(sent.get("ids").get(0).asLong());
            assertThat(m.payload().get("order").asInt()).isEqualTo(1001);
            consumer.archive(m);
        }
        Cli.Result bad = cli.run("message", "send", "orders", "{\"order\":");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).startsWith("pgqrs: ").hasLineCount(1);
        Cli.Result both = cli.run("message", "send", "orders", "{}", "--file", "x.ndjson");
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
    }

    @ConformanceTest
    void anNdjsonFileIsSentInBatchesWithAProgressBarOnlyOnATerminal(TestBackend backend) throws IOException {
        Cli cli = installed(backend, "orders");
        Path file = ndjson(IntStream.rangeClosed(1, 25).mapToObj(i -> "{\"n\":" + i + "}").toArray(String[]::new));

        Cli.Result piped = cli.run("message", "send", "orders", "--file", file.toString(), "--batch-size", "10",
                "--format", "json");
        assertThat(piped.status()).isZero();
        assertThat(piped.json().get("sent").asInt()).isEqualTo(25);
        assertThat(piped.err()).as("no terminal, no bar").isEmpty();

        Cli.Result terminal = Cli.on(backend).interactive().run("message", "send", "orders", "--file", file.toString(),
                "--batch-size", "10", "--format", "json");
        assertThat(terminal.status()).isZero();
        assertThat(terminal.err()).contains("\rsending to 'orders' [").contains("] 10/25").contains("] 25/25");
        assertThat(terminal.json().get("ids")).hasSize(25);

        Store store = backend.open();
        List<Integer> order = store.queues().peek("orders", 100).stream().map(m -> m.payload().get("n").asInt()).toList();
        assertThat(order).hasSize(50).startsWith(1, 2, 3).endsWith(24, 25);
    }

    @ConformanceTest
    void aFileWithABadLineSendsNothingAndARefusedBatchSaysWhatWasSent(TestBackend backend) throws IOException {
        Cli cli = installed(backend, "orders");
        Path broken = ndjson("{\"n\":1}", "", "{\"n\":2", "{\"n\":3}");

        Cli.Result syntax = cli.run("message", "send", "orders", "--file", broken.toString());
        assertThat(syntax.status()).isEqualTo(1);
        assertThat(syntax.err()).contains("line 3 is not JSON").contains("nothing was sent").hasLineCount(1);
        Store store = backend.open();
        assertThat(store.queues().metrics("orders").total()).isZero();

        String deep = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}";
        Path refused = ndjson("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", deep, "{\"n\":5}");
        Cli.Result payload = cli.run("message", "send", "orders", "--file", refused.toString(), "--batch-size", "2");
        assertThat(payload.status()).isEqualTo(1);
        assertThat(payload.err()).contains("lines 3-4 were refused").contains("2 message(s) of the lines before 3 were sent")
                .hasLineCount(1);
        assertThat(store.queues().metrics("orders").total()).isEqualTo(2);
    }

    @ConformanceTest
    void peekShowsWaitingMessagesWithoutLeasingThem(TestBackend backend) {
        Cli cli = installed(backend, "orders");
        for (int i = 1; i <= 3; i++) {
            cli.json("message", "send", "orders", "{\"n\":" + i + "}");
        }

        JsonNode peeked = cli.json("message", "peek", "orders", "--limit", "2");
        assertThat(peeked).hasSize(2);
        assertThat(peeked.get(0).get("payload").get("n").asInt()).isEqualTo(1);
        assertThat(peeked.get(0).get("read_ct").asInt()).isZero();
        assertThat(peeked.get(1).get("visible_at").asText()).endsWith("Z");
        assertThat(backend.open().queues().metrics("orders").pending()).isEqualTo(3);
        assertThat(cli.run("message", "peek", "orders").out()).contains("PAYLOAD").contains("{\"n\":3}");
    }

    @ConformanceTest
    void deadLettersAreListedAndReplayedByIdAcrossQueues(TestBackend backend) {
        Cli cli = installed(backend, "orders", "billing");
        long order = cli.json("message", "send", "orders", "{\"n\":1}").get("ids").get(0).asLong();
        long bill = cli.json("message", "send", "billing", "{\"n\":2}").get("ids").get(0).asLong();
        Store store = backend.open();
        try (Consumer orders = store.consumer("orders"); Consumer billing = store.consumer("billing")) {
            orders.deadLetter(orders.dequeue(1), "card declined");
            billing.deadLetter(billing.dequeue(1), "no address");
        }

        JsonNode dlq = cli.json("message", "dlq", "orders");
        assertThat(dlq).hasSize(1);
        assertThat(dlq.get(0).get("id").asLong()).isEqualTo(order);
        assertThat(dlq.get(0).get("last_error").asText()).contains("card declined");
        assertThat(dlq.get(0).get("dead_lettered_at").asText()).endsWith("Z");

        JsonNode replayed = cli.json("message", "replay", String.valueOf(order), String.valueOf(bill));
        assertThat(replayed.get("replayed").toString()).isEqualTo("[" + Math.min(order, bill) + "," + Math.max(order, bill) + "]");
        assertThat(replayed.get("not_dead_letters")).isEmpty();
        assertThat(store.queues().metrics("orders").pending()).isEqualTo(1);
        assertThat(store.queues().metrics("billing").pending()).isEqualTo(1);

        Cli.Result again = cli.run("message", "replay", String.valueOf(order), "--format", "json");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.json().get("not_dead_letters").get(0).asLong()).isEqualTo(order);
        assertThat(again.err()).contains("1 id(s) are not dead letters").contains(String.valueOf(order)).hasLineCount(1);
        assertThat(cli.run("message", "replay").status()).as("an id is required").isEqualTo(2);
        assertThat(cli.run("message", "replay", "abc").err()).contains("abc");
    }
}
