package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The orders app started in this JVM as {@code java -jar} would start it (same Main, routes,
 * application.properties and designs), on a fresh database of the given backend, a folder of its
 * own under target/ and a free HTTP port. Talks to it over real HTTP.
 */
final class RunningApp implements AutoCloseable {

    final TestBackend backend;
    final Path home;
    final int port;
    final Main main;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningApp(TestBackend backend, Path home, int port, Main main) {
        this.backend = backend;
        this.home = home;
        this.port = port;
        this.main = main;
    }

    static RunningApp start(BackendKind kind, Map<String, String> extra) throws Exception {
        TestBackend backend = TestBackend.create(kind);
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target", "apps")), "orders-app-").toAbsolutePath();
        int port = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("app.home", home.toString());
        props.put("app.http.port", Integer.toString(port));
        props.put("pgqrs.dsn", backend.dsn());
        if (backend.schema() != null) {
            props.put("pgqrs.schema", backend.schema());
        }
        // quick retries: 300 ms, 600 ms, 1.2 s, then the dead-letter queue
        props.put("app.orders.retry-delay", "300ms");
        props.put("app.orders.max-attempts", "4");
        props.put("app.orders.idle-poll-max", "500ms");
        props.putAll(extra);
        Main main = OrdersApp.newMain(props);
        try {
            main.start();
        } catch (Exception e) {
            backend.close();
            throw e;
        }
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
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String body) throws Exception {
        return post(path, "application/json", body);
    }

    HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** Writes a file into a folder the way a careful producer does: under a hidden name, then renamed. */
    static void drop(Path folder, String name, String content) throws IOException {
        Path hidden = folder.resolve("." + name + ".part");
        Files.writeString(hidden, content);
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
            backend.close();
        }
    }
}
