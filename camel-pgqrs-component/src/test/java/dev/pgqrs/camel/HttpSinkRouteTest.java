package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A queue drained to a real HTTP receiver on a real port through {@link PgqrsHttpSinkPolicy}, under the consumer's
 * own retry options and dead-letter queue: a 2xx is done, a 404 dead-lettered at its first answer, a 503 retried
 * (after its Retry-After when it gives one), a call that times out retried, a receiver that keeps failing
 * dead-lettered after {@code maxAttempts}; every call for a message carries the same Idempotency-Key.
 */
class HttpSinkRouteTest extends PgqrsCamelTestSupport {

    private static final int MAX_ATTEMPTS = 3;
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private HttpServer receiver;
    private ExecutorService receiverThreads;
    /** Holds the first call of a "slow" message until the test ends: the sink's response timeout must give up. */
    private final CountDownLatch slowAnswer = new CountDownLatch(1);
    /** Per message kind, each call's Idempotency-Key and when it arrived (nanoTime). */
    private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();

    private record Call(String key, long at) {
    }

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        registry.bind("httpSink", new PgqrsHttpSinkPolicy());
        receiver = startReceiver();
    }

    @AfterEach
    void stopReceiver() {
        slowAnswer.countDown();
        if (receiver != null) {
            receiver.stop(0);
            receiverThreads.shutdownNow();
        }
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:hooks?maxAttempts=" + MAX_ATTEMPTS + "&retryDelay=50&maxRetryDelay=200&delay=50&idleDelayFactor=1"
                        + "&concurrentConsumers=2&deadLetterQueue=hooks-dlq")
                        .policy("httpSink")
                            .to(url + "?throwExceptionOnFailure=false&connectTimeout=1000&responseTimeout=500")
                        .end();
                from("pgqrs:hooks-dlq?bodyType=com.fasterxml.jackson.databind.JsonNode").to("mock:dlq");
            }
        };
    }

    @ConformanceTest
    void eachAnswerDecidesTheMessagesFateUnderTheConsumersRetryOptions() throws Exception {
        MockEndpoint dlq = getMockEndpoint("mock:dlq");
        dlq.expectedMessageCount(2);
        Map<String, Long> ids = new HashMap<>();
        for (String kind : List.of("ok", "missing", "flaky", "slow", "down")) {
            ids.put(kind, store.enqueue("hooks", Map.of("kind", kind)));
        }

        dlq.assertIsSatisfied(AWAIT.toMillis());
        await().atMost(AWAIT).until(() -> store.queues().metrics("hooks").archived() == 5);

        assertThat(callsOf("ok")).as("2xx: one call").isEqualTo(1);
        assertThat(callsOf("missing")).as("404: permanent, not retried").isEqualTo(1);
        assertThat(callsOf("flaky")).as("503 then 200").isEqualTo(2);
        assertThat(callsOf("slow")).as("a timeout, then 200").isEqualTo(2);
        assertThat(callsOf("down")).as("503 every time: maxAttempts calls").isEqualTo(MAX_ATTEMPTS);
        ids.forEach((kind, id) -> assertThat(calls.get(kind)).as("Idempotency-Key of every call for " + kind)
                .extracting(Call::key).containsOnly("pgqrs:hooks:" + id));
        List<Call> flaky = calls.get("flaky");
        assertThat(Duration.ofNanos(flaky.get(1).at() - flaky.get(0).at()))
                .as("the retry waited the answer's Retry-After (1 s), not the 50 ms back-off").isGreaterThanOrEqualTo(Duration.ofSeconds(1));

        Map<String, JsonNode> deadLetters = new HashMap<>();
        dlq.getReceivedExchanges().forEach(e -> {
            JsonNode body = e.getIn().getBody(JsonNode.class);
            deadLetters.put(body.get("kind").asText(), body.get("_pgqrsDeadLetter"));
        });
        assertThat(deadLetters).containsOnlyKeys("missing", "down");
        assertThat(deadLetters.get("missing").get("attempts").asInt()).isEqualTo(1);
        assertThat(deadLetters.get("missing").get("error").asText()).contains("HTTP 404", "no such hook", "not retried");
        assertThat(deadLetters.get("down").get("attempts").asInt()).isEqualTo(MAX_ATTEMPTS);
        assertThat(deadLetters.get("down").get("error").asText()).contains("HTTP 503");
    }

    private int callsOf(String kind) {
        return calls.getOrDefault(kind, List.of()).size();
    }

    /** Answers by the payload's kind: ok 200; missing 404; flaky 503 + Retry-After 1 once, then 200; slow no answer
     *  once, then 200; down 503 always. */
    private HttpServer startReceiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            String kind = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).get("kind").asText();
            List<Call> of = calls.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>());
            of.add(new Call(exchange.getRequestHeaders().getFirst("Idempotency-Key"), System.nanoTime()));
            boolean first = of.size() == 1;
            int status = 200;
            byte[] body = new byte[0];
            switch (kind) {
                case "missing" -> {
                    status = 404;
                    body = "no such hook".getBytes(StandardCharsets.UTF_8);
                }
                case "flaky" -> {
                    if (first) {
                        status = 503;
                        exchange.getResponseHeaders().add("Retry-After", "1");
                    }
                }
                case "slow" -> {
                    if (first) {
                        try {
                            slowAnswer.await(AWAIT.toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
                case "down" -> status = 503;
                default -> {
                }
            }
            try {
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            } catch (IOException clientGone) {
                // the sink gave up on the slow answer: nobody to answer
            }
            exchange.close();
        });
        receiverThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(receiverThreads);
        server.start();
        return server;
    }
}
