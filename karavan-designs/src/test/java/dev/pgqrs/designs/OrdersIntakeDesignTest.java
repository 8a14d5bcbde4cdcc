package dev.pgqrs.designs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pgqrs.Store;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Message;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Karavan project {@code orders-intake/}: every design is in the shape Karavan writes, and the
 * project runs as Karavan (camel-jbang, camel-main) would run it — its own application.properties,
 * every {@code *.camel.yaml} loaded by camel-yaml-dsl — against a real pgqrs store, over real HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrdersIntakeDesignTest {

    private static final Path PROJECT = Path.of("orders-intake");
    private static final Set<String> TOP_LEVEL = Set.of("route", "beans", "routeConfiguration", "routeTemplate", "rest", "restConfiguration");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TestBackend backend;
    private Path refunds;
    private int port;
    private Main main;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void runTheProject() throws Exception {
        backend = TestBackend.create(BackendKind.SQLITE);
        refunds = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "refunds-").toAbsolutePath();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        main = new Main();
        // the project's own properties, as Karavan runs it; only the environment differs
        main.setPropertyPlaceholderLocations("file:" + PROJECT.resolve("application.properties"));
        main.addOverrideProperty("camel.main.routesIncludePattern", "file:" + PROJECT + "/*.camel.yaml");
        main.addOverrideProperty("camel.component.pgqrs.dsn", backend.dsn());
        main.addOverrideProperty("camel.server.port", Integer.toString(port));
        main.addOverrideProperty("refunds.outbox", refunds.toString());
        main.start();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (main != null) {
                main.stop();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Test
    void everyDesignFileLoadsAndStartsItsRoutes() throws Exception {
        CamelContext context = main.getCamelContext();
        Set<String> filesWithRoutes = context.getRoutes().stream()
                .map(Route::getSourceLocation).filter(l -> l != null && l.contains(".camel.yaml"))
                .map(l -> Path.of(l.replaceFirst("^file:", "").replaceFirst(":\\d+$", "")).getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(filesWithRoutes).containsExactlyElementsOf(designFiles().stream()
                .map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
        assertThat(context.getRoutes().stream().map(Route::getRouteId))
                .contains("partner-orders", "returns-intake", "returns-processing");
        for (Route r : context.getRoutes()) {
            assertThat(context.getRouteController().getRouteStatus(r.getRouteId()).isStarted()).as(r.getRouteId()).isTrue();
        }
    }

    @Test
    void everyDesignIsWrittenTheWayKaravanWritesIt() throws Exception {
        List<Path> files = designFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (Path file : files) {
            JsonNode root = YAML.readTree(file.toFile());
            assertThat(root.isArray()).as(file + ": a list of top-level elements").isTrue();
            for (JsonNode element : root) {
                assertThat(element.size()).as(file + ": one key per element").isEqualTo(1);
                String kind = element.fieldNames().next();
                assertThat(TOP_LEVEL).as(file + ": element kind").contains(kind);
                if (kind.equals("route")) {
                    JsonNode route = element.get("route");
                    assertThat(route.hasNonNull("id")).as(file + ": route id").isTrue();
                    JsonNode from = route.get("from");
                    assertThat(from.hasNonNull("id")).as(file + ": from id").isTrue();
                    assertEndpoint(file, from);
                    checkSteps(file, from.get("steps"));
                }
            }
        }
    }

    @Test
    void theProjectsKameletsAreTheComponentsOwn() throws Exception {
        for (String name : List.of("pgqrs-source.kamelet.yaml", "pgqrs-sink.kamelet.yaml")) {
            try (InputStream shipped = getClass().getClassLoader().getResourceAsStream("kamelets/" + name)) {
                assertThat(shipped).as("camel-pgqrs-component ships " + name).isNotNull();
                // Karavan 4.14+ offers the Kamelets of the project's own folder, so each project keeps a copy
                assertThat(Files.readString(PROJECT.resolve(name)))
                        .as(PROJECT.resolve(name) + " must be a copy of the component's: copy it again")
                        .isEqualTo(new String(shipped.readAllBytes()));
            }
        }
    }

    @Test
    void returnsFlowFromHttpThroughTheQueueToARefundNote() throws Exception {
        HttpResponse<String> accepted = post("/returns", "{\"orderId\":\"A-1001\",\"reason\":\"arrived broken\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"queue\":\"returns\"");

        await().atMost(Duration.ofSeconds(20)).until(() -> listFiles(refunds).size() == 1);
        String note = Files.readString(listFiles(refunds).get(0));
        JsonNode refund = YAML.readTree(note);
        assertThat(refund.get("refundId").asText()).startsWith("REF-");
        assertThat(refund.get("return").get("reason").asText()).isEqualTo("arrived broken");
        try (Store store = Pgqrs.connect(backend.dsn())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.queues().metrics("returns").archived() == 1);
        }

        assertThat(post("/returns", "{\"orderId\":\"A-1001\"}").statusCode()).isEqualTo(400);
        assertThat(post("/returns", "[1, 2]").body()).contains("must be a JSON object");
    }

    @Test
    void partnerOrdersAreEnqueuedOnTheOrdersQueue() throws Exception {
        HttpResponse<String> accepted = post("/partner/orders", "{\"orderId\":\"P-7\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        long id = YAML.readTree(accepted.body()).get("messageId").asLong();

        HttpResponse<String> incomplete = post("/partner/orders", "{\"orderId\":\"P-8\"}");
        assertThat(incomplete.statusCode()).isEqualTo(400);
        assertThat(incomplete.body()).contains("needs orderId and items");
        assertThat(post("/partner/orders", "{not json").statusCode()).isEqualTo(400);

        // nothing in this project consumes orders: the message waits in the queue, as sent
        try (Store store = Pgqrs.connect(backend.dsn()); var consumer = store.consumer("orders")) {
            List<Message> messages = consumer.dequeue(10, Duration.ofSeconds(5));
            assertThat(messages).extracting(Message::id).containsExactly(id);
            assertThat(messages.get(0).payload().get("orderId").asText()).isEqualTo("P-7");
            assertThat(consumer.release(messages.get(0))).isTrue();
        }
    }

    private static void assertEndpoint(Path file, JsonNode endpoint) {
        String uri = endpoint.get("uri").asText();
        assertThat(uri).as(file + ": options go in parameters, not in the uri").doesNotContain("?");
        JsonNode parameters = endpoint.path("parameters");
        if (uri.equals("pgqrs")) {
            assertThat(parameters.hasNonNull("queueName")).as(file + ": pgqrs endpoint with parameters.queueName").isTrue();
        } else if (uri.startsWith("pgqrs:")) {
            throw new AssertionError(file + ": write pgqrs endpoints as uri: pgqrs + parameters: {queueName: ...}, got " + uri);
        } else if (uri.startsWith("kamelet:pgqrs-")) {
            assertThat(parameters.hasNonNull("queue")).as(file + ": pgqrs Kamelet with parameters.queue").isTrue();
        }
    }

    /** Every step has an id (Karavan assigns one to each element), and endpoints use uri + parameters. */
    private static void checkSteps(Path file, JsonNode steps) {
        if (steps == null) {
            return;
        }
        for (JsonNode step : steps) {
            assertThat(step.size()).as(file + ": one processor per step: " + step).isEqualTo(1);
            String eip = step.fieldNames().next();
            JsonNode body = step.get(eip);
            assertThat(body.isObject() && body.hasNonNull("id")).as(file + ": " + eip + " has an id").isTrue();
            if ((eip.equals("to") || eip.equals("toD") || eip.equals("wireTap")) && body.has("uri")) {
                assertEndpoint(file, body);
            }
            checkSteps(file, body.get("steps"));
            for (String branchList : List.of("when", "doCatch")) {
                for (JsonNode branch : body.path(branchList)) {
                    assertThat(branch.hasNonNull("id")).as(file + ": " + branchList + " has an id").isTrue();
                    checkSteps(file, branch.get("steps"));
                }
            }
            for (String branch : List.of("otherwise", "doFinally")) {
                if (body.has(branch)) {
                    assertThat(body.get(branch).hasNonNull("id")).as(file + ": " + branch + " has an id").isTrue();
                    checkSteps(file, body.get(branch).get("steps"));
                }
            }
        }
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Path> designFiles() throws Exception {
        try (Stream<Path> files = Files.list(PROJECT)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    private static List<Path> listFiles(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return new ArrayList<>(files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList());
        }
    }
}
