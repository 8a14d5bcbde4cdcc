package dev.pgqrs.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The executable jar as an operator gets it: copied alone into an empty folder and started with {@code java -jar}
 * (its store the default SQLite file under that folder), it answers the REST API and lists the Kamelets it
 * carries. The thin jar copied the same way cannot start: that is what the shading is for.
 */
class BridgeJarIT {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @Test
    void theJarCopiedAloneIntoAnEmptyFolderRunsAndAnswers(@TempDir Path folder) throws Exception {
        Path jar = Files.copy(Path.of(System.getProperty("bridge.jar")), folder.resolve("pgqrs-bridge.jar"));
        assertThat(folder.toFile().list()).containsExactly("pgqrs-bridge.jar");
        int port = RunningBridge.freePort();
        Path log = folder.resolve("../bridge-jar-" + port + ".log").normalize();
        ProcessBuilder pb = new ProcessBuilder(JAVA.toString(), "-jar", jar.getFileName().toString())
                .directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PGQRS_") || k.startsWith("BRIDGE_"));
        pb.environment().put("BRIDGE_HTTP_PORT", Integer.toString(port));
        Process process = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                assertThat(process.isAlive()).as("the bridge exited: " + Files.readString(log)).isTrue();
                answer.set(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/connectors")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()));
                return true;
            });
            assertThat(answer.get().statusCode()).isEqualTo(200);
            assertThat(answer.get().body()).isEqualTo("[]");
            String plugins = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/connector-plugins")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(plugins).contains("\"class\":\"pgqrs-source\"", "\"class\":\"pgqrs-sink\"");
            assertThat(folder.resolve("pgqrs-bridge").resolve("bridge.db")).as("the default store, under the working folder").exists();
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theThinJarCopiedAloneFailsForWantOfItsDependencies(@TempDir Path folder) throws Exception {
        Path thin = Path.of(System.getProperty("bridge.thin.jar"));
        assertThat(Files.size(thin)).as("the thin jar is thin").isLessThan(Files.size(Path.of(System.getProperty("bridge.jar"))) / 10);
        Path jar = Files.copy(thin, folder.resolve("thin.jar"));
        Path log = folder.resolve("thin.log");
        Process process = new ProcessBuilder(List.of(JAVA.toString(), "-jar", jar.getFileName().toString()))
                .directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the thin jar exits: " + Files.readString(log)).isTrue();
            assertThat(process.exitValue()).isNotZero();
            assertThat(Files.readString(log)).contains("NoClassDefFoundError");
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
