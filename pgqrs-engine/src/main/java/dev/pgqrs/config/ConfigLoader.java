package dev.pgqrs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pgqrs.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Loads configuration from a {@code pgqrs.yaml} file and {@code PGQRS_*} environment variables;
 * variables win over the file. Every {@link ConfigKey} has a snake-case YAML key and a variable
 * ({@code PGQRS_} + the key in upper case), e.g. {@code max_read_ct} / {@code PGQRS_MAX_READ_CT}.
 * An unknown YAML key or a value that does not parse is an error naming the key.
 */
public final class ConfigLoader {

    public static final String CONFIG_FILE_VARIABLE = "PGQRS_CONFIG_FILE";

    private ConfigLoader() {
    }

    /**
     * @param environment      the variables to read
     * @param defaultYamlFile  read when {@code PGQRS_CONFIG_FILE} is unset and this file exists
     */
    public static PgqrsConfig.Builder load(Map<String, String> environment, Path defaultYamlFile) {
        LoadingBuilder builder = new LoadingBuilder(PgqrsConfig.builder());
        String named = environment.get(CONFIG_FILE_VARIABLE);
        if (named != null && !named.isBlank()) {
            Path file = Path.of(named.trim());
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(CONFIG_FILE_VARIABLE + ": file '" + file + "' does not exist");
            }
            applyYaml(builder, file);
        } else if (defaultYamlFile != null && Files.isRegularFile(defaultYamlFile)) {
            applyYaml(builder, defaultYamlFile);
        }
        for (ConfigKey key : ConfigKey.values()) {
            String value = environment.get(key.envVar());
            if (value != null) {
                applyNamed(builder, key, value, key.envVar());
            }
        }
        return builder.result();
    }

    /** Configuration from one YAML file only. */
    public static PgqrsConfig.Builder fromYaml(Path file) {
        LoadingBuilder builder = new LoadingBuilder(PgqrsConfig.builder());
        applyYaml(builder, file);
        return builder.result();
    }

    private static void applyYaml(LoadingBuilder builder, Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file '" + file + "': " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file '" + file + "' must be a mapping of keys to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            ConfigKey key = ConfigKey.forYamlKey(field.getKey());
            if (key == null) {
                throw new ConfigException("config file '" + file + "': unknown key '" + field.getKey()
                        + "'; known keys: " + ConfigKey.yamlKeys());
            }
            JsonNode value = field.getValue();
            String text;
            if (value.isArray()) {
                StringBuilder joined = new StringBuilder();
                value.forEach(v -> joined.append(joined.length() == 0 ? "" : ",").append(v.asText()));
                text = joined.toString();
            } else if (value.isValueNode()) {
                text = value.asText();
            } else {
                throw new ConfigException("config file '" + file + "': key '" + field.getKey() + "' must be a plain value");
            }
            applyNamed(builder, key, text, key.yamlKey() + " (in " + file + ")");
        }
    }

    private static void applyNamed(LoadingBuilder builder, ConfigKey key, String value, String source) {
        try {
            key.apply(builder, value);
        } catch (ConfigException e) {
            // Re-word with where the value came from, keeping the parser's reason.
            throw new ConfigException(source + ": " + stripKey(e.getMessage(), key.yamlKey()), e);
        }
    }

    private static String stripKey(String message, String key) {
        return message.startsWith(key + ": ") ? message.substring(key.length() + 2) : message;
    }
}
