package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/pgqrs} runs the built {@code target/pgqrs.jar} as a child process, from the source tree and copied
 * with the jar into a folder of their own, on every backend.
 */
class LauncherScriptIT {

    private static final Path JAR = Path.of(System.getProperty("pgqrs.cli.jar", "target/pgqrs.jar"));
    private static final Path SCRIPT = Path.of(System.getProperty("pgqrs.cli.script", "bin/pgqrs"));

    record Run(int status, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    private static Run pgqrs(Path script, TestBackend backend, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(args));
        command.addAll(Cli.target(backend));
        Path out = Files.createTempFile("pgqrs-out-", ".txt");
        Path err = Files.createTempFile("pgqrs-err-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("PGQRS_DSN");
        pb.environment().remove("PGQRS_JAR");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("pgqrs " + String.join(" ", args) + " ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @ConformanceTest
    void theScriptRunsTheJarFromTheSourceTreeAndFromAFolderOfItsOwn(TestBackend backend) throws Exception {
        assertThat(JAR).exists();
        Run install = pgqrs(SCRIPT, backend, "admin", "install", "--format", "json");
        assertThat(install.status()).as(install.err()).isZero();
        assertThat(install.json().get("schema_version").asInt()).isPositive();
        Run created = pgqrs(SCRIPT, backend, "queue", "create", "orders");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).contains("orders");
        assertThat(created.err()).as("no log lines on the terminal").isEmpty();

        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "launcher")), "bin-");
        Path copied = Files.copy(SCRIPT, dir.resolve("pgqrs"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(JAR, dir.resolve("pgqrs.jar"));
        Run sent = pgqrs(copied, backend, "message", "send", "orders", "{\"order\":1}", "--format", "json");
        assertThat(sent.status()).as(sent.err()).isZero();
        assertThat(sent.json().get("sent").asInt()).isEqualTo(1);
        assertThat(pgqrs(copied, backend, "message", "peek", "orders", "--format", "json").json().get(0)
                .get("payload").get("order").asInt()).isEqualTo(1);

        Run missing = pgqrs(copied, backend, "queue", "get", "nope");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("pgqrs: queue not found").doesNotContain("\n");
        Run usage = pgqrs(copied, backend, "queue", "frobnicate");
        assertThat(usage.status()).isEqualTo(2);
    }

    @org.junit.jupiter.api.Test
    void withoutTheJarTheScriptSaysWhereItLooked() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "launcher")), "nojar-");
        Path copied = Files.copy(SCRIPT, dir.resolve("pgqrs"));
        ProcessBuilder pb = new ProcessBuilder("sh", copied.toString(), "--help").redirectErrorStream(true);
        pb.environment().remove("PGQRS_JAR");
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(text).contains("pgqrs.jar not found").contains(dir.toString());
    }
}
