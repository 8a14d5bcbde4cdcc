package dev.pgqrs.examples.orders;

import dev.pgqrs.config.ConfigKey;
import dev.pgqrs.config.Dsn;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The app's settings, read once from Camel's properties ({@code application.properties}, each key
 * overridable by an environment variable such as {@code APP_HOME} or {@code KAFKA_BROKERS}, or by a
 * {@code -Dkey=value} system property). Routes use the same keys as {@code {{placeholders}}}.
 */
public record AppSettings(Path home, Path inbox, Path outbox, Path failed, Path refunds, boolean httpEnabled,
                          int httpPort, PgqrsConfig storeConfig, String kafkaBrokers, String designs,
                          int fulfilmentConcurrency, Duration fulfilmentPollInterval) {

    /** Registry name of the settings bean. */
    public static final String BEAN = "appSettings";

    public static AppSettings resolve(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        Path home = path(pc, "app.home");
        // PGQRS_* variables and an optional pgqrs.yaml tune the store; the DSN and schema may also
        // come from pgqrs.dsn / pgqrs.schema (PGQRS_DSN, PGQRS_SCHEMA) or the component's keys.
        PgqrsConfig loaded = PgqrsConfig.load();
        String dsn = RedactableDsn.of(first(pc, "camel.component.pgqrs.dsn", "pgqrs.dsn")
                .orElse(loaded.dsn() != null ? loaded.dsn() : "sqlite:" + home.resolve("pgqrs.db")));
        String schema = first(pc, "camel.component.pgqrs.schema", "pgqrs.schema").orElse(loaded.schema());
        PgqrsConfig storeConfig = loaded.toBuilder().dsn(dsn).schema(schema).build();
        return new AppSettings(home, path(pc, "app.inbox"), path(pc, "app.outbox"), path(pc, "app.failed"),
                path(pc, "refunds.outbox"), Boolean.parseBoolean(first(pc, "camel.server.enabled").orElse("false")),
                port(required(pc, "app.http.port")), storeConfig,
                first(pc, "kafka.brokers").orElse(null), first(pc, "app.designs").orElse(null),
                positive("app.fulfil.concurrency", first(pc, "app.fulfil.concurrency").orElse("4")),
                ConfigKey.parseDuration("app.fulfil.poll-interval", first(pc, "app.fulfil.poll-interval").orElse("1s"), "ms"));
    }

    /** The fulfilment worker: runs executed at once, and how often an idle worker looks for due runs. */
    public WorkflowWorkerOptions fulfilmentWorkerOptions() {
        return WorkflowWorkerOptions.defaults().concurrency(fulfilmentConcurrency).pollInterval(fulfilmentPollInterval);
    }

    public boolean kafkaEnabled() {
        return kafkaBrokers != null;
    }

    public Dsn dsn() {
        return Dsn.parse(storeConfig.dsn());
    }

    /** Creates the folders the routes read and write, and the SQLite file's folder. */
    public void createFolders() {
        try {
            for (Path p : new Path[] {home, inbox, outbox, failed, refunds}) {
                Files.createDirectories(p);
            }
            Dsn dsn = dsn();
            if (dsn.sqlitePath() != null && !dsn.isInMemory()) {
                Path parent = Path.of(dsn.sqlitePath()).toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the app's folders under " + home + ": " + e.getMessage(), e);
        }
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AppStartupException("app.http.port (APP_HTTP_PORT) must be a port number 0-65535, got '" + value + "'");
    }

    private static int positive(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AppStartupException(key + " must be a whole number of at least 1, got '" + value + "'");
    }

    private static Path path(PropertiesComponent pc, String key) {
        return Path.of(required(pc, key)).toAbsolutePath().normalize();
    }

    private static String required(PropertiesComponent pc, String key) {
        return first(pc, key).orElseThrow(() -> new IllegalArgumentException(
                "property " + key + " is not set: set it in application.properties or as the environment variable "
                        + key.toUpperCase().replace('.', '_').replace('-', '_')));
    }

    /** The first of the keys with a non-blank value. */
    private static Optional<String> first(PropertiesComponent pc, String... keys) {
        for (String key : keys) {
            Optional<String> v = pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }
}
