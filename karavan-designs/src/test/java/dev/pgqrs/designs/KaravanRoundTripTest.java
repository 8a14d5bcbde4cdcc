package dev.pgqrs.designs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every design and Kamelet of every Karavan project in this module survives being opened and saved by
 * Karavan: loaded and written back by Karavan's own parser ({@code karavan-core}, the package Karavan's
 * designer is built on), it is the same YAML tree as before. A rewrite Karavan makes on save (a bean
 * property it takes for a step name, an endpoint path it drops, an id it invents) fails the test,
 * naming the file and the first difference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KaravanRoundTripTest {

    private static final Path MODULE = Path.of(".");
    private Path out;

    @BeforeAll
    void saveEveryFileAsKaravanWould() throws Exception {
        out = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "karavan-saved-");
        KaravanRoundTrip.save(karavanFiles(), out);
    }

    @Test
    void everyDesignAndKameletComesBackFromKaravanUnchanged() throws Exception {
        List<Path> files = karavanFiles();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("returns-processing.camel.yaml", "pgqrs-source.kamelet.yaml", "pgqrs-sink.kamelet.yaml");
        List<String> changed = new ArrayList<>();
        for (Path file : files) {
            KaravanRoundTrip.firstDifference(file, out.resolve(file.getFileName()))
                    .ifPresent(d -> changed.add(MODULE.relativize(file) + ": " + d));
        }
        assertThat(changed).as("files Karavan changes when it opens and saves them").isEmpty();
    }

    /** The forms Karavan rewrites, so this test fails when a design uses one again. */
    @Test
    void theRoundTripCatchesWhatKaravanRewrites() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "karavan-rewrites-");
        Path stepName = write(dir, "bean-step-name.camel.yaml", """
                - route:
                    id: r
                    nodePrefixId: route-1a2
                    from:
                      id: from-r
                      uri: kamelet:pgqrs-source
                      parameters: {queue: returns}
                      steps:
                        - policy: {id: policy-r, ref: issueRefund}
                - beans:
                    - name: issueRefund
                      type: "#class:dev.pgqrs.camel.PgqrsStepPolicy"
                      properties: {stepName: issue-refund, recordHeaders: refundId}
                """);
        Path queueInUri = write(dir, "queue-in-uri.kamelet.yaml", Files.readString(Path.of("orders-intake", "pgqrs-sink.kamelet.yaml"))
                .replace("uri: pgqrs\n", "uri: \"pgqrs:{{queue}}\"\n").replace("                queueName: \"{{queue}}\"\n", ""));
        Path noId = write(dir, "no-id.camel.yaml", """
                - route:
                    id: r
                    nodePrefixId: route-1a2
                    from:
                      id: from-r
                      uri: kamelet:pgqrs-source
                      parameters: {queue: returns}
                      steps:
                        - log: {message: hello}
                """);
        Path saved = dir.resolve("saved");
        KaravanRoundTrip.save(List.of(stepName, queueInUri, noId), saved);

        assertThat(KaravanRoundTrip.firstDifference(stepName, saved.resolve(stepName.getFileName())))
                .hasValueSatisfying(d -> assertThat(d).contains("$[").contains("stepName"));
        assertThat(KaravanRoundTrip.firstDifference(queueInUri, saved.resolve(queueInUri.getFileName())))
                .hasValueSatisfying(d -> assertThat(d).contains("uri").contains("pgqrs:{{queue}}"));
        assertThat(KaravanRoundTrip.firstDifference(noId, saved.resolve(noId.getFileName())))
                .hasValueSatisfying(d -> assertThat(d).contains(".log.id: Karavan added it"));
        assertThat(KaravanRoundTrip.firstDifference(noId, noId)).isEqualTo(Optional.empty());
    }

    /** The {@code *.camel.yaml} and {@code *.kamelet.yaml} files of the project folders (not the build's). */
    static List<Path> karavanFiles() throws Exception {
        try (Stream<Path> paths = Files.walk(MODULE)) {
            return paths.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(MODULE.resolve("target")) && !p.startsWith(MODULE.resolve("src"))
                            && !p.startsWith(MODULE.resolve("karavan-roundtrip")))
                    .filter(p -> p.getFileName().toString().endsWith(".camel.yaml") || p.getFileName().toString().endsWith(".kamelet.yaml"))
                    .map(Path::normalize).sorted().toList();
        }
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
