package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.RunStatus;
import org.awaitility.Awaitility;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The orders app started in this JVM as {@code java -jar} would start it (same Main, routes,
 * application.properties and designs), on a fresh database of the given backend (or a DSN of the
 * test's own), a folder of its own under target/ and a free HTTP port. Talks to it over real HTTP.
 */
final class RunningApp implements AutoCloseable {

    final TestBackend backend;
    final Path home;
    final int port;
    final Main main;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Per request: longer than the store's connection timeout (10 s), which a request may wait out once. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private RunningApp(TestBackend backend, Path home, int port, Main main) {
        this.backend = backend;
        this.home = home;
        this.port = port;
        this.main = main;
    }

    static RunningApp start(BackendKind kind, Map<String, String> extra) throws Exception {
        TestBackend backend = TestBackend.create(kind);
        Map<String, String> props = new HashMap<>();
        props.put("pgqrs.dsn", backend.dsn());
        if (backend.schema() != null) {
            props.put("pgqrs.schema", backend.schema());
        }
        props.putAll(extra);
        try {
            return launch(backend, props);
        } catch (Exception | Error e) {
            backend.close();
            throw e;
        }
    }

    /** The app on a database of the test's own ({@code pgqrs.dsn} in {@code props}); {@link #backend} is null. */
    static RunningApp startOn(String dsn, Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(extra);
        props.put("pgqrs.dsn", dsn);
        return launch(null, props);
    }

    private static RunningApp launch(TestBackend backend, Map<String, String> extra) throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target", "apps")), "orders-app-").toAbsolutePath();
        int port = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("app.home", home.toString());
        props.put("app.http.port", Integer.toString(port));
        // quick retries: 300 ms, 600 ms, 1.2 s, then the dead-letter queue
        props.put("app.orders.retry-delay", "300ms");
        props.put("app.orders.max-attempts", "4");
        props.put("app.orders.idle-poll-max", "500ms");
        // fulfilment steps: quick back-offs, and fewer attempts to reserve stock than to charge or ship
        for (String step : List.of("reserve-stock", "charge-payment", "ship")) {
            props.put("app.fulfil." + step + ".retry-delay", "100ms");
            props.put("app.fulfil." + step + ".max-retry-delay", "400ms");
        }
        props.put("app.fulfil.reserve-stock.max-attempts", "3");
        props.put("app.fulfil.poll-interval", "250ms");
        props.putAll(extra);
        Main main = OrdersApp.newMain(props);
        main.start();
        return new RunningApp(backend, home, port, main);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    Store store() {
        return context().getRegistry().lookupByNameAndType(OrdersAppConfiguration.STORE, Store.class);
    }

    Inventory inventory() {
        return context().getRegistry().lookupByNameAndType(OrdersAppConfiguration.INVENTORY, Inventory.class);
    }

    Path folder(String name) {
        return home.resolve(name);
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return post(path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String body) throws Exception {
        return post(path, "application/json", body);
    }

    HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code GET /orders/ID} once the order's run has the status, failing at once should it finish with
     * another; the answer's body.
     */
    JsonNode awaitRun(String orderId, String status) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            HttpResponse<String> r = get("/orders/" + orderId);
            if (r.statusCode() != 200) {
                return false;
            }
            last[0] = Json.parse(r.body());
            String now = last[0].get("status").asText();
            if (!now.equals(status) && Set.of("SUCCESS", "ERROR", "CANCELLED").contains(now)) {
                throw new AssertionError("order " + orderId + " ended " + now + ", not " + status + ": " + last[0]);
            }
            return now.equals(status);
        });
        return last[0];
    }

    /** The runs that fulfilled the order (not ended as a duplicate, not cancelled as one), newest first. */
    List<Long> runsOf(String orderId) {
        return store().workflows().list("fulfil-order", 10_000).stream()
                .filter(r -> r.input() != null && orderId.equals(r.input().path("orderId").asText()))
                .filter(r -> r.status() != RunStatus.CANCELLED && (r.output() == null || !r.output().has("duplicateOf")))
                .map(RunInfo::id).toList();
    }

    /** Messages ever enqueued on the queue (archived ones included). */
    long total(String queue) {
        return store().queues().metrics(queue).total();
    }

    /**
     * Holds a message that a failed delivery gave back for a retry, by making its retry due in an hour:
     * no delivery of it runs until {@link #makeDue}. Returns 1 if it was held, 0 if it was not waiting
     * for a retry (leased, or not yet failed, or settled).
     */
    int holdForRetry(long messageId) {
        return backend.execute("UPDATE pgqrs_messages SET vt = " + inFuture(Duration.ofHours(1)) + " WHERE id = " + messageId
                + " AND read_ct >= 1 AND consumer_worker_id IS NULL AND archived_at IS NULL");
    }

    /** Makes a held (or delayed) message due now. */
    int makeDue(long messageId) {
        return backend.execute("UPDATE pgqrs_messages SET vt = " + backend.ago(Duration.ofSeconds(1)) + " WHERE id = " + messageId);
    }

    private String inFuture(Duration d) {
        return backend.kind() == BackendKind.POSTGRES
                ? "now() + interval '" + d.toMillis() + " milliseconds'"
                : "strftime('%Y-%m-%d %H:%M:%f', 'now', '+" + (d.toMillis() / 1000.0) + " seconds')";
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** Writes a file into a folder the way a careful producer does: under a hidden name, then renamed. */
    static void drop(Path folder, String name, String content) throws IOException {
        drop(folder, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static void drop(Path folder, String name, byte[] content) throws IOException {
        Path hidden = folder.resolve("." + name + ".part");
        Files.write(hidden, content);
        Files.move(hidden, folder.resolve(name));
    }

    static JsonNode readJson(Path file) {
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            main.stop(); // routes first, then the store (the app's own service)
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }
}
