package dev.pgqrs.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgqrs.Store;
import dev.pgqrs.testing.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.io.IOException;
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
 * A bridge instance started in this JVM as {@code java -jar} starts it (its Main, configuration and
 * application.properties), on a test's database, a folder of its own under target/ and a free HTTP port; talked
 * to over real HTTP, as curl would.
 */
final class RunningBridge implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    final Path home;
    final Main main;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningBridge(int port, Path home, Main main) {
        this.port = port;
        this.home = home;
        this.main = main;
    }

    /** The settings of an instance on {@code backend}'s database. */
    static Map<String, String> on(TestBackend backend) {
        Map<String, String> props = new HashMap<>();
        props.put("pgqrs.dsn", backend.dsn());
        if (backend.schema() != null) {
            props.put("pgqrs.schema", backend.schema());
        }
        return props;
    }

    static RunningBridge start(TestBackend backend) throws Exception {
        return start(on(backend));
    }

    static RunningBridge start(Map<String, String> settings) throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target", "bridges")), "bridge-").toAbsolutePath();
        int port = settings.containsKey("bridge.http.port") ? Integer.parseInt(settings.get("bridge.http.port")) : freePort();
        Map<String, String> props = new HashMap<>();
        props.put("bridge.home", home.toString());
        props.put("bridge.http.port", Integer.toString(port));
        props.put("bridge.instance-id", "bridge-" + port);
        props.put("bridge.poll-interval", "200ms");
        props.putAll(settings);
        props.put("bridge.http.port", Integer.toString(port));
        Main main = BridgeApp.newMain(props);
        main.start();
        return new RunningBridge(port, home, main);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    Bridge bridge() {
        return context().getRegistry().lookupByNameAndType(BridgeConfiguration.BRIDGE, Bridge.class);
    }

    Store store() {
        return bridge().store();
    }

    /** One convergence of this instance, waited for. */
    void sync() {
        bridge().runtime().syncNow();
    }

    Reply get(String path) throws Exception {
        return send("GET", path, null);
    }

    Reply post(String path, Object body) throws Exception {
        return send("POST", path, body);
    }

    Reply put(String path, Object body) throws Exception {
        return send("PUT", path, body);
    }

    Reply delete(String path) throws Exception {
        return send("DELETE", path, null);
    }

    Reply send(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null));
    }

    /** An HTTP answer: status and JSON body. */
    record Reply(int status, String text, String location) {
        JsonNode json() {
            try {
                return text == null || text.isEmpty() ? null : JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
