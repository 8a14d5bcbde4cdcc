package dev.pgqrs.designs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Opens and saves files with Karavan's own parser (npm {@code karavan-core}, installed by the build into
 * {@code target/karavan-roundtrip}, run with Node.js), and says how what Karavan wrote differs from
 * the original: the first difference of the two YAML trees, or none.
 */
final class KaravanRoundTrip {

    static final Path TOOL = Path.of("target", "karavan-roundtrip");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private KaravanRoundTrip() {
    }

    /** Saves each file as Karavan would, into {@code out} under its own name. */
    static void save(List<Path> files, Path out) throws IOException, InterruptedException {
        if (!Files.isRegularFile(TOOL.resolve("node_modules/karavan-core/package.json"))) {
            throw new IllegalStateException("karavan-core is not installed in " + TOOL.toAbsolutePath()
                    + ": the build installs it (npm ci, exec-maven-plugin); run the module's build, not the test alone");
        }
        List<String> command = new ArrayList<>(List.of("node", "--import", "tsx", "roundtrip.mts", out.toAbsolutePath().toString()));
        files.forEach(f -> command.add(f.toAbsolutePath().toString()));
        Process node;
        try {
            node = new ProcessBuilder(command).directory(TOOL.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node (Node.js 18+ must be on the PATH; CI installs it): " + e.getMessage(), e);
        }
        node.getOutputStream().close();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(120, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            throw new IllegalStateException("Karavan's parser did not finish within 120 s:\n" + output);
        }
        if (node.exitValue() != 0) {
            throw new AssertionError("Karavan's parser failed (exit " + node.exitValue() + "):\n" + output);
        }
    }

    /**
     * The first difference between the original and what Karavan saved, as {@code $.path: ...}, or empty
     * when the two YAML documents are the same tree. Comments, quoting, key order within a mapping and
     * line folding do not count; list order does.
     */
    static Optional<String> firstDifference(Path original, Path saved) throws IOException {
        JsonNode before = YAML.readTree(original.toFile());
        JsonNode after = YAML.readTree(saved.toFile());
        if (original.getFileName().toString().endsWith(".kamelet.yaml")) {
            ignoreTemplateRouteId(before, after);
        }
        return difference("$", before, after);
    }

    /**
     * karavan-core 4.8.0 reads a Kamelet's {@code spec.template.route} without its id and gives the route a
     * new random one ({@code route-1a2b}) each time it saves. Camel ignores that id (each use of a
     * Kamelet is a route named after the use, {@code pgqrs-sink-1}), so only its presence is compared.
     */
    private static void ignoreTemplateRouteId(JsonNode before, JsonNode after) {
        JsonNode a = before.path("spec").path("template").path("route");
        JsonNode b = after.path("spec").path("template").path("route");
        if (a instanceof ObjectNode ra && b instanceof ObjectNode rb && ra.has("id") && rb.has("id")) {
            rb.set("id", ra.get("id"));
        }
    }

    private static Optional<String> difference(String path, JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String at = path + "." + key;
                if (!b.has(key)) {
                    return Optional.of(at + ": Karavan dropped it (was " + abbreviate(a.get(key)) + ")");
                }
                if (!a.has(key)) {
                    return Optional.of(at + ": Karavan added it (" + abbreviate(b.get(key)) + ")");
                }
                Optional<String> d = difference(at, a.get(key), b.get(key));
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        if (a.isArray() && b.isArray()) {
            Iterator<JsonNode> ia = a.elements();
            Iterator<JsonNode> ib = b.elements();
            for (int i = 0; ia.hasNext() && ib.hasNext(); i++) {
                Optional<String> d = difference(path + "[" + i + "]", ia.next(), ib.next());
                if (d.isPresent()) {
                    return d;
                }
            }
            return a.size() == b.size() ? Optional.empty()
                    : Optional.of(path + ": " + a.size() + " elements before, " + b.size() + " after Karavan saved it");
        }
        // Scalars compare as text: YAML's 5 and "5" are one value to Camel's YAML DSL and to Karavan.
        boolean same = a.isValueNode() && b.isValueNode() ? a.asText().equals(b.asText()) : a.equals(b);
        return same ? Optional.empty()
                : Optional.of(path + ": was " + abbreviate(a) + ", Karavan wrote " + abbreviate(b));
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 120 ? text : text.substring(0, 119) + "…";
    }
}
