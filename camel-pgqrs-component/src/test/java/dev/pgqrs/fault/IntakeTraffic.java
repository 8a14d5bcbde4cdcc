package dev.pgqrs.fault;

import dev.pgqrs.Store;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The traffic {@link ExactlyOnceCrashTest} sends while it kills {@link IntakeChild}, each kind on a thread of its own
 * at a steady pace until stopped, counting what was confirmed: Kafka records (acknowledged by the broker), NDJSON
 * files (moved into the inbox whole), HTTP POSTs (retried with the same Idempotency-Key until one got 202: the
 * first answer's message id is kept), and messages enqueued to the three sink queues.
 */
final class IntakeTraffic implements AutoCloseable {

    static final int LINES_PER_FILE = 4;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    final AtomicLong kafkaSent = new AtomicLong();
    final AtomicLong fileLines = new AtomicLong();
    final AtomicLong files = new AtomicLong();
    final AtomicLong httpAccepted = new AtomicLong();
    final AtomicLong httpRetries = new AtomicLong();
    final AtomicLong sinkEnqueued = new AtomicLong();
    /** seq of an HTTP POST → the messageId its (first) 202 answer named. */
    final Map<Long, Long> httpAnswers = new ConcurrentHashMap<>();
    /** Why POSTs were sent again: an answer's status, or the exception that came instead. */
    final Map<String, Integer> httpRetryCauses = new ConcurrentHashMap<>();

    void start(String brokers, String topic, Path staging, Path inbox, int httpPort, Store store) {
        loop("kafka-feed", () -> kafka(brokers, topic));
        loop("file-feed", () -> files(staging, inbox));
        loop("http-feed", () -> http(httpPort));
        loop("sink-feed", () -> sinks(store));
    }

    private void loop(String name, Runnable body) {
        Thread t = new Thread(body, name);
        threads.add(t);
        t.start();
    }

    private void kafka(String brokers, String topic) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            while (running) {
                long seq = kafkaSent.get();
                try {
                    producer.send(new ProducerRecord<>(topic, "k" + seq, payload("kafka", seq))).get();
                    kafkaSent.incrementAndGet();
                } catch (Exception e) {
                    // not confirmed: sent again with the same seq (a duplicate record is not the bridge's doing)
                    throw new IllegalStateException("the test's Kafka producer failed", e);
                }
                LoopErrors.pause(40);
            }
        }
    }

    private void files(Path staging, Path inbox) {
        while (running) {
            long n = files.get();
            StringBuilder lines = new StringBuilder();
            long first = fileLines.get();
            for (int i = 0; i < LINES_PER_FILE; i++) {
                lines.append(payload("file", first + i)).append('\n');
            }
            try {
                Path file = staging.resolve("batch-" + n + ".ndjson");
                Files.writeString(file, lines);
                Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IllegalStateException("the test could not drop a file", e);
            }
            files.incrementAndGet();
            fileLines.addAndGet(LINES_PER_FILE);
            LoopErrors.pause(250);
        }
    }

    private void http(int port) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/intake");
        while (true) {
            long seq = httpAccepted.get();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3))
                    .header("Content-Type", "application/json").header("Idempotency-Key", "http-" + seq)
                    .POST(HttpRequest.BodyPublishers.ofString(payload("http", seq))).build();
            try {
                HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 202) {
                    httpAnswers.put(seq, IntakeChild.seq(answer.body().replace("messageId", "seq")));
                    httpAccepted.incrementAndGet();
                    if (!running) {
                        return; // stops only between requests: the last one is answered, not left in doubt
                    }
                    LoopErrors.pause(10);
                    continue;
                }
                httpRetryCauses.merge(String.valueOf(answer.statusCode()), 1, Integer::sum);
            } catch (IOException e) {
                // the child is dead or restarting: the same request again, with the same key
                httpRetryCauses.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            httpRetries.incrementAndGet();
            LoopErrors.pause(100);
        }
    }

    private void sinks(Store store) {
        while (running) {
            long seq = sinkEnqueued.get();
            try {
                store.inTransaction(c -> {
                    for (String q : List.of(IntakeChild.TO_HTTP, IntakeChild.TO_KAFKA, IntakeChild.TO_JDBC)) {
                        store.enqueue(c, q, Map.of("seq", seq));
                    }
                    return null;
                });
                sinkEnqueued.incrementAndGet();
            } catch (RuntimeException e) {
                LoopErrors.pause(100); // a child held SQLite's write lock when it was killed: again
                continue;
            }
            LoopErrors.pause(100);
        }
    }

    private static String payload(String source, long seq) {
        return "{\"src\":\"" + source + "\",\"seq\":" + seq + "}";
    }

    /** Stops every feed; an HTTP POST in flight is finished (retried until accepted) first. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(60_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
