package dev.pgqrs.bridge;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.bridge.connect.ConnectorRuntime;
import dev.pgqrs.bridge.connect.FailedNodeRecorder;
import dev.pgqrs.bridge.connect.KameletRouteIds;
import dev.pgqrs.bridge.rest.ConnectorPluginsResource;
import dev.pgqrs.bridge.rest.ConnectorsResource;
import dev.pgqrs.bridge.rest.RestRoutes;
import dev.pgqrs.bridge.store.BridgeDatabase;
import dev.pgqrs.bridge.store.BridgeSchema;
import dev.pgqrs.bridge.store.ConnectorRepository;
import dev.pgqrs.bridge.store.DeadLetterRepository;
import dev.pgqrs.bridge.store.SourceLeases;
import dev.pgqrs.bridge.store.TaskRepository;
import dev.pgqrs.bridge.store.WorkerRepository;
import dev.pgqrs.bridge.validate.ConfigValidator;
import dev.pgqrs.bridge.validate.KameletCatalog;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.model.Model;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone bridge ({@code java -jar pgqrs-bridge.jar}); {@link #embed} runs it inside a host's context.
 * Runs before anything starts: reads the settings, checks the HTTP port, opens the store (and installs the
 * pgqrs schema and the bridge's tables), binds the store where the {@code pgqrs:} component autowires it, makes
 * camel-kamelet find the designs folder's Kamelets, and adds the REST API. Once the context has fully started,
 * the designs folder is applied to the store and the connector runtime starts converging; when the context
 * stops, the runtime stops first (the connectors' routes are removed), then the store closes.
 */
public final class BridgeConfiguration implements CamelConfiguration {

    /** Registry names. */
    public static final String STORE = "pgqrsStore";
    public static final String BRIDGE = "pgqrsBridge";

    @Override
    public void configure(CamelContext context) throws Exception {
        BridgeSettings settings = BridgeSettings.resolve(context);
        HttpPortCheck.requireFree(settings.httpPort());
        Files.createDirectories(settings.home());
        var dsn = settings.dsn();
        if (dsn.sqlitePath() != null && !dsn.isInMemory()) {
            Path parent = Path.of(dsn.sqlitePath()).toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        Store store = Pgqrs.connect(settings.storeConfig());
        try {
            store.admin().install();
            context.getRegistry().bind(STORE, store);
            // Services stop in the reverse order: the runtime (and the connectors' routes) before the store.
            context.addService(new StoreCloser(store), true, true);
            install(context, store, settings, false);
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }

    /**
     * Runs the bridge inside a host application's Camel context, on the host's store (opened, installed and
     * bound where the {@code pgqrs:} component finds it, and closed, by the host) and on the host's HTTP server
     * (whose port the host checked): adds the bridge's tables, the REST API ({@code /connectors}, ...) and the
     * connector runtime. The designs of {@code settings} are applied to the store once the context has started,
     * and the context's start returns once the runtime has converged to them (their routes run). Call it from
     * the host's {@link CamelConfiguration}, before the context starts.
     */
    public static Bridge embed(CamelContext context, Store store, BridgeSettings settings) throws Exception {
        return install(context, store, settings, true);
    }

    private static Bridge install(CamelContext context, Store store, BridgeSettings settings, boolean convergeAtStart)
            throws Exception {
        Bridge bridge = bridge(context, store, settings);
        context.getRegistry().bind(BRIDGE, bridge);
        context.getCamelContextExtension().addInterceptStrategy(new FailedNodeRecorder());
        context.getCamelContextExtension().getContextPlugin(Model.class)
                .addModelLifecycleStrategy(new KameletRouteIds.WaitForTheirTask());
        kameletLocations(context, settings);
        context.addRoutes(new RestRoutes(bridge.connectorsResource(), bridge.pluginsResource(),
                RestInfo.of(settings.instanceId(), store.backend().name().toLowerCase(java.util.Locale.ROOT))));
        context.addService(new RuntimeStopper(bridge.runtime()), true, true);
        // The runtime stops as the context begins to stop, before Camel shuts the routes down under it.
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    bridge.runtime().stop();
                }
            }
        });
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                if (settings.hasDesigns()) {
                    DesignsFolder.of(ctx, settings).apply(bridge.connectors(), bridge.validator(), settings.pruneDesigns());
                }
                bridge.runtime().start();
                if (convergeAtStart) {
                    // A host is started once what it serves runs: its designs' HTTP paths answer from then on.
                    bridge.runtime().syncNow();
                }
            }
        });
        return bridge;
    }

    private static Bridge bridge(CamelContext context, Store store, BridgeSettings settings) {
        BridgeDatabase db = new BridgeDatabase(store);
        BridgeSchema.install(db);
        ConnectorRepository connectors = new ConnectorRepository(db);
        TaskRepository tasks = new TaskRepository(db);
        WorkerRepository workers = new WorkerRepository(db);
        DeadLetterRepository deadLetters = new DeadLetterRepository(db);
        KameletCatalog kamelets = new KameletCatalog(context, settings.kameletFolders());
        ConfigValidator validator = new ConfigValidator(context, kamelets);
        ConnectorRuntime runtime = new ConnectorRuntime(context, store, connectors, tasks, workers, new SourceLeases(db),
                deadLetters, kamelets, new ConnectorRuntime.Settings(settings.instanceId(), settings.url(),
                settings.pollInterval(), settings.leaseDuration()));
        long live = settings.instanceTimeout().toMillis();
        ConnectorsResource resource = new ConnectorsResource(store, connectors, tasks, deadLetters, runtime, validator, kamelets, live);
        return new Bridge(settings, store, db, connectors, tasks, deadLetters, kamelets, validator, runtime, resource,
                new ConnectorPluginsResource(kamelets, validator));
    }

    /** camel-kamelet reads Kamelets from the class path and from the designs folder (and its kamelets folders). */
    private static void kameletLocations(CamelContext context, BridgeSettings settings) {
        List<String> locations = new ArrayList<>(List.of("classpath:kamelets"));
        for (Path p : settings.kameletFolders()) {
            if (Files.isDirectory(p)) {
                locations.add("file:" + p);
            }
        }
        context.getComponent("kamelet", KameletComponent.class).setLocation(String.join(",", locations));
    }

    /** Closes the bridge's store when the Camel context stops. */
    static final class StoreCloser extends ServiceSupport {
        private final Store store;

        StoreCloser(Store store) {
            this.store = store;
        }

        @Override
        protected void doStop() {
            store.close();
        }
    }

    /** Stops the connector runtime when the Camel context stops (its start waits for the context to be up). */
    static final class RuntimeStopper extends ServiceSupport {
        private final ConnectorRuntime runtime;

        RuntimeStopper(ConnectorRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        protected void doStop() {
            runtime.stop();
        }
    }
}
