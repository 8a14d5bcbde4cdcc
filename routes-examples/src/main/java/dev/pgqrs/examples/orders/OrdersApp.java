package dev.pgqrs.examples.orders;

import dev.pgqrs.PgqrsException;
import dev.pgqrs.bridge.BridgeStartupException;
import dev.pgqrs.examples.admin.AdminRoutes;
import dev.pgqrs.examples.admin.DashboardRoutes;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The example integration application: an order intake on durable pgqrs queues, run by Camel Main.
 *
 * <pre>
 *   POST /orders ─────────┐
 *   inbox/*.json(l) ──────┼─▶ validate ─▶ fulfil-order run: claim-order ─▶ validate ─▶ reserve-stock ─▶ charge-payment ─▶ ship ─▶ outbox/order-ID.json
 *   Kafka orders-in ──────┤   (a duplicate order id starts nothing)                                       └─▶ order-events ─▶ Kafka
 *   pgqrs:orders ─────────┘ ◀── Karavan designs, other producers        GET /orders/ID: the run and its steps
 * </pre>
 *
 * Runs on an embedded SQLite file by default ({@code app.home}/pgqrs.db); {@code PGQRS_DSN} (or
 * {@code camel.component.pgqrs.dsn}) switches to PostgreSQL. Settings: {@code application.properties}.
 */
public final class OrdersApp {

    private static final Logger LOG = LoggerFactory.getLogger(OrdersApp.class);

    private OrdersApp() {
    }

    public static void main(String[] args) throws Exception {
        try {
            AppObservability.installTracingFromEnvironment(System.getenv());
            newMain(Map.of()).run(args); // until Ctrl-C / SIGTERM, then a graceful shutdown
        } catch (Exception e) {
            String reason = operatorReason(e);
            if (reason == null) {
                throw e;
            }
            LOG.error("pgqrs orders app cannot start: {}", reason);
            System.exit(1);
        }
    }

    /**
     * The message of a startup failure the operator can fix from its message alone (a taken port, a bad
     * setting, a database that does not answer), or null for anything else, whose stack trace is wanted.
     */
    static String operatorReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AppStartupException || t instanceof BridgeStartupException || t instanceof PgqrsException) {
                return t.getMessage();
            }
        }
        return null;
    }

    /**
     * Where the settings come from: the jar's {@code application.properties}, then the operator's file,
     * whose keys take precedence — {@code APP_CONFIG} (which must exist), or {@code application.properties}
     * in the working directory when there is one. Environment variables and {@code -D} properties override both.
     */
    static String propertyLocations(String appConfig) {
        if (appConfig == null || appConfig.isBlank()) {
            // Camel's properties component takes a key from the first location that has it
            return "file:application.properties;optional=true,classpath:application.properties";
        }
        Path file = Path.of(appConfig.trim()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new AppStartupException("APP_CONFIG=" + appConfig + " is not a readable file (" + file + ")");
        }
        return "file:" + file + ",classpath:application.properties";
    }

    /**
     * The app's Camel Main, not yet started. {@code overrides} take precedence over
     * {@code application.properties} (tests and embedding use them).
     */
    public static Main newMain(Map<String, String> overrides) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(propertyLocations(System.getenv("APP_CONFIG")));
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(new OrdersAppConfiguration());
        main.configure().addConfiguration(new AppObservability()); // after the store is open: its meters
        main.configure().addRoutesBuilder(new HttpErrorResponses());
        main.configure().addRoutesBuilder(new HttpIntakeRoutes());
        main.configure().addRoutesBuilder(new FileIntakeRoutes());
        main.configure().addRoutesBuilder(new OrderProcessingRoutes());
        main.configure().addRoutesBuilder(new KafkaBridgeRoutes());
        // the operator's admin API (/api) and dashboard (/dashboard) on the app's store and port
        main.configure().addRoutesBuilder(new AdminRoutes(OrdersAppConfiguration.STORE));
        main.configure().addRoutesBuilder(new DashboardRoutes());
        main.configure().addRoutesBuilder(new MetricsRoutes());
        main.addMainListener(new StartupBanner());
        return main;
    }
}
